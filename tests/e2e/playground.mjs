// End-to-end test of the built playground (dist/) in headless Chromium: a learner's first
// visit — the default cluster, the example StatefulSet applied, web-0/web-1/web-2 created in
// order, the console, node operations, a reload that keeps the work, and a broken manifest that
// names its line. Screenshots go to tests/screenshots/ (gitignored).
//
// Run: node tests/e2e/playground.mjs   (.ci/test.sh builds dist/ first)

import path from 'node:path';
import {
  WAIT, shots, assert, simTime, webPods, step, playUntil, lastConsoleEntry, applyManifest,
  openNodeMenu, launch,
} from './lib.mjs';

/** Waits until the newest console entry mentions `text` (a node action has echoed). */
async function waitForLastConsoleEntry(page, text) {
  await page.waitForFunction((want) => ([...document.querySelectorAll('[data-testid="console-output"] .entry')]
    .pop()?.textContent || '').includes(want), text, { timeout: WAIT });
}

/** Plays until `node` holds no hello pod and all six run Running on other nodes. */
async function playUntilHelloLeaves(page, node) {
  await playUntil(page, 1600, (n) => document.querySelectorAll(`[data-node="${n}"] [data-pod^="hello-"]`).length === 0 && (() => {
    const pods = [...document.querySelectorAll('[data-testid="cluster"] [data-node] [data-pod^="hello-"]')];
    return pods.length === 6 && pods.every((p) => p.dataset.phase === 'Running');
  })(), node);
}

async function main() {
  const { base, page, pageErrors, run, finish } = await launch();

  await run('loads_the_default_cluster', async () => {
    await page.goto(base);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="node"]').length === 4, null, { timeout: WAIT });
    const nodes = await page.$$eval('[data-testid="node"]', (els) => els.map((e) => e.dataset.node));
    assert(JSON.stringify(nodes) === JSON.stringify(['kind-control-plane', 'kind-worker', 'kind-worker2', 'kind-worker3']),
      `unexpected nodes ${nodes}`);
    const cp = page.locator('[data-node="kind-control-plane"]');
    assert((await cp.textContent()).includes('node-role.kubernetes.io/control-plane:NoSchedule'), 'control-plane taint not shown');
    const editor = await page.getByTestId('editor').inputValue();
    assert(editor.includes('kind: StatefulSet') && editor.includes('name: web'), 'example manifest not in the editor');
    const timing = await page.evaluate(() => {
      const m = performance.getEntriesByName('kubeplay-first-render')[0];
      const wasm = performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm'));
      return { firstRender: m ? Math.round(m.startTime) : null, wasmLoaded: wasm ? Math.round(wasm.responseEnd) : null };
    });
    assert(timing.firstRender !== null, 'first-render mark missing');
    console.log(`first render: ${timing.firstRender} ms after navigation start ` +
      `(wasm downloaded by ${timing.wasmLoaded} ms; headless Chromium, 1280x800, served from localhost)`);
    await page.screenshot({ path: path.join(shots, 'desktop-initial.png') });
  });

  await run('applies_the_example', async () => {
    await page.getByTestId('apply').click();
    const out = page.getByTestId('apply-output');
    await out.waitFor({ timeout: WAIT });
    const text = await out.textContent();
    assert(await out.getAttribute('data-ok') === 'true', `kubectl apply failed: ${text}`);
    assert(text.includes('service/nginx created') && text.includes('statefulset.apps/web created'),
      `unexpected apply output: ${text}`);
  });

  await run('creates_web_0_1_2_in_order', async () => {
    // Step one simulated second at a time and note the step at which each pod first shows up,
    // and whether its predecessor was Running and Ready by then (OrderedReady).
    const firstSeen = {};
    const predecessorReady = {};
    let whyWeb2 = '';
    for (let i = 0; i < 180 && Object.keys(firstSeen).length < 3; i++) {
      await step(page);
      const pods = await webPods(page);
      for (const p of pods) {
        if (!(p.name in firstSeen)) {
          firstSeen[p.name] = i;
          const ord = Number(p.name.slice(4));
          if (ord > 0) {
            const prev = pods.find((q) => q.name === `web-${ord - 1}`);
            predecessorReady[p.name] = !!(prev && prev.ready && prev.phase === 'Running');
          }
          if (p.name === 'web-1') {
            // While web-1 starts, the Waiting lane says why web-2 is not created yet.
            const why = await page.$$eval('[data-testid="why-line"][data-subject="pod/web-2"]',
              (els) => els.map((e) => e.textContent));
            whyWeb2 = why.join('\n');
            await page.screenshot({ path: path.join(shots, 'desktop-starting.png') });
          }
        }
      }
    }
    const order = Object.entries(firstSeen).sort((a, b) => a[1] - b[1]).map(([n]) => n);
    assert(JSON.stringify(order) === '["web-0","web-1","web-2"]', `pods appeared as ${JSON.stringify(firstSeen)} by ${await simTime(page)}`);
    assert(firstSeen['web-0'] < firstSeen['web-1'] && firstSeen['web-1'] < firstSeen['web-2'],
      `web pods appeared together: ${JSON.stringify(firstSeen)}`);
    assert(predecessorReady['web-1'] && predecessorReady['web-2'],
      `a pod was created before its predecessor was Running and Ready: ${JSON.stringify(predecessorReady)}`);
    assert(whyWeb2.includes('web-1'), `no reason shown for web-2 while web-1 started: ${JSON.stringify(whyWeb2)}`);
    // Then play until all three are Running and Ready.
    await page.getByTestId('speed').selectOption('1600');
    await page.getByTestId('play').click();
    await page.waitForFunction(() => {
      const pods = [...document.querySelectorAll('[data-testid="cluster"] [data-pod^="web-"]')];
      return pods.length === 3 && pods.every((p) => p.dataset.ready === 'true' && p.dataset.phase === 'Running');
    }, null, { timeout: WAIT });
    await page.getByTestId('play').click();
    assert(await page.getByTestId('play').getAttribute('aria-pressed') === 'false', 'pause did not stop play');
    // Bound claims are drawn in their volume's node lane, beside their pod (cluster_view.mjs).
    const claims = await page.$$eval('[data-testid="node"] [data-claim]',
      (els) => els.map((e) => `${e.dataset.claim}:${e.dataset.phase}`).sort());
    assert(JSON.stringify(claims) === '["www-web-0:Bound","www-web-1:Bound","www-web-2:Bound"]',
      `claims shown: ${claims}`);
    await page.screenshot({ path: path.join(shots, 'desktop-running.png') });
  });

  await run('console_runs_kubectl', async () => {
    await page.getByTestId('console-input').fill('kubectl get pods');
    await page.getByTestId('console-input').press('Enter');
    const entry = page.locator('[data-testid="console-output"] .entry').last();
    await entry.waitFor({ timeout: WAIT });
    const text = await entry.textContent();
    assert(text.includes('NAME') && text.includes('web-0'), `kubectl get pods printed: ${text}`);
  });

  await run('inspector_explains_a_pod', async () => {
    await page.locator('[data-testid="cluster"] [data-pod="web-1"]').click();
    const insp = page.getByTestId('inspector');
    await insp.waitFor({ timeout: WAIT });
    assert(await insp.getAttribute('data-name') === 'web-1', 'inspector shows another object');
    const dns = await page.getByTestId('inspector-dns').textContent();
    assert(dns === 'web-1.nginx.default.svc.cluster.local', `DNS name: ${dns}`);
    assert(await page.getByTestId('inspector-claims').textContent() === 'www-web-1', 'claim not shown');
    const yaml = await page.getByTestId('inspector-yaml').textContent();
    assert(yaml.includes('kind: Pod') && yaml.includes('claimName: www-web-1'), `yaml: ${yaml.slice(0, 200)}`);
    const events = await page.getByTestId('inspector-events').textContent();
    assert(events.includes('Scheduled') && events.includes('Successfully assigned default/web-1'), `events: ${events}`);
    await page.screenshot({ path: path.join(shots, 'desktop-inspector.png') });
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('[data-testid="inspector"]'), null, { timeout: WAIT });
  });

  await run('reload_keeps_the_work', async () => {
    const before = await simTime(page);
    const podsBefore = (await webPods(page)).map((p) => `${p.name}:${p.phase}:${p.ready}`).sort();
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="node"]').length === 4, null, { timeout: WAIT });
    await page.waitForFunction(() => document.querySelectorAll('[data-pod^="web-"]').length === 3, null, { timeout: WAIT });
    const after = await simTime(page);
    const podsAfter = (await webPods(page)).map((p) => `${p.name}:${p.phase}:${p.ready}`).sort();
    assert(after === before, `clock was ${before}, after reload ${after}`);
    assert(JSON.stringify(podsAfter) === JSON.stringify(podsBefore), `pods were ${podsBefore}, after reload ${podsAfter}`);
    assert((await page.getByTestId('editor').inputValue()).includes('name: web'), 'editor text lost');
  });

  await run('broken_manifest_names_its_line', async () => {
    const broken = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: broken\n  labels: [app\nspec: {}\n';
    await page.getByTestId('editor').fill(broken);
    const err = page.getByTestId('editor-error');
    await err.waitFor({ timeout: WAIT });
    const text = await err.textContent();
    assert(/[Ll]ine \d+/.test(text), `error without a line number: ${text}`);
    await page.getByTestId('apply').click();
    await page.waitForFunction(() => {
      const out = document.querySelector('[data-testid="apply-output"]');
      return out && out.dataset.ok === 'false';
    }, null, { timeout: WAIT });
    await page.screenshot({ path: path.join(shots, 'desktop-broken.png') });
  });

  await run('pending_pod_shows_the_scheduler_reason', async () => {
    const picky = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: picky\nspec:\n  nodeSelector:\n    disktype: ssd\n' +
      '  containers:\n  - name: c\n    image: registry.k8s.io/pause:3.10\n';
    await page.getByTestId('editor').fill(picky);
    await page.getByTestId('apply').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="apply-output"]')?.dataset.ok === 'true',
      null, { timeout: WAIT });
    await step(page);
    const reason = page.locator('[data-testid="pending-lane"] [data-pod="picky"] [data-testid="pending-reason"]');
    await reason.waitFor({ timeout: WAIT });
    const text = await reason.textContent();
    assert(text.includes("didn't match Pod's node affinity/selector"), `pending reason: ${text}`);
    await page.screenshot({ path: path.join(shots, 'desktop-pending.png') });
  });

  await run('add_node_gets_the_daemonset_pod', async () => {
    const fluentd = await (async () => {
      await page.getByTestId('examples').selectOption({ label: 'Logging DaemonSet (fluentd, hostPath)' });
      return page.getByTestId('editor').inputValue();
    })();
    assert(fluentd.includes('kind: DaemonSet'), 'fluentd example not loaded');
    await applyManifest(page, fluentd);
    await playUntil(page, 1600, () => {
      const pods = [...document.querySelectorAll('[data-testid="cluster"] [data-pod^="fluentd-"]')];
      return pods.length === 3 && pods.every((p) => p.dataset.phase === 'Running');
    });
    await page.getByTestId('add-node').locator('summary').click();
    await page.getByTestId('add-node-name').fill('kind-worker4');
    await page.getByTestId('add-node-labels').fill('disktype=ssd');
    await page.getByTestId('add-node-memory').fill('16Gi');
    await page.screenshot({ path: path.join(shots, 'desktop-add-node-form.png') });
    await page.getByTestId('add-node-submit').click();
    await page.locator('[data-node="kind-worker4"]').waitFor({ timeout: WAIT });
    const echoed = await lastConsoleEntry(page);
    assert(echoed.includes('sim node add kind-worker4 --label disktype=ssd --memory 16Gi'), `console shows: ${echoed}`);
    await playUntil(page, 800, () =>
      [...document.querySelectorAll('[data-node="kind-worker4"] [data-pod^="fluentd-"]')].some((p) => p.dataset.phase === 'Running'));
    const cp = await page.$$eval('[data-node="kind-control-plane"] [data-pod^="fluentd-"]', (els) => els.length);
    assert(cp === 0, 'a fluentd pod landed on the tainted control-plane node');
    // Asking the control-plane node why it has none gives the DaemonSet controller's reason.
    await page.locator('[data-node="kind-control-plane"] [data-testid="inspect-node"]').click();
    const why = await page.getByTestId('inspector-why').textContent();
    assert(why.includes('taint node-role.kubernetes.io/control-plane:NoSchedule not tolerated'), `why: ${why}`);
    await page.screenshot({ path: path.join(shots, 'desktop-inspector-node.png') });
    await page.getByTestId('inspector-close').click();
    await page.locator('[data-node="kind-worker4"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'desktop-node-added.png') });
  });

  await run('cordon_and_drain_move_pods', async () => {
    const deploy = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: hello\nspec:\n  replicas: 6\n' +
      '  selector:\n    matchLabels:\n      app: hello\n  template:\n    metadata:\n      labels:\n        app: hello\n' +
      '    spec:\n      containers:\n      - name: c\n        image: registry.k8s.io/pause:3.10\n';
    await applyManifest(page, deploy);
    const allRunning = () => {
      const pods = [...document.querySelectorAll('[data-testid="cluster"] [data-node] [data-pod^="hello-"]')];
      return pods.length === 6 && pods.every((p) => p.dataset.phase === 'Running' && p.dataset.ready === 'true');
    };
    await playUntil(page, 1600, allRunning);
    const on = async (node) => page.$$eval(`[data-node="${node}"] [data-pod^="hello-"]`, (els) => els.length);
    const target = (await on('kind-worker')) > 0 ? 'kind-worker' : 'kind-worker2';
    assert((await on(target)) > 0, 'no hello pod on kind-worker or kind-worker2');
    let menu = await openNodeMenu(page, target);
    await menu.locator('[data-action="cordon"]').click();
    await page.waitForFunction((n) => document.querySelector(`[data-node="${n}"]`).textContent.includes('SchedulingDisabled'),
      target, { timeout: WAIT });
    let echoed = await lastConsoleEntry(page);
    assert(echoed.includes(`kubectl cordon ${target}`) && echoed.includes(`node/${target} cordoned`), `console shows: ${echoed}`);
    menu = await openNodeMenu(page, target);
    await page.screenshot({ path: path.join(shots, 'desktop-node-menu.png') });
    await menu.locator('[data-action="drain"]').click();
    await waitForLastConsoleEntry(page, 'kubectl drain');
    echoed = await lastConsoleEntry(page);
    assert(echoed.includes(`kubectl drain ${target} --ignore-daemonsets --delete-emptydir-data`), `console shows: ${echoed}`);
    assert(echoed.includes(`node/${target} drained`), `drain output: ${echoed}`);
    await playUntilHelloLeaves(page, target);
    await page.screenshot({ path: path.join(shots, 'desktop-drained.png') });
    menu = await openNodeMenu(page, target);
    await menu.locator('[data-action="uncordon"]').click();
    await page.waitForFunction((n) => !document.querySelector(`[data-node="${n}"]`).textContent.includes('SchedulingDisabled'),
      target, { timeout: WAIT });
  });

  await run('a_noexecute_taint_evicts_and_scaling_adds_web_3_then_web_4', async () => {
    // Taint from the node menu: the hello pods there have no toleration, so the taint manager
    // evicts them and their ReplicaSet makes replacements on other nodes.
    const on = async (node) => page.$$eval(`[data-node="${node}"] [data-pod^="hello-"]`, (els) => els.length);
    const target = (await on('kind-worker3')) > 0 ? 'kind-worker3' : 'kind-worker';
    assert((await on(target)) > 0, `no hello pod on ${target} to evict`);
    let menu = await openNodeMenu(page, target);
    await menu.getByTestId('taint-input').fill('dedicated=infra:NoExecute');
    await menu.locator('[data-action="taint"]').click();
    await waitForLastConsoleEntry(page, 'kubectl taint');
    const echoed = await lastConsoleEntry(page);
    assert(echoed.includes(`kubectl taint nodes ${target} dedicated=infra:NoExecute`) && echoed.includes(`node/${target} tainted`),
      `console shows: ${echoed}`);
    assert((await page.locator(`[data-node="${target}"]`).textContent()).includes('dedicated=infra:NoExecute'), 'taint not shown on the lane');
    await playUntilHelloLeaves(page, target);
    menu = await openNodeMenu(page, target);
    await menu.locator('[data-action="untaint"]').first().click();
    await page.waitForFunction((n) => !document.querySelector(`[data-node="${n}"]`).textContent.includes('dedicated=infra'),
      target, { timeout: WAIT });

    // Scaling the StatefulSet from the console: web-3, then web-4 once web-3 is Running and Ready.
    await page.getByTestId('console-input').fill('kubectl scale sts web --replicas=5');
    await page.getByTestId('console-input').press('Enter');
    assert((await lastConsoleEntry(page)).includes('statefulset.apps/web scaled'), 'scale not acknowledged');
    let web3ReadyWhenWeb4Appeared = null;
    for (let i = 0; i < 120 && web3ReadyWhenWeb4Appeared === null; i++) {
      await step(page);
      const pods = await webPods(page);
      if (pods.some((p) => p.name === 'web-4')) {
        const w3 = pods.find((p) => p.name === 'web-3');
        web3ReadyWhenWeb4Appeared = !!(w3 && w3.ready && w3.phase === 'Running');
      }
    }
    assert(web3ReadyWhenWeb4Appeared === true, `web-4 appeared before web-3 was Running and Ready (${web3ReadyWhenWeb4Appeared})`);
    await playUntil(page, 1600, () => ['web-3', 'web-4'].every((n) => {
      const e = document.querySelector(`[data-testid="cluster"] [data-pod="${n}"]`);
      return e && e.dataset.phase === 'Running' && e.dataset.ready === 'true';
    }));
    await page.screenshot({ path: path.join(shots, 'desktop-scaled-to-5.png') });
  });

  await run('node_exporter_runs_on_every_node_then_delete', async () => {
    await page.getByTestId('examples').selectOption({ label: 'node-exporter DaemonSet (hostNetwork, control-plane)' });
    const text = await page.getByTestId('editor').inputValue();
    assert(text.includes('hostNetwork: true'), 'node-exporter example not loaded');
    await applyManifest(page, text);
    await playUntil(page, 1600, () => {
      const nodes = [...document.querySelectorAll('[data-testid="node"]')];
      return nodes.every((n) => [...n.querySelectorAll('[data-pod^="node-exporter-"]')].some((p) => p.dataset.phase === 'Running'));
    });
    await page.screenshot({ path: path.join(shots, 'desktop-node-exporter.png') });
    await page.getByTestId('delete').click();
    await page.waitForFunction(() => {
      const out = document.querySelector('[data-testid="apply-output"]');
      return out && out.textContent.includes('daemonset.apps "node-exporter" deleted');
    }, null, { timeout: WAIT });
    await playUntil(page, 1600, () => !document.querySelector('[data-pod^="node-exporter-"]'));
  });

  await run('next_event_steps_to_a_visible_change', async () => {
    await page.getByTestId('editor').fill('apiVersion: v1\nkind: Pod\nmetadata:\n  name: solo\nspec:\n  containers:\n' +
      '  - name: c\n    image: registry.k8s.io/pause:3.10\n');
    await page.getByTestId('apply').click();
    await page.locator('[data-testid="cluster"] [data-pod="solo"]').waitFor({ timeout: WAIT });
    const seen = [];
    for (let i = 0; i < 20; i++) {
      const status = await page.locator('[data-pod="solo"]').getAttribute('data-status');
      if (seen[seen.length - 1] !== status) seen.push(status);
      if (status === 'Running') break;
      const before = await simTime(page);
      await page.getByTestId('step-event').click();
      // A press must move something: the clock or the pod's status.
      await page.waitForFunction(([b, st]) => document.querySelector('[data-testid="sim-time"]').textContent.trim() !== b ||
        document.querySelector('[data-pod="solo"]')?.dataset.status !== st, [before, status], { timeout: WAIT });
    }
    assert(seen[seen.length - 1] === 'Running', `solo went through ${seen.join(' → ')}`);
    assert(seen.includes('ContainerCreating'), `solo skipped ContainerCreating: ${seen.join(' → ')}`);
    await page.screenshot({ path: path.join(shots, 'desktop-next-event.png') });
  });

  await run('narrow_and_dark_layouts', async () => {
    await page.getByTestId('examples').selectOption({ index: 1 });
    await page.waitForFunction(() => document.querySelector('[data-testid="editor"]').value.includes('kind: StatefulSet'),
      null, { timeout: WAIT });
    await page.setViewportSize({ width: 375, height: 812 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 0, `page scrolls sideways by ${overflow}px at 375px`);
    // Viewport shots, not fullPage: a full-page capture grows the viewport, and with it every
    // height given in vh.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(shots, 'narrow-top.png') });
    await page.getByTestId('cluster').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'narrow-cluster.png') });
    await page.getByTestId('console').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'narrow-console.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByTestId('cluster').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'narrow-dark.png') });
    await page.locator('[data-testid="cluster"] [data-pod="web-0"]').click();
    await page.getByTestId('inspector').waitFor({ timeout: WAIT });
    await page.screenshot({ path: path.join(shots, 'narrow-inspector.png') });
    await page.getByTestId('inspector-close').click();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: path.join(shots, 'desktop-dark.png') });
  });

  await finish('playground');
}

main().catch((e) => { console.error(e); process.exit(1); });
