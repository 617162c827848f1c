// Shared harness for the end-to-end tests in tests/e2e/*.mjs: serves dist/ on a free
// localhost port, launches Debian's headless Chromium through playwright-core, and offers the
// waits and helpers the test files share. Every wait is on a condition, never a sleep.
// .ci/test.sh runs every tests/e2e/*.mjs except this file, each as its own process.

import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(root, '.tools', 'package.json'));
const { chromium } = require('playwright-core');

export const dist = path.join(root, 'dist');
export const shots = path.join(root, 'tests', 'screenshots');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
export const WAIT = 20_000;

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml', '.json': 'application/json',
};

export function serve() {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let file = path.normalize(path.join(dist, decodeURIComponent(url.pathname)));
    if (!file.startsWith(dist)) { res.writeHead(403).end(); return; }
    if (url.pathname.endsWith('/')) file = path.join(file, 'index.html');
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export const results = [];
export async function check(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`test e2e::${name} ... ok (${Date.now() - started} ms)`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`test e2e::${name} ... FAILED\n    ${String(e && e.stack || e).split('\n').slice(0, 6).join('\n    ')}`);
    throw e;
  }
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

export async function simTime(page) {
  return (await page.getByTestId('sim-time').textContent()).trim();
}

/** Names, phases and readiness of the web-N pods on screen. */
export async function webPods(page) {
  return page.$$eval('[data-testid="cluster"] [data-pod^="web-"]', (els) =>
    els.map((e) => ({ name: e.dataset.pod, phase: e.dataset.phase, ready: e.dataset.ready === 'true' })));
}

/** Clicks "Step 1s" and waits until the clock shows the new time. */
export async function step(page) {
  const before = await simTime(page);
  await page.getByTestId('step').click();
  await page.waitForFunction(
    (b) => document.querySelector('[data-testid="sim-time"]').textContent.trim() !== b, before, { timeout: WAIT });
}

/** Plays at the given speed until `cond` (a page function) holds, then pauses. */
export async function playUntil(page, speed, cond, arg) {
  await page.getByTestId('speed').selectOption(String(speed));
  await page.getByTestId('play').click();
  try {
    await page.waitForFunction(cond, arg, { timeout: WAIT });
  } finally {
    await page.getByTestId('play').click();
  }
}

/** Waits until no console command is running (one that moves time runs a slice per frame). */
export async function consoleDone(page) {
  await page.waitForFunction(() => !document.querySelector('[data-testid="console-output"] [data-running="true"]'),
    null, { timeout: WAIT });
}

/** Types a console command, presses Enter, and waits for its entry (up to `timeout` ms) and
 *  for it to finish. */
export async function consoleRun(page, command, { timeout = WAIT } = {}) {
  const before = await page.locator('[data-testid="console-output"] .entry').count();
  await page.getByTestId('console-input').fill(command);
  await page.getByTestId('console-input').press('Enter');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="console-output"] .entry').length > n,
    before, { timeout });
  await consoleDone(page);
}

/** The text of the newest console entry. */
export async function lastConsoleEntry(page) {
  await consoleDone(page);
  const entry = page.locator('[data-testid="console-output"] .entry').last();
  await entry.waitFor({ timeout: WAIT });
  return entry.textContent();
}

/** Puts a manifest in the editor and applies it; fails on an apply error. */
export async function applyManifest(page, text) {
  await page.getByTestId('editor').fill(text);
  await page.getByTestId('apply').click();
  await page.waitForFunction((t) => {
    const out = document.querySelector('[data-testid="apply-output"]');
    return out && out.dataset.ok === 'true' && document.querySelector('[data-testid="editor"]').value === t;
  }, text, { timeout: WAIT });
}

/** Opens a node's action menu. */
export async function openNodeMenu(page, node) {
  const menu = page.locator(`[data-node="${node}"] [data-testid="node-menu"]`);
  if (!(await menu.getAttribute('open') !== null)) await menu.locator('summary').click();
  return menu;
}


/**
 * Opens the browser on a fresh context (1280x800, light, reduced motion so screenshots show
 * settled colours) and returns what a test file needs. `run(name, fn)` runs one check and keeps
 * going after a failure, so one run shows everything that is wrong; `finish()` closes everything,
 * prints the tally and exits with the right status.
 */
export async function launch(options = {}) {
  await mkdir(shots, { recursive: true });
  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 }, colorScheme: 'light', reducedMotion: 'reduce', ...options,
  });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  let failed = false;
  const run = async (name, fn) => { try { await check(name, fn); } catch { failed = true; } };
  const finish = async (suite) => {
    await run('no_errors_in_the_page', async () => {
      assert(pageErrors.length === 0, `page errors:\n${pageErrors.join('\n')}`);
    });
    await browser.close();
    server.close();
    const passed = results.filter((r) => r.ok).length;
    console.log(`\ne2e ${suite}: ${passed} passed; ${results.length - passed} failed`);
    process.exit(failed ? 1 : 0);
  };
  return { server, base, browser, context, page, pageErrors, run, finish };
}

/** Waits until the default cluster's four nodes are on screen. */
export async function waitForCluster(page) {
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="node"]').length >= 4, null, { timeout: WAIT });
}
