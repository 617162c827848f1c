// End-to-end test of simulated time in the built playground (dist/): frame times while 500
// pods animate at 16x, a 100-node DaemonSet rolling update that must not freeze the page
// (a Pause click is answered within a few frames), the timeline (rewind, replay, back to
// live, branch notice) and the top bar at 375, 768 and 1280 px, light and dark.
//
// Figures are printed (the README Performance table records them); the machine is shared, so
// frame times vary and only one is a budget: while 500 pods arrive, no task may hold the page
// for ARRIVAL_TASK_BUDGET_MS, and no list may draw more than NEW_PER_FRAME new pods in one
// frame. The behavioural checks (pods reach 500, the pause is answered within a bounded
// number of frames, the clock stops) are asserted.
//
// Run: node tests/e2e/time.mjs   (.ci/test.sh builds dist/ first)

import path from 'node:path';
import { WAIT, shots, assert, simTime, applyManifest, launch, consoleRun } from './lib.mjs';

const LONG_WAIT = 180_000;

// The longest task allowed from the 500-pod apply to all Running. The floor is one engine
// step: the ReplicaSet's sync that creates all 500 pods at once, as kube-controller-manager
// does (40-55 ms here). The page draws them in the frames after it (crowded lanes as tiles,
// at most NEW_PER_FRAME new pods per list per frame): 50-75 ms measured. Drawing all 500 at
// once, as before, took a 70-90 ms task of its own, 110-230 ms when it fell in the same frame
// as that step (it usually did). Timing depends on the shared machine; the count per frame
// does not, and is checked too.
const ARRIVAL_TASK_BUDGET_MS = 90;
// src/ui/components/tiles.rs NEW_PER_FRAME: the most new items a list draws in one frame.
const NEW_PER_FRAME = 150;

const DEPLOYMENT_500 = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: fleet
spec:
  replicas: 500
  selector:
    matchLabels: {app: fleet}
  template:
    metadata:
      labels: {app: fleet}
    spec:
      containers:
      - name: app
        image: nginx:1.27
`;

const agent = (image) => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  updateStrategy:
    rollingUpdate: {maxUnavailable: 10}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - name: agent
        image: ${image}
`;

/** Starts recording requestAnimationFrame deltas and long tasks in the page; with
 *  `countPods`, also the most new pod elements one list of the cluster view gains in a frame. */
async function startFrameRecorder(page, { countPods = false } = {}) {
  await page.evaluate((countPods) => {
    // mostAdded: the most new pod elements one list gained in one animation frame so far.
    const rec = { deltas: [], longTasks: [], frames: 0, running: true, mostAdded: 0 };
    window.__rec = rec;
    let last = performance.now();
    const tick = (t) => {
      if (!rec.running) return;
      rec.deltas.push(t - last);
      last = t;
      rec.frames += 1;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    try {
      rec.observer = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) rec.longTasks.push(e.duration);
      });
      rec.observer.observe({ type: 'longtask' });
    } catch { rec.longTasks = null; }
    if (countPods) {
      // New elements only (Yew moving an element it already drew is not a new one), counted
      // per list and per animation frame (document.timeline.currentTime names the frame
      // under way, whichever task draws in it).
      const known = new WeakSet();
      const perFrame = new Map();
      const count = (el) => {
        if (!el.matches('[data-pod]') || known.has(el)) return;
        known.add(el);
        const frame = document.timeline.currentTime;
        if (!perFrame.has(frame)) perFrame.set(frame, new Map());
        const lists = perFrame.get(frame);
        const list = el.closest('ul');
        lists.set(list, (lists.get(list) || 0) + 1);
        rec.mostAdded = Math.max(rec.mostAdded, lists.get(list));
      };
      rec.mutations = new MutationObserver((records) => {
        for (const m of records) {
          for (const n of m.addedNodes) {
            if (n.nodeType !== 1) continue;
            count(n);
            n.querySelectorAll('[data-pod]').forEach(count);
          }
        }
      });
      rec.mutations.observe(document.querySelector('[data-testid="cluster"]'), { childList: true, subtree: true });
    }
  }, countPods);
}

async function stopFrameRecorder(page) {
  return page.evaluate(() => {
    const rec = window.__rec;
    rec.running = false;
    if (rec.observer) rec.observer.disconnect();
    if (rec.mutations) rec.mutations.disconnect();
    const d = rec.deltas.slice(1).sort((a, b) => a - b);
    const q = (p) => d.length ? d[Math.min(d.length - 1, Math.floor(p * d.length))] : 0;
    const lt = rec.longTasks || [];
    return {
      frames: d.length, p50: q(0.5), p95: q(0.95), max: d.length ? d[d.length - 1] : 0,
      over16: d.filter((x) => x > 17).length,
      longTasks: rec.longTasks === null ? 'n/a' : lt.length,
      longestTask: lt.length ? Math.max(...lt) : 0,
      mostPodsInAFrame: rec.mostAdded,
    };
  });
}

const ms = (x) => `${x.toFixed(1)} ms`;

async function wasmMemory(page) {
  const bytes = await page.evaluate(() => (window.__wasm && window.__wasm.memory ? window.__wasm.memory.buffer.byteLength : 0));
  return bytes ? `${(bytes / 1048576).toFixed(0)} MiB` : 'n/a';
}

function report(label, r) {
  console.log(`${label}: ${r.frames} frames, p50 ${ms(r.p50)}, p95 ${ms(r.p95)}, max ${ms(r.max)}, ` +
    `${r.over16} frames over 17 ms, long tasks (>50 ms): ${r.longTasks}` +
    (r.longTasks ? ` (longest ${ms(r.longestTask)})` : ''));
}

async function podCount(page, prefix, phase) {
  return page.$$eval(`[data-testid="cluster"] [data-pod^="${prefix}"]`,
    (els, ph) => els.filter((e) => !ph || e.dataset.phase === ph).length, phase);
}

async function setPlaying(page, on) {
  const pressed = (await page.getByTestId('play').getAttribute('aria-pressed')) === 'true';
  if (pressed !== on) await page.getByTestId('play').click();
}

/** Runs `setup` at the console, applies the 500-replica Deployment and plays at 16x from the
 *  apply until all 500 are Running and 3 s more, recording frames; leaves time paused. */
async function measureArrival(page, setup) {
  for (const command of setup) await consoleRun(page, command, { timeout: LONG_WAIT });
  await applyManifest(page, DEPLOYMENT_500);
  await page.getByTestId('speed').selectOption('1600');
  await startFrameRecorder(page, { countPods: true });
  await setPlaying(page, true);
  await page.waitForFunction(
    () => document.querySelectorAll('[data-testid="cluster"] [data-pod^="fleet-"][data-phase="Running"]').length >= 500,
    null, { timeout: LONG_WAIT, polling: 250 });
  // Keep playing a few seconds with all 500 on screen.
  await page.waitForTimeout(3000);
  const r = await stopFrameRecorder(page);
  await setPlaying(page, false);
  report('500 pods, 16x (creation to all Running, then 3 s more)', r);
  console.log(`most new pod elements one list gained in a frame: ${r.mostPodsInAFrame}`);
  return r;
}

async function main() {
  const { base, page, run, finish } = await launch();
  // The wasm instance, to report its memory (it only grows: the figure is the peak so far).
  await page.addInitScript(() => window.addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail.wasm; }));
  await page.goto(base);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="node"]').length === 4, null, { timeout: WAIT });

  await run('the_timeline_is_live_and_labelled', async () => {
    const slider = page.getByTestId('timeline-slider');
    assert(await slider.getAttribute('aria-label'), 'the timeline has no label');
    const text = await slider.getAttribute('aria-valuetext');
    assert(/^t = .*, live$/.test(text), `valuetext ${text}`);
    assert((await page.getByTestId('timeline-status').textContent()).includes('Live'), 'not live');
  });

  await run('frame_times_while_500_pods_animate_at_16x', async () => {
    // 3 workers take 110 pods each; two more make room for 500.
    let r = await measureArrival(page, ['sim node add kind-worker4', 'sim node add kind-worker5']);
    assert(r.longTasks !== 'n/a', 'this browser does not report long tasks');
    // The 2 cores are shared with other builds: a stall of theirs is not the page's. Up to two
    // more tries on a fresh cluster of the same shape; a page that is really over budget is
    // over it every time.
    for (let retry = 0; retry < 2 && r.longestTask > ARRIVAL_TASK_BUDGET_MS; retry++) {
      console.log(`longest task ${ms(r.longestTask)} is over the budget; measuring once more`);
      r = await measureArrival(page, ['sim reset --workers 5']);
    }
    assert(r.longestTask <= ARRIVAL_TASK_BUDGET_MS,
      `a task held the page for ${ms(r.longestTask)} while 500 pods arrived (budget ${ARRIVAL_TASK_BUDGET_MS} ms)`);
    assert(r.mostPodsInAFrame <= NEW_PER_FRAME,
      `one list drew ${r.mostPodsInAFrame} new pods in a frame (at most ${NEW_PER_FRAME}: the rest wait a frame)`);
    console.log(`wasm memory with 500 pods: ${await wasmMemory(page)}`);
    assert(await podCount(page, 'fleet-', 'Running') === 500, 'not 500 Running pods');
    // Crowded lanes draw a tile per pod: every one is on the page and named.
    const tiles = await page.$$eval('[data-testid="node"] .tile[data-pod^="fleet-"]',
      (els) => els.filter((e) => e.title.includes(e.dataset.pod) && e.getAttribute('role') === 'button').length);
    assert(tiles === 500, `${tiles} named fleet tiles`);
    await page.screenshot({ path: path.join(shots, 'time-500-pods.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(shots, 'time-500-pods-1280-dark.png') });
    await page.setViewportSize({ width: 375, height: 812 });
    await page.evaluate(() => document.querySelector('[data-testid="cluster"]').scrollIntoView());
    await page.screenshot({ path: path.join(shots, 'time-500-pods-375-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: path.join(shots, 'time-500-pods-375-light.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.evaluate(() => window.scrollTo(0, 0));
  });

  await run('rewinding_500_pods_and_replaying', async () => {
    const live = await simTime(page);
    const t0 = Date.now();
    await page.getByTestId('timeline-slider').focus();
    await page.keyboard.press('Home');
    await page.waitForFunction(() => {
      const s = document.querySelector('[data-testid="timeline-status"]').textContent;
      return document.querySelector('[data-testid="timeline"]').dataset.live === 'false' && !s.includes('…');
    }, null, { timeout: LONG_WAIT });
    const home = Date.now() - t0;
    assert(await podCount(page, 'fleet-') === 0, 'pods shown before the Deployment was applied');
    // Then to the middle: replayed from the nearest checkpoint or from the start.
    const t1 = Date.now();
    for (let i = 0; i < 30; i++) await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => !document.querySelector('[data-testid="timeline-status"]').textContent.includes('…'),
      null, { timeout: LONG_WAIT });
    const forward = Date.now() - t1;
    const caption = await page.getByTestId('timeline-caption').textContent();
    console.log(`rewind to the first moment: ${home} ms; 30 s forward (replaying the apply and 500 pods): ${forward} ms; caption: ${caption}`);
    console.log(`wasm memory with the replayed copy and its checkpoints: ${await wasmMemory(page)}`);
    await page.screenshot({ path: path.join(shots, 'time-past-1280-light.png') });
    // Dragging the thumb back and forth across the whole session: every position replays
    // from the nearest checkpoint (or keeps going forward).
    const box = await page.getByTestId('timeline-slider').boundingBox();
    const y = box.y + box.height / 2;
    await startFrameRecorder(page);
    await page.mouse.move(box.x + box.width * 0.5, y);
    await page.mouse.down();
    for (let i = 0; i <= 40; i++) {
      const f = i <= 20 ? 0.5 - 0.45 * (i / 20) : 0.05 + 0.9 * ((i - 20) / 20);
      await page.mouse.move(box.x + box.width * f, y);
    }
    await page.mouse.up();
    await page.waitForFunction(() => !document.querySelector('[data-testid="timeline-status"]').textContent.includes('…'),
      null, { timeout: LONG_WAIT });
    report('dragging the timeline over the 500-pod session (41 positions, back then forward)', await stopFrameRecorder(page));
    await page.getByTestId('back-to-live').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="timeline"]').dataset.live === 'true', null, { timeout: WAIT });
    assert(await simTime(page) === live, `back to live shows ${await simTime(page)}, was ${live}`);
  });

  await run('a_100_node_daemonset_rollout_never_freezes_the_page', async () => {
    const t0 = Date.now();
    await consoleRun(page, 'sim reset --workers 100', { timeout: LONG_WAIT });
    console.log(`sim reset --workers 100 (one console command, synchronous): ${Date.now() - t0} ms`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="node"]').length === 101, null, { timeout: LONG_WAIT });
    await applyManifest(page, agent('agent:v1'));
    await setPlaying(page, true);
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="cluster"] [data-pod^="agent-"][data-phase="Running"]').length >= 100,
      null, { timeout: LONG_WAIT, polling: 250 });
    await setPlaying(page, false);

    await applyManifest(page, agent('agent:v2'));
    await startFrameRecorder(page);
    await setPlaying(page, true);
    // Let the rolling update get under way, then press Pause with a raw mouse click (no
    // waiting for the page: the click is queued like a user's).
    await page.waitForFunction(() => document.querySelector('[data-testid="cluster"]').textContent.includes('agent') &&
      window.__rec.frames > 60, null, { timeout: LONG_WAIT });
    await page.evaluate(() => {
      const btn = document.querySelector('[data-testid="play"]');
      window.__answer = null;
      new MutationObserver((_, obs) => {
        if (btn.getAttribute('aria-pressed') === 'false') {
          window.__answer = { frames: window.__rec.frames, t: performance.now() };
          obs.disconnect();
        }
      }).observe(btn, { attributes: true });
    });
    const box = await page.getByTestId('play').boundingBox();
    const sent = await page.evaluate(() => ({ frames: window.__rec.frames, t: performance.now() }));
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction(() => window.__answer !== null, null, { timeout: LONG_WAIT });
    const answer = await page.evaluate(() => window.__answer);
    const clockAtPause = await simTime(page);
    // The clock stays put once paused (the instant under way is finished, no more).
    await page.waitForFunction((n) => window.__rec.frames > n + 20, answer.frames, { timeout: LONG_WAIT });
    const clockLater = await simTime(page);
    const r = await stopFrameRecorder(page);
    const frames = answer.frames - sent.frames;
    report('100-node DaemonSet rolling update, 16x', r);
    console.log(`wasm memory after the 100-node rollout: ${await wasmMemory(page)}`);
    console.log(`pause answered after ${frames} frames (${ms(answer.t - sent.t)}); clock at pause ${clockAtPause}, 20 frames later ${clockLater}`);
    assert(frames <= 10, `the Pause click took ${frames} frames to be answered`);
    assert(clockAtPause === clockLater, `the clock moved after the pause: ${clockAtPause} -> ${clockLater}`);
    const v2 = await page.$$eval('[data-testid="cluster"] [data-pod^="agent-"]', (els) => els.length);
    assert(v2 >= 90, `only ${v2} agent pods on screen`);
  });

  await run('a_command_in_the_past_branches_with_a_notice_and_undo', async () => {
    await page.getByTestId('timeline-slider').focus();
    await page.keyboard.press('Shift+ArrowLeft');
    await page.waitForFunction(() => document.querySelector('[data-testid="timeline"]').dataset.live === 'false' &&
      !document.querySelector('[data-testid="timeline-status"]').textContent.includes('…'), null, { timeout: LONG_WAIT });
    // Reading the past keeps its future...
    await consoleRun(page, 'kubectl get ds', { timeout: LONG_WAIT });
    assert(await page.getByTestId('timeline').getAttribute('data-live') === 'false', 'a read left the earlier moment');
    assert(await page.getByTestId('branch-notice').count() === 0, 'a read branched the timeline');
    // ...changing it branches, and says so.
    await consoleRun(page, 'kubectl label node kind-worker tier=edge', { timeout: LONG_WAIT });
    await page.getByTestId('branch-notice').waitFor({ timeout: WAIT });
    const notice = await page.getByTestId('branch-notice').textContent();
    assert(notice.includes('discarded'), `notice: ${notice}`);
    await page.screenshot({ path: path.join(shots, 'time-branch-1280-light.png') });
    await page.getByTestId('undo-branch').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="branch-notice"]'), null, { timeout: WAIT });
  });

  await run('the_top_bar_keeps_the_clock_on_the_first_row', async () => {
    await consoleRun(page, 'sim reset', { timeout: LONG_WAIT });
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const width of [375, 768, 1280]) {
        await page.setViewportSize({ width, height: 800 });
        const layout = await page.evaluate(() => {
          const r = (sel) => document.querySelector(sel).getBoundingClientRect();
          const bar = r('.topbar');
          return {
            clock: r('[data-testid="sim-time"]'), brand: r('.brand-name'), play: r('[data-testid="play"]'),
            reset: r('[data-testid="reset"]'), slider: r('[data-testid="timeline-slider"]'), bar,
            overflow: document.documentElement.scrollWidth > window.innerWidth,
          };
        });
        assert(!layout.overflow, `${width}px ${scheme}: the page scrolls sideways`);
        // The clock shares a row with the brand (phone) or with Play (wider): never alone.
        const sameRow = (a, b) => Math.abs((a.top + a.bottom) / 2 - (b.top + b.bottom) / 2) < 12;
        assert(sameRow(layout.clock, layout.brand) || sameRow(layout.clock, layout.play),
          `${width}px ${scheme}: the clock sits on a row of its own (${JSON.stringify(layout.clock)})`);
        assert(layout.slider.width > width * 0.4, `${width}px: the timeline is ${layout.slider.width}px wide`);
        await page.screenshot({ path: path.join(shots, `time-topbar-${width}-${scheme}.png`), clip: { x: 0, y: 0, width, height: Math.ceil(layout.bar.bottom) + 40 } });
      }
    }
    // An earlier moment on a phone, dark: status, slider, Back to live and the caption fit.
    await page.setViewportSize({ width: 375, height: 812 });
    await page.getByTestId('timeline-slider').focus();
    await page.keyboard.press('PageUp');
    await page.waitForFunction(() => document.querySelector('[data-testid="timeline"]').dataset.live === 'false' &&
      !document.querySelector('[data-testid="timeline-status"]').textContent.includes('…'), null, { timeout: LONG_WAIT });
    const back = await page.getByTestId('back-to-live').boundingBox();
    assert(back && back.x + back.width <= 375, 'Back to live is off screen at 375 px');
    await page.screenshot({ path: path.join(shots, 'time-past-375-dark.png'), clip: { x: 0, y: 0, width: 375, height: 240 } });
    await page.getByTestId('back-to-live').click();
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await finish('time');
}

main().catch((e) => { console.error(e); process.exit(1); });
