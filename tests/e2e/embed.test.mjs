// The blog widget on the example article (public/embed-example/), whose own stylesheet is
// deliberately hostile: the widgets render inside their shadow roots, each runs commands on
// its own cluster, the wasm is fetched once and lazily, the page asks no other host for
// anything, and all of it under the site's strict CSP. The article's last widget is a lesson:
// its checks fail, pass after the solution, and its progress resumes after a reload; two
// lesson widgets on one page keep to themselves.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { shared, SHOTS } from './harness.mjs';

const ctx = shared({ before, after });

/** Types `command` into a widget's terminal. */
async function runIn(widget, command) {
  const input = widget.getByRole('textbox', { name: 'Terminal', exact: true });
  await input.fill(command);
  await input.press('Enter');
}

function outputOf(widget) {
  return widget.getByRole('log', { name: 'Terminal output' });
}

async function openExample(t) {
  const page = await ctx.browser.newPage({ viewport: { width: 1280, height: 900 } });
  t.after(() => page.close());
  const errors = [];
  const requests = [];
  const csp = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
    if (/Content[- ]Security[- ]Policy/i.test(m.text())) csp.push(m.text());
  });
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${ctx.server.url}embed-example/`);
  return { page, errors, requests, csp };
}

test('both widgets render through a hostile stylesheet and work independently', async (t) => {
  const { page, errors, requests, csp } = await openExample(t);
  const widgets = page.locator('kubeplay-playground');
  assert.equal(await widgets.count(), 3);
  const [first, second] = [widgets.nth(0), widgets.nth(1)];

  // The first widget ran its preloaded apply; the second has not loaded (far below the fold).
  await outputOf(first).getByText('deployment.apps/kubeanimals-blue created').waitFor();
  assert.equal(await second.getByRole('textbox', { name: 'Terminal', exact: true }).count(), 0);
  const wasmBefore = requests.filter((u) => u.endsWith('.wasm')).length;
  assert.equal(wasmBefore, 1);

  await second.scrollIntoViewIfNeeded();
  await outputOf(second).getByText('kubeanimals-blue', { exact: false }).first().waitFor();
  // Its editor shows the inline manifest.
  const editor = second.getByRole('textbox', { name: 'Manifest editor' });
  assert.match(await editor.inputValue(), /name: kubeanimals-green/);

  // Independent clusters: a Service exists only in the first.
  await runIn(second, 'kubectl get svc kubeanimals');
  await outputOf(second).getByText('services "kubeanimals" not found').waitFor();
  await first.scrollIntoViewIfNeeded();
  await runIn(first, 'kubectl get svc kubeanimals');
  await outputOf(first).getByText(/kubeanimals\s+ClusterIP/).waitFor();
  assert.doesNotMatch(await outputOf(second).innerText(), /kubeanimals\s+ClusterIP/);

  // Hostile rules did not reach inside: the terminal is visible at a sane size, the widget
  // took its height attribute, and the host element stayed a block.
  const box = await first.boundingBox();
  assert.ok(Math.abs(box.height - 480) < 2, `first widget height ${box.height}`);
  const fontSize = await first
    .getByRole('textbox', { name: 'Terminal', exact: true })
    .evaluate((el) => getComputedStyle(el).fontSize);
  assert.ok(Number.parseFloat(fontSize) < 20, `terminal font ${fontSize}`);
  assert.equal(await first.evaluate((el) => getComputedStyle(el).display), 'block');
  await first.getByRole('region', { name: 'Cluster map' }).getByRole('button', { name: /^Node worker-1\b/ }).waitFor();

  // One wasm fetch for both widgets; nothing from any other host; nothing refused by the CSP.
  const wasm = requests.filter((u) => u.endsWith('.wasm'));
  assert.equal(wasm.length, 1, wasm.join('\n'));
  const origin = new URL(ctx.server.url).origin;
  const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'));
  assert.deepEqual(foreign, []);
  assert.deepEqual(csp, []);
  assert.deepEqual(errors, []);
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(meta, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(meta, /'unsafe-inline'|'unsafe-eval'/);
});

test('the example article, screenshotted with both widgets', async (t) => {
  const { page } = await openExample(t);
  const widgets = page.locator('kubeplay-playground');
  await outputOf(widgets.nth(0)).getByText('deployment.apps/kubeanimals-blue created').waitFor();
  await runIn(widgets.nth(0), 'kubectl get pods -o wide');
  await outputOf(widgets.nth(0)).getByText('kubeanimals-blue-', { exact: false }).first().waitFor();
  await page.screenshot({ path: join(SHOTS, 'embed-first.png') });
  await widgets.nth(1).scrollIntoViewIfNeeded();
  await outputOf(widgets.nth(1)).getByText('kubeanimals-blue', { exact: false }).first().waitFor();
  await widgets.nth(1).getByRole('button', { name: 'Apply' }).click();
  await outputOf(widgets.nth(1)).getByText('deployment.apps/kubeanimals-green created').waitFor();
  await widgets.nth(1).screenshot({ path: join(SHOTS, 'embed-second.png') });
});

test('removing a widget unmounts it; adding one mounts a fresh cluster', async (t) => {
  const { page, errors } = await openExample(t);
  const first = page.locator('kubeplay-playground').nth(0);
  await outputOf(first).getByText('deployment.apps/kubeanimals-blue created').waitFor();
  await page.evaluate(() => {
    const el = document.querySelector('kubeplay-playground');
    el.remove();
    const fresh = document.createElement('kubeplay-playground');
    fresh.setAttribute('commands', 'kubectl get deployments');
    document.querySelector('article').prepend(fresh);
  });
  const fresh = page.locator('kubeplay-playground').nth(0);
  await outputOf(fresh).getByText('No resources found in default namespace.').waitFor();
  assert.deepEqual(errors, []);
});

const lessonOf = (widget) => widget.getByRole('complementary', { name: 'Lesson' });

/** Presses "Check my work" in a lesson widget and returns the results' text. */
async function checkWork(widget) {
  const results = lessonOf(widget).getByRole('status', { name: 'Check results' });
  const before = await results.innerText();
  await lessonOf(widget).getByRole('button', { name: 'Check my work' }).click();
  await results.locator('li').first().waitFor();
  // The same verdict twice in a row leaves the text unchanged; give the render a moment.
  if ((await results.innerText()) === before) await widget.page().waitForTimeout(200);
  return results.innerText();
}

async function runSolution(widget) {
  const panel = lessonOf(widget);
  await panel.getByRole('button', { name: 'Show solution' }).click();
  await panel.getByRole('button', { name: 'Run the solution in the terminal' }).click();
}

test('a lesson widget: checks fail, the solution passes them, progress resumes after a reload', async (t) => {
  const { page, errors } = await openExample(t);
  const widget = page.locator('kubeplay-playground').nth(2);
  await widget.scrollIntoViewIfNeeded();
  const panel = lessonOf(widget);
  await panel.getByText('Step 1 of 2').waitFor();
  await outputOf(widget)
    .getByText('Lesson files in your home directory: kubeanimals-1.yaml, kubeanimals-svc.yaml').waitFor();

  let verdict = await checkWork(widget);
  assert.match(verdict, /FAIL[\s\S]*Deployment phippy not found in namespace bluegreen\./);
  await panel.getByRole('button', { name: 'Hint (1 of 2)' }).click();
  await panel.getByText('Version labels are strings').waitFor();
  await runSolution(widget);
  verdict = await checkWork(widget);
  assert.match(verdict, /All checks pass/, verdict);
  await widget.screenshot({ path: join(SHOTS, 'embed-lesson.png') });

  // Step 2 judges only its own requests: step 1's curl does not count.
  await panel.getByRole('button', { name: 'Next step' }).click();
  await panel.getByText('Step 2 of 2').waitFor();
  verdict = await checkWork(widget);
  assert.match(verdict, /No request from the workstation to Service bluegreen\/kubeanimals since this step began/);

  // A reload resumes at step 2 on a fresh cluster prepared by step 1's solution.
  await page.reload();
  const again = page.locator('kubeplay-playground').nth(2);
  await again.scrollIntoViewIfNeeded();
  await lessonOf(again).getByText('Step 2 of 2').waitFor();
  await outputOf(again).getByText('Welcome back: resuming at step 2 of 2', { exact: false }).waitFor();
  assert.equal(await lessonOf(again).getByRole('list', { name: 'Steps' }).getByText('✓').count(), 1);
  await runSolution(again);
  verdict = await checkWork(again);
  assert.match(verdict, /All checks pass/, verdict);
  assert.deepEqual(errors, []);
});

test('two lesson widgets on one page keep their own clusters and steps', async (t) => {
  const { page, errors } = await openExample(t);
  await page.evaluate(() => {
    for (const id of ['clusterip', 'clusterip']) {
      const el = document.createElement('kubeplay-playground');
      el.setAttribute('lesson', id);
      el.setAttribute('progress', 'off');
      document.querySelector('article').prepend(el);
    }
  });
  const [a, b] = [page.locator('kubeplay-playground').nth(0), page.locator('kubeplay-playground').nth(1)];
  await a.scrollIntoViewIfNeeded();
  await lessonOf(a).getByText('Step 1 of 3').waitFor();
  await runSolution(a);
  assert.match(await checkWork(a), /All checks pass/);
  await lessonOf(a).getByRole('button', { name: 'Next step' }).click();
  await lessonOf(a).getByText('Step 2 of 3').waitFor();

  await b.scrollIntoViewIfNeeded();
  await lessonOf(b).getByText('Step 1 of 3').waitFor();
  assert.match(await checkWork(b), /FAIL[\s\S]*Deployment destination not found in namespace default\./);
  await runIn(b, 'kubectl get deployments');
  await outputOf(b).getByText('No resources found in default namespace.').waitFor();
  assert.equal(await lessonOf(a).getByText('Step 2 of 3').count(), 1);

  // progress="off" keeps nothing; "Restart lesson" gives widget A a fresh cluster and step 1.
  const kept = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('lesson')));
  assert.deepEqual(kept, []);
  page.once('dialog', (d) => d.accept());
  await a.scrollIntoViewIfNeeded();
  await lessonOf(a).getByRole('button', { name: 'Restart lesson' }).click();
  await lessonOf(a).getByText('Step 1 of 3').waitFor();
  assert.match(await checkWork(a), /FAIL[\s\S]*Deployment destination not found in namespace default\./);
  assert.deepEqual(errors, []);
});
