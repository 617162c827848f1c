// End-to-end test of the cluster view in the built playground (dist/): node usage meters that
// move when pods arrive, each StatefulSet claim drawn beside its pod in the lane of the node
// that holds its volume, the claim left standing ("no pod") when the pod goes and the pod coming
// back beside it, a terminating pod counting its grace period down, and the same screens at
// 375 px and in dark mode. Screenshots: tests/screenshots/cluster_view-*.png.
//
// Run: node tests/e2e/cluster_view.mjs   (after `trunk build --release`)

import path from 'node:path';
import { WAIT, shots, assert, playUntil, step, launch, waitForCluster, consoleRun } from './lib.mjs';

/** The usage meter texts of every lane: { node: { cpu, memory, pods } }. */
async function usage(page) {
  return page.$$eval('[data-testid="node"]', (lanes) => Object.fromEntries(lanes.map((l) => [
    l.dataset.node,
    Object.fromEntries([...l.querySelectorAll('[data-testid="node-usage"] [data-resource]')]
      .map((m) => [m.dataset.resource, m.dataset.text])),
  ])));
}

/** Where each web pod and www claim is drawn: { name: { node, next, place, used, status } }. */
async function layout(page) {
  return page.$$eval('[data-testid="node"] .pods [data-pod], [data-testid="node"] .pods [data-claim]', (items) => Object.fromEntries(items.map((el) => {
    const name = el.dataset.pod || el.dataset.claim;
    const next = el.nextElementSibling;
    return [name, {
      node: el.closest('[data-testid="node"]').dataset.node,
      next: next ? (next.dataset.claim || next.dataset.pod) : null,
      place: el.dataset.place || null,
      used: el.dataset.used || null,
      status: el.dataset.status || null,
      uid: el.dataset.uid || null,
      ready: el.dataset.ready || null,
    }];
  })));
}

async function shot(page, name) {
  await page.getByTestId('cluster').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, `cluster_view-${name}.png`) });
}

async function main() {
  const { base, page, run, finish } = await launch();
  let before = {};
  let placed = {};

  await run('lanes_show_describe_node_usage', async () => {
    await page.goto(base);
    await waitForCluster(page);
    before = await usage(page);
    // The default cluster's figures, as `kubectl describe node kind-worker` prints them.
    assert(before['kind-worker'].cpu === 'cpu 100m/4 (2%)', `cpu meter: ${JSON.stringify(before['kind-worker'])}`);
    assert(before['kind-worker'].memory === 'memory 50Mi/8Gi (0%)', `memory meter: ${JSON.stringify(before['kind-worker'])}`);
    assert(before['kind-worker'].pods === 'pods 2/110 (1%)', `pods meter: ${JSON.stringify(before['kind-worker'])}`);
    const meters = await page.$$eval('[data-node="kind-worker"] [role="meter"]',
      (els) => els.map((e) => `${e.getAttribute('aria-label')}=${e.getAttribute('aria-valuetext')}`));
    assert(JSON.stringify(meters) === '["cpu requested=100m of 4 (2%)","memory requested=50Mi of 8Gi (0%)","pods running=2 of 110 (1%)"]',
      `meters for assistive technology: ${meters}`);
  });

  await run('claims_sit_beside_their_pods_and_usage_moves', async () => {
    await page.getByTestId('apply').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="apply-output"]')?.dataset.ok === 'true',
      null, { timeout: WAIT });
    await playUntil(page, 1600, () => {
      const beside = document.querySelectorAll('[data-testid="node"] [data-claim^="www-web-"][data-place="beside-pod"]');
      const ready = [...document.querySelectorAll('[data-testid="node"] [data-pod^="web-"]')]
        .filter((p) => p.dataset.ready === 'true');
      return beside.length === 3 && ready.length === 3;
    });
    placed = await layout(page);
    for (const i of [0, 1, 2]) {
      const pod = placed[`web-${i}`];
      const claim = placed[`www-web-${i}`];
      assert(pod && claim, `web-${i} or its claim missing: ${JSON.stringify(placed)}`);
      assert(claim.node === pod.node, `www-web-${i} is on ${claim.node}, web-${i} on ${pod.node}`);
      assert(pod.next === `www-web-${i}`, `web-${i} is followed by ${pod.next}, not its claim`);
    }
    assert(await page.locator('[data-testid="claims"]').count() === 0, 'bound claims still in the separate claims lane');
    const after = await usage(page);
    for (const i of [0, 1, 2]) {
      const node = placed[`web-${i}`].node;
      assert(after[node].pods !== before[node].pods, `pods meter on ${node} did not move: ${after[node].pods}`);
    }
    await shot(page, 'desktop-claims');
  });

  await run('a_claim_stays_when_its_pod_goes_and_the_pod_comes_back_beside_it', async () => {
    const node1 = placed['web-1'].node;
    const oldUid = placed['web-1'].uid;
    await consoleRun(page, 'kubectl delete pod web-1 --wait=false');
    await page.waitForFunction(() => document.querySelector('[data-testid="node"] [data-pod="web-1"]')?.dataset.status === 'Terminating',
      null, { timeout: WAIT });
    let now = await layout(page);
    assert(now['web-1'].next === 'www-web-1' && now['www-web-1'].node === node1,
      `while web-1 terminates its claim is not beside it: ${JSON.stringify(now['www-web-1'])}`);
    const grace = await page.locator('[data-pod="web-1"] [data-testid="grace-left"]').textContent();
    assert(grace === '10s', `grace countdown shows ${grace}`);
    await shot(page, 'desktop-terminating');
    // The StatefulSet re-creates web-1; the volume pins it to the same node, beside its claim.
    for (let i = 0; i < 30; i++) {
      now = await layout(page);
      if (now['web-1'] && now['web-1'].uid !== oldUid && now['web-1'].ready === 'true') break;
      await step(page);
    }
    assert(now['web-1'].uid !== oldUid, 'web-1 was not re-created');
    assert(now['web-1'].node === node1 && now['web-1'].next === 'www-web-1',
      `web-1 came back on ${now['web-1'].node} followed by ${now['web-1'].next}`);

    // Scaling down removes web-2 for good: its claim stays in the lane, visibly without a pod.
    const node2 = placed['web-2'].node;
    await consoleRun(page, 'kubectl scale sts web --replicas=2');
    for (let i = 0; i < 30 && (await layout(page))['web-2']; i++) await step(page);
    now = await layout(page);
    assert(!now['web-2'], 'web-2 still on screen after scaling to 2');
    const alone = now['www-web-2'];
    assert(alone && alone.node === node2 && alone.place === 'alone' && alone.used === 'false',
      `www-web-2 after its pod went: ${JSON.stringify(alone)}`);
    assert((await page.locator('[data-claim="www-web-2"] [data-testid="claim-users"]').textContent()) === 'no pod',
      'the lone claim does not say it has no pod');
    await shot(page, 'desktop-claim-alone');

    await consoleRun(page, 'kubectl scale sts web --replicas=3');
    await playUntil(page, 400, () => document.querySelector('[data-testid="node"] [data-pod="web-2"]')?.dataset.ready === 'true');
    now = await layout(page);
    assert(now['web-2'].node === node2 && now['web-2'].next === 'www-web-2' && now['www-web-2'].place === 'beside-pod',
      `web-2 came back as ${JSON.stringify(now['web-2'])}, claim ${JSON.stringify(now['www-web-2'])}`);
  });

  await run('a_claim_opens_the_inspector_from_the_keyboard', async () => {
    await page.locator('[data-claim="www-web-0"]').focus();
    await page.keyboard.press('Enter');
    const insp = page.getByTestId('inspector');
    await insp.waitFor({ timeout: WAIT });
    assert(await insp.getAttribute('data-name') === 'www-web-0', 'the inspector shows another object');
    const yaml = await page.getByTestId('inspector-yaml').textContent();
    assert(yaml.includes('kind: PersistentVolumeClaim'), `yaml: ${yaml.slice(0, 120)}`);
    await page.keyboard.press('Escape');
  });

  await run('a_pod_back_on_another_node_says_where_it_came_from', async () => {
    // A StatefulSet pod without a volume: after a drain it comes back elsewhere, same name.
    const solo = [
      'apiVersion: apps/v1', 'kind: StatefulSet', 'metadata:', '  name: solo', 'spec:',
      '  selector:', '    matchLabels:', '      app: solo', '  serviceName: solo', '  replicas: 1',
      '  template:', '    metadata:', '      labels:', '        app: solo', '    spec:',
      '      containers:', '      - name: c', '        image: registry.k8s.io/pause:3.10', '',
    ].join('\n');
    await page.getByTestId('editor').fill(solo);
    await page.getByTestId('apply').click();
    await playUntil(page, 1600, () => document.querySelector('[data-testid="node"] [data-pod="solo-0"]')?.dataset.ready === 'true');
    const from = (await layout(page))['solo-0'].node;
    await consoleRun(page, `kubectl drain ${from} --ignore-daemonsets`);
    await playUntil(page, 100, (n) => {
      const p = document.querySelector('[data-testid="node"] [data-pod="solo-0"]');
      return p && p.closest('[data-testid="node"]').dataset.node !== n && p.dataset.ready === 'true';
    }, from);
    const moved = await page.locator('[data-testid="node"] [data-pod="solo-0"]').getAttribute('data-moved-from');
    assert(moved === from, `solo-0 is marked as moved from ${moved}, not ${from}`);
    await shot(page, 'desktop-moved');
    await consoleRun(page, `kubectl uncordon ${from}`);
  });

  await run('daemonset_pods_carry_one_colour_in_every_lane', async () => {
    await page.getByTestId('examples').selectOption({ label: 'Logging DaemonSet (fluentd, hostPath)' });
    await page.waitForFunction(() => document.querySelector('[data-testid="editor"]').value.includes('kind: DaemonSet'),
      null, { timeout: WAIT });
    await page.getByTestId('apply').click();
    await playUntil(page, 1600, () => {
      const pods = [...document.querySelectorAll('[data-testid="node"] [data-pod^="fluentd-"]')];
      return pods.length === 3 && pods.every((p) => p.dataset.ready === 'true');
    });
    const stripes = await page.$$eval('[data-testid="node"] [data-pod^="fluentd-"]',
      (els) => els.map((e) => getComputedStyle(e).getPropertyValue('--owner').trim()));
    assert(stripes.length === 3 && stripes[0] !== '' && stripes.every((s) => s === stripes[0]),
      `fluentd pods carry different owner colours: ${stripes}`);
    await shot(page, 'desktop-daemonset');
  });

  await run('narrow_and_dark', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    // Every meter's text fits its lane.
    const clipped = await page.$$eval('[data-testid="node-usage"] .meter-text', (els) =>
      els.filter((e) => e.getBoundingClientRect().right > e.closest('[data-testid="node"]').getBoundingClientRect().right)
        .map((e) => e.textContent));
    assert(clipped.length === 0, `meter text overflows its lane: ${clipped}`);
    await page.locator('[data-node="kind-worker"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'cluster_view-narrow.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(shots, 'cluster_view-narrow-dark.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
    await shot(page, 'desktop-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 375, height: 812 });
    // Nothing in the cluster view is wider than the phone (the offender is named if it is).
    const wide = await page.$$eval('[data-testid="cluster"] *', (els) => els
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
      .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`).slice(0, 5));
    assert(wide.length === 0, `cluster view elements wider than 375px: ${wide}`);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await run('a_short_lanes_action_menu_is_not_clipped', async () => {
    // Lanes contain their own layout and paint (cheap redraws while time plays); an open menu
    // must still reach past a short lane and stay on top of the next one.
    await page.locator('.toggle input').uncheck();
    const lane = page.locator('[data-node="kind-worker"]');
    await lane.scrollIntoViewIfNeeded();
    const menu = lane.locator('[data-testid="node-menu"]');
    if ((await menu.getAttribute('open')) === null) await menu.locator('summary').click();
    const last = menu.locator('.node-menu-body button').last();
    await last.waitFor({ timeout: WAIT });
    const laneBox = await lane.boundingBox();
    const box = await last.boundingBox();
    const hit = await page.evaluate(({ x, y }) => {
      const e = document.elementFromPoint(x, y);
      return e ? e.closest('button')?.textContent ?? e.tagName : 'nothing';
    }, { x: box.x + box.width / 2, y: box.y + box.height / 2 });
    assert(box.y + box.height > laneBox.y + laneBox.height,
      'the test needs a lane shorter than its menu (is kube-system hidden?)');
    assert(hit === (await last.textContent()), `the menu's last button is covered or clipped: ${hit}`);
    await menu.locator('summary').click();
    await page.locator('.toggle input').check();
  });

  await finish('cluster_view');
}

main().catch((e) => { console.error(e); process.exit(1); });
