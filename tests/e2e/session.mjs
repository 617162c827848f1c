// End-to-end test of saving and sharing work and of the troubleshooting stories, against the
// built playground (dist/) in headless Chromium: Export downloads a session file whose replay
// (Import in a fresh tab, and `kubeplay run` when the CLI is built) gives the same cluster; a
// broken file is refused at its line with the cluster kept; the Multi-Attach story shows its
// symptom and its fix resolves it; an import over the learner's work asks first; the focus
// never falls to the page when a question or a report goes; a timeline cut before a story's
// setup closes its card; a typed `sim advance` keeps its timeline mark through a reload.
// Screenshots: tests/screenshots/session-*.png.
//
// Run: node tests/e2e/session.mjs   (after `trunk build --release`)

import path from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WAIT, shots, assert, step, launch, waitForCluster, consoleDone } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs a console command and returns its output. */
async function consoleRun(page, command) {
  const before = await page.locator('[data-testid="console-output"] .entry').count();
  await page.getByTestId('console-input').fill(command);
  await page.getByTestId('run').click();
  const entry = page.locator('[data-testid="console-output"] .entry').nth(before);
  await entry.waitFor({ timeout: WAIT });
  await consoleDone(page);
  return (await entry.locator('.entry-out').textContent()) || '';
}

/** The data-testid of the focused element, and whether it shows a focus ring. */
async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    return { id: el && el.dataset ? el.dataset.testid || el.tagName : null, ring: !!el && el.matches(':focus-visible') };
  });
}

/** A session file whose cluster has a fifth node, kind-worker9. */
const NODE_FILE = {
  name: 'worker9.kubeplay', mimeType: 'text/plain',
  buffer: Buffer.from('sim seed 1\nsim reset\nsim node add kind-worker9\n'),
};

/** Opens story `letter` from the picker, confirming when the tab has work. */
async function openStory(page, letter) {
  const options = await page.$$eval('[data-testid="stories"] option', (els) => els.map((e) => [e.value, e.textContent]));
  const [value] = options.find(([, label]) => label.startsWith(`(${letter})`));
  await page.getByTestId('stories').selectOption(value);
  const confirm = page.getByTestId('story-confirm-open');
  if (await confirm.count()) await confirm.click();
  await page.locator(`[data-testid="story-card"][data-story="${letter}"]`).waitFor({ timeout: WAIT });
}

async function main() {
  const { base, browser, page, run, finish } = await launch({ acceptDownloads: true });
  let exportedText = '';
  let clusterBefore = '';

  await run('export_downloads_a_session_file', async () => {
    await page.goto(base);
    await waitForCluster(page);
    await page.getByTestId('apply').click();
    for (let i = 0; i < 5; i++) await step(page);
    await consoleRun(page, 'kubectl create deployment shop --image=nginx:1.27 --replicas=2');
    await page.getByTestId('step-event').click();
    clusterBefore = await consoleRun(page, 'kubectl get all -A');
    assert(clusterBefore.includes('pod/shop-'), `unexpected cluster:\n${clusterBefore}`);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: WAIT }), page.getByTestId('export').click()]);
    assert(download.suggestedFilename() === 'kubeplay-session.kubeplay', `file name ${download.suggestedFilename()}`);
    exportedText = await readFile(await download.path(), 'utf8');
    assert(/\nsim seed 1\nsim reset\n/.test(exportedText), `no seed header:\n${exportedText.slice(0, 300)}`);
    assert(exportedText.includes('kubectl create deployment shop'), 'the console command is missing');
    await page.screenshot({ path: path.join(shots, 'session-desktop-exported.png') });
  });

  await run('copy_puts_the_same_script_on_the_clipboard', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await page.getByTestId('copy-script').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="copy-status"]').textContent !== '', null, { timeout: WAIT });
    const status = await page.getByTestId('copy-status').textContent();
    assert(status === 'Copied', `copy status: ${status}`);
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert(copied === exportedText, 'the clipboard holds something else than the exported file');
  });

  await run('the_exported_file_replays_to_the_same_cluster', async () => {
    // `kubeplay run`, when the CLI is built (CI builds it for the native tests first): the
    // newest build, since an old release binary may predate engine changes in the wasm.
    const cli = ['release', 'debug'].map((p) => path.join(root, 'target', p, 'kubeplay')).filter(existsSync)
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
    if (cli) {
      const out = execFileSync(cli, ['run', '-'], { input: `${exportedText}kubectl get all -A\n`, encoding: 'utf8' });
      const last = out.slice(out.lastIndexOf('$ kubectl get all -A\n') + '$ kubectl get all -A\n'.length);
      assert(last.trimEnd() === clusterBefore.trimEnd(), `kubeplay run (${cli}) gives\n${last}\nthe tab had\n${clusterBefore}`);
      console.log(`    kubeplay run: ${cli}`);
    }
    // Import in a fresh tab (its own storage).
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
    const fresh = await context.newPage();
    try {
      await fresh.goto(base);
      await waitForCluster(fresh);
      await fresh.getByTestId('import-file').setInputFiles({
        name: 'kubeplay-session.kubeplay', mimeType: 'text/plain', buffer: Buffer.from(exportedText),
      });
      const status = fresh.getByTestId('import-status');
      await status.waitFor({ timeout: WAIT });
      assert(await status.getAttribute('data-ok') === 'true', `import failed: ${await status.textContent()}`);
      const after = await consoleRun(fresh, 'kubectl get all -A');
      assert(after === clusterBefore, `imported cluster differs:\n${after}\nvs\n${clusterBefore}`);
    } finally {
      await context.close();
    }
  });

  await run('a_broken_file_shows_its_line_and_keeps_the_cluster', async () => {
    const editor = await page.getByTestId('editor').inputValue();
    const clock = await page.getByTestId('sim-time').textContent();
    await page.getByTestId('import-file').setInputFiles({
      name: 'broken.kubeplay', mimeType: 'text/plain',
      buffer: Buffer.from('# a session\nsim node add extra\nkubectl apply -f - <<EOF\nkind: Pod\n'),
    });
    const status = page.getByTestId('import-status');
    await status.waitFor({ timeout: WAIT });
    const text = await status.textContent();
    assert(await status.getAttribute('data-ok') === 'false' && text.includes('broken.kubeplay line 3'), `status: ${text}`);
    assert(text.includes('never closed'), `no parser message: ${text}`);
    assert(await page.getByTestId('editor').inputValue() === editor, 'the editor changed');
    assert(await page.getByTestId('sim-time').textContent() === clock, 'the clock changed');
    assert(await page.locator('[data-node="extra"]').count() === 0, 'the broken file ran');
    const now = await consoleRun(page, 'kubectl get all -A');
    assert(now === clusterBefore, 'the cluster changed');
    await page.screenshot({ path: path.join(shots, 'session-desktop-import-error.png') });
    // Dismissed from the keyboard: the focus goes back to Import, with its ring.
    await page.getByTestId('import-dismiss').focus();
    await page.keyboard.press('Enter');
    await status.waitFor({ state: 'detached', timeout: WAIT });
    const f = await focused(page);
    assert(f.id === 'import' && f.ring, `after dismiss the focus is on ${JSON.stringify(f)}`);
  });

  await run('an_import_over_the_learners_work_asks_and_cancel_keeps_everything', async () => {
    const confirm = page.getByTestId('import-confirm');
    const pick = async () => {
      await page.getByTestId('import-file').setInputFiles(NODE_FILE);
      await confirm.waitFor({ timeout: WAIT });
    };
    await pick();
    const question = await confirm.textContent();
    assert(question.includes('worker9.kubeplay') && question.includes('lost unless you Export'), `question: ${question}`);
    let f = await focused(page);
    assert(f.id === 'import-confirm-ok', `the question does not have the focus: ${JSON.stringify(f)}`);
    await page.screenshot({ path: path.join(shots, 'session-desktop-import-confirm.png') });
    // Escape cancels: nothing changed, the focus is back on Import.
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached', timeout: WAIT });
    f = await focused(page);
    assert(f.id === 'import' && f.ring, `after Escape the focus is on ${JSON.stringify(f)}`);
    assert(await page.locator('[data-node="kind-worker9"]').count() === 0, 'imported although cancelled');
    assert(await page.getByTestId('import-status').count() === 0, 'a report for a cancelled import');
    assert(await consoleRun(page, 'kubectl get all -A') === clusterBefore, 'the cluster changed');
    // Cancel does the same.
    await pick();
    await page.getByTestId('import-confirm-cancel').click();
    await confirm.waitFor({ state: 'detached', timeout: WAIT });
    assert((await focused(page)).id === 'import', 'after Cancel the focus is not on Import');
    assert(await page.locator('[data-node="kind-worker9"]').count() === 0, 'imported although cancelled');
    // Yes, from the keyboard: imported, and the focus stays on the page's controls.
    await pick();
    await page.keyboard.press('Enter');
    await page.locator('[data-node="kind-worker9"]').waitFor({ timeout: WAIT });
    const status = page.getByTestId('import-status');
    assert(await status.getAttribute('data-ok') === 'true', `status: ${await status.textContent()}`);
    f = await focused(page);
    assert(f.id === 'import', `after the import the focus is on ${JSON.stringify(f)}`);
    await page.screenshot({ path: path.join(shots, 'session-desktop-imported.png') });
  });

  await run('a_confirmed_story_takes_the_focus_to_its_card', async () => {
    // The tab holds the imported command: the picker asks; Enter answers from the keyboard.
    const options = await page.$$eval('[data-testid="stories"] option', (els) => els.map((e) => [e.value, e.textContent]));
    const [value] = options.find(([, label]) => label.startsWith('(c)'));
    await page.getByTestId('stories').selectOption(value);
    await page.getByTestId('story-confirm').waitFor({ timeout: WAIT });
    await page.keyboard.press('Escape');
    await page.getByTestId('story-confirm').waitFor({ state: 'detached', timeout: WAIT });
    let f = await focused(page);
    assert(f.id === 'stories' && f.ring, `after Escape the focus is on ${JSON.stringify(f)}`);
    assert(await page.getByTestId('stories').inputValue() === '', 'the picker shows the cancelled story');
    await page.getByTestId('stories').selectOption(value);
    await page.getByTestId('story-confirm').waitFor({ timeout: WAIT });
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="story-card"][data-story="c"]').waitFor({ timeout: WAIT });
    f = await focused(page);
    assert(f.id === 'story-title' && f.ring, `after Open the focus is on ${JSON.stringify(f)}`);
    await page.screenshot({ path: path.join(shots, 'session-desktop-story-focus.png') });
  });

  await run('the_multi_attach_story_shows_the_symptom_and_the_fix_resolves_it', async () => {
    await openStory(page, 'c');
    await page.waitForFunction(() =>
      document.querySelectorAll('[data-pod^="mysql-"][data-status="ContainerCreating"]').length === 1, null, { timeout: WAIT });
    const card = page.getByTestId('story-card');
    assert((await card.textContent()).includes('Multi-Attach error for volume'), 'the card does not say what to look for');
    await page.screenshot({ path: path.join(shots, 'session-desktop-story.png') });
    await card.getByRole('button', { name: 'Run kubectl describe pod -l app=mysql' }).click();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="console-output"]').textContent.includes('Multi-Attach error for volume "pvc-'), null, { timeout: WAIT });
    await card.locator('[data-testid="story-section"][data-kind="fix"] [data-testid="story-run-all"]').click();
    await page.waitForFunction(() =>
      document.querySelectorAll('[data-pod="mysql-0"][data-ready="true"], [data-pod="mysql-1"][data-ready="true"]').length === 2
      && document.querySelectorAll('[data-pod^="mysql-"][data-status="ContainerCreating"]').length === 0, null, { timeout: WAIT });
    await page.screenshot({ path: path.join(shots, 'session-desktop-story-fixed.png') });
  });

  await run('the_session_controls_are_keyboard_reachable', async () => {
    // From the last control of the top bar, Tab goes on through the session bar and the card.
    await page.getByTestId('reset').focus();
    const reached = new Set();
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => document.activeElement && document.activeElement.dataset.testid);
      if (id) reached.add(id);
    }
    for (const id of ['stories', 'export', 'import', 'story-step']) {
      assert(reached.has(id), `Tab never reaches ${id}: ${[...reached].join(', ')}`);
    }
    const label = await page.getByLabel('Open a troubleshooting story').count();
    assert(label === 1, 'the stories picker has no label');
  });

  await run('narrow_and_dark_layouts', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(shots, 'session-narrow-story.png') });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 0, `the page is ${overflow}px wider than the 375px screen`);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(shots, 'session-narrow-dark-story.png') });
    await openStory(page, 'a');
    await page.getByTestId('stories').focus();
    await page.screenshot({ path: path.join(shots, 'session-narrow-dark-story-a.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
    // A reload keeps the story card with its cluster.
    await page.reload();
    await page.locator('[data-testid="story-card"][data-story="a"]').waitFor({ timeout: WAIT });
    await page.waitForFunction(() => document.querySelectorAll('[data-pod="postgres-statefulset-0"]').length === 1, null, { timeout: WAIT });
    assert(await page.getByTestId('stories').inputValue() !== '', 'the picker does not show the open story');
    await page.screenshot({ path: path.join(shots, 'session-desktop-dark-story.png') });
    await page.getByTestId('import-file').setInputFiles({
      name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello\n'),
    });
    await page.getByTestId('import-status').waitFor({ timeout: WAIT });
    await page.screenshot({ path: path.join(shots, 'session-desktop-dark-import-error.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  await run('the_import_question_fits_narrow_and_dark_screens', async () => {
    await consoleRun(page, 'kubectl create deployment mine --image=nginx:1.27');
    for (const [width, height] of [[375, 812], [1280, 800]]) {
      await page.setViewportSize({ width, height });
      await page.evaluate(() => window.scrollTo(0, 0));
      for (const scheme of ['light', 'dark']) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.getByTestId('import-file').setInputFiles(NODE_FILE);
        const confirm = page.getByTestId('import-confirm');
        await confirm.waitFor({ timeout: WAIT });
        const box = await confirm.boundingBox();
        assert(box.x >= 0 && box.x + box.width <= width, `the question leaves the ${width}px screen: ${JSON.stringify(box)}`);
        const name = width < 500 ? 'narrow' : 'desktop';
        await page.screenshot({ path: path.join(shots, `session-${name}-${scheme}-import-confirm.png`) });
        await page.keyboard.press('Escape');
        await confirm.waitFor({ state: 'detached', timeout: WAIT });
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    assert(await page.locator('[data-node="kind-worker9"]').count() === 0, 'imported although cancelled');
  });

  await run('a_timeline_cut_before_the_storys_setup_closes_its_card', async () => {
    await openStory(page, 'a');
    await page.getByTestId('timeline-slider').focus();
    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.querySelector('[data-testid="timeline"]').dataset.live === 'false', null, { timeout: WAIT });
    await consoleRun(page, 'sim node add extra');
    await page.getByTestId('story-card').waitFor({ state: 'detached', timeout: WAIT });
    const notice = await page.getByTestId('branch-notice').textContent();
    assert(notice.includes('story (a)') && notice.includes('card closed'), `branch notice: ${notice}`);
    await page.screenshot({ path: path.join(shots, 'session-desktop-cut-closes-story.png') });
    await page.setViewportSize({ width: 375, height: 812 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByTestId('branch-notice').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'session-narrow-dark-cut-closes-story.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByTestId('undo-branch').click();
    await page.locator('[data-testid="story-card"][data-story="a"]').waitFor({ timeout: WAIT });
  });

  await run('a_typed_sim_advance_keeps_its_timeline_mark_after_a_reload', async () => {
    const typedMarks = () => page.$$eval('.timeline-mark', (els) =>
      els.filter((e) => e.dataset.tip.endsWith('sim advance 500ms')).length);
    await consoleRun(page, 'sim advance 500ms');
    await step(page);
    assert(await typedMarks() === 1, 'no mark for the typed command');
    await page.reload();
    await waitForCluster(page);
    await page.waitForFunction(() => document.querySelectorAll('.timeline-mark').length > 0, null, { timeout: WAIT });
    const after = await typedMarks();
    assert(after === 1, `after the reload ${after} marks for the typed command`);
  });

  await finish('session');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
