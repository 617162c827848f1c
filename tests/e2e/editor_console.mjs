// End-to-end test of the manifest editor's syntax colouring and the console's Tab completion in
// the built playground (dist/), in headless Chromium: colours under the textarea that stay
// aligned and in step while typing (keystroke-to-paint measured on a 500-line manifest), Tab
// completing kinds and live pod names, and screenshots at 1280x800 and 375 px, light and dark
// (tests/screenshots/editor-console-*.png).
//
// Run: node tests/e2e/editor_console.mjs   (.ci/test.sh builds dist/ first)

import path from 'node:path';
import { WAIT, shots, assert, launch, waitForCluster, lastConsoleEntry } from './lib.mjs';

const shot = (name) => path.join(shots, `editor-console-${name}.png`);

/** Whether the coloured layer shows exactly the textarea's text. */
async function overlayMatches(page) {
  return page.evaluate(() => {
    const area = document.querySelector('[data-testid="editor"]');
    const layer = document.querySelector('[data-testid="editor-highlight"]');
    return layer.textContent === `${area.value}\n`;
  });
}

/** A realistic manifest of about 500 lines: the example's documents repeated with new names. */
async function bigManifest(page) {
  const one = await page.getByTestId('editor').inputValue();
  const parts = [];
  let lines = 0;
  for (let i = 0; lines < 500; i++) {
    const doc = one.replaceAll('name: web', `name: web${i}`).replaceAll('name: nginx', `name: nginx${i}`);
    parts.push(doc.trimEnd());
    lines += doc.split('\n').length;
  }
  return `${parts.join('\n---\n')}\n`;
}

async function main() {
  const { base, page, run, finish } = await launch();

  await run('the_editor_is_coloured_and_aligned', async () => {
    await page.goto(base);
    await waitForCluster(page);
    assert(await overlayMatches(page), 'the coloured layer does not hold the textarea text');
    const counts = await page.evaluate(() => Object.fromEntries(
      ['tk-key', 'tk-str', 'tk-num', 'tk-com', 'tk-doc', 'tk-ind'].map((c) =>
        [c, document.querySelectorAll(`[data-testid="editor-highlight"] .${c}`).length])));
    for (const [cls, n] of Object.entries(counts)) assert(n > 0, `no ${cls} pieces: ${JSON.stringify(counts)}`);
    // Same font metrics and padding on both layers, or the caret drifts off its letters.
    const metrics = await page.evaluate(() => {
      const pick = (el) => {
        const s = getComputedStyle(el);
        return ['fontFamily', 'fontSize', 'lineHeight', 'paddingTop', 'paddingLeft', 'tabSize', 'letterSpacing', 'whiteSpace']
          .map((k) => s[k]).join('|');
      };
      return [pick(document.querySelector('[data-testid="editor"]')), pick(document.querySelector('[data-testid="editor-highlight"]'))];
    });
    assert(metrics[0] === metrics[1], `metrics differ: textarea ${metrics[0]} vs layer ${metrics[1]}`);
    // The layer draws each line where the textarea does: the coloured `kind:` line sits at
    // the textarea's padding plus its line index times the line height.
    const drift = await page.evaluate(() => {
      const area = document.querySelector('[data-testid="editor"]');
      const key = [...document.querySelectorAll('[data-testid="editor-highlight"] .tk-key')].find((k) => k.textContent === 'kind');
      // The line box, not the span: an inline span's box is the font's height, not the line's.
      const keyRect = key.closest('.hl-line').getBoundingClientRect();
      const lineIndex = area.value.split('\n').findIndex((l) => l.startsWith('kind:'));
      const s = getComputedStyle(area);
      const top = area.getBoundingClientRect().top + parseFloat(s.paddingTop) + lineIndex * parseFloat(s.lineHeight) - area.scrollTop;
      return Math.abs(keyRect.top - top);
    });
    assert(drift < 1, `coloured text is ${drift}px off its line`);
    await page.screenshot({ path: shot('desktop-light') });
  });

  await run('scrolling_keeps_colours_under_their_lines', async () => {
    await page.getByTestId('editor').fill(await bigManifest(page));
    await page.getByTestId('editor').evaluate((a) => { a.scrollTop = a.scrollHeight; a.dispatchEvent(new Event('scroll')); });
    await page.waitForFunction(() => {
      const a = document.querySelector('[data-testid="editor"]');
      const l = document.querySelector('[data-testid="editor-highlight"]');
      return a.scrollTop > 0 && Math.abs(a.scrollTop - l.scrollTop) < 1;
    }, null, { timeout: WAIT });
  });

  await run('keystroke_to_paint_on_a_500_line_manifest', async () => {
    const area = page.getByTestId('editor');
    const lines = (await area.inputValue()).split('\n').length;
    assert(lines >= 500, `manifest has ${lines} lines`);
    // Caret in the middle of the text, then type; each key's time from keydown to the frame
    // after the page updated is recorded in the page.
    await area.evaluate((a) => {
      const mid = a.value.indexOf('\n', Math.floor(a.value.length / 2));
      a.focus();
      a.setSelectionRange(mid, mid);
      window.__latency = [];
      a.addEventListener('keydown', () => {
        const t0 = performance.now();
        requestAnimationFrame(() => setTimeout(() => window.__latency.push(performance.now() - t0), 0));
      }, true);
    });
    await page.keyboard.type(' # note', { delay: 60 });
    await page.keyboard.press('Enter');
    await page.keyboard.type('extra: "value"', { delay: 60 });
    await page.waitForFunction((n) => window.__latency.length >= n, 22, { timeout: WAIT });
    assert(await overlayMatches(page), 'the coloured layer fell behind the typing');
    const ms = (await page.evaluate(() => window.__latency)).sort((a, b) => a - b);
    const median = ms[Math.floor(ms.length / 2)];
    const p95 = ms[Math.floor(ms.length * 0.95)];
    console.log(`keystroke to paint (${lines}-line manifest, ${ms.length} keys): median ${median.toFixed(1)} ms, ` +
      `p95 ${p95.toFixed(1)} ms, max ${ms[ms.length - 1].toFixed(1)} ms (headless Chromium, release build)`);
    assert(median < 50, `typing is slow: median ${median.toFixed(1)} ms from key to paint`);
    const comment = await page.evaluate(() => [...document.querySelectorAll('[data-testid="editor-highlight"] .tk-com')]
      .some((c) => c.textContent === '# note'));
    assert(comment, 'the typed comment is not coloured as a comment');
    await page.getByTestId('examples').selectOption({ index: 1 });
    await page.waitForFunction(() => document.querySelector('[data-testid="editor"]').value.split('\n').length < 100, null, { timeout: WAIT });
  });

  const input = page.getByTestId('console-input');

  await run('tab_completes_st_to_statefulsets', async () => {
    await input.click();
    await page.keyboard.type('kubectl get st');
    await page.keyboard.press('Tab');
    await page.waitForFunction(() => document.querySelector('[data-testid="console-input"]').value === 'kubectl get statefulsets',
      null, { timeout: WAIT });
    const options = await page.$$eval('[data-testid="console-completions"] [role=option]', (els) => els.map((e) => e.dataset.value));
    assert(JSON.stringify(options) === '["statefulsets","storageclasses"]', `candidates ${options}`);
    assert(await page.evaluate(() => document.activeElement?.dataset.testid) === 'console-input', 'Tab moved the focus away');
    await page.keyboard.press('Escape');
    await page.getByTestId('console-completions').waitFor({ state: 'detached', timeout: WAIT });
    await input.fill('');
  });

  await run('tab_lists_live_pod_names', async () => {
    await page.getByTestId('apply').click();
    await page.getByTestId('apply-output').waitFor({ timeout: WAIT });
    assert(await overlayMatches(page), 'the colours vanished when kubectl apply answered');
    await input.fill('sim settle');
    await page.keyboard.press('Enter');
    assert((await lastConsoleEntry(page)).includes('settled'), 'sim settle did not settle');
    await input.click();
    await page.keyboard.type('kubectl describe pod web-');
    await page.keyboard.press('Tab');
    await page.getByTestId('console-completions').waitFor({ timeout: WAIT });
    const options = await page.$$eval('[data-testid="console-completions"] [role=option]', (els) => els.map((e) => e.dataset.value));
    assert(JSON.stringify(options) === '["web-0","web-1","web-2"]', `candidates ${options}`);
    await page.keyboard.press('Tab');
    assert(await input.inputValue() === 'kubectl describe pod web-1', `Tab did not cycle: ${await input.inputValue()}`);
    await page.getByTestId('console').scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('desktop-completions-light') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: shot('desktop-completions-dark') });
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    assert((await lastConsoleEntry(page)).includes('web-1'), 'describe web-1 did not run');
  });

  await run('tab_on_an_empty_line_moves_focus', async () => {
    await input.fill('');
    await input.focus();
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.dataset.testid);
    assert(focused === 'run', `Tab from the empty prompt focused ${focused}`);
  });

  await run('dark_and_narrow_screenshots', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: shot('desktop-dark') });
    await page.setViewportSize({ width: 375, height: 812 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 0, `page scrolls sideways by ${overflow}px at 375px`);
    await page.getByTestId('editor-panel').scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('narrow-dark') });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: shot('narrow-light') });
    await input.click();
    await input.fill('');
    await page.keyboard.type('kubectl get pods -n kube-system kube-');
    await page.keyboard.press('Tab');
    await page.getByTestId('console-completions').waitFor({ timeout: WAIT });
    await page.getByTestId('console-completions').scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('narrow-completions-light') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: shot('narrow-completions-dark') });
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  await finish('editor_console');
}

main().catch((e) => { console.error(e); process.exit(1); });
