// The blog widget on the example article (public/embed-example/), whose own stylesheet is
// deliberately hostile: both widgets render inside their shadow roots, each runs commands on
// its own cluster, the wasm is fetched once and lazily, the page asks no other host for
// anything, and all of it under the site's strict CSP.
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
  assert.equal(await widgets.count(), 2);
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

test('lesson="<id>" sets up the lesson\'s first step in the widget', async (t) => {
  const { page, errors } = await openExample(t);
  await page.evaluate(() => {
    const el = document.createElement('kubeplay-playground');
    el.setAttribute('lesson', 'bluegreen');
    el.setAttribute('height', '480');
    document.querySelector('article').prepend(el);
  });
  const widget = page.locator('kubeplay-playground').first();
  await widget.scrollIntoViewIfNeeded();
  const log = outputOf(widget);
  await log.getByText('Lesson: Blue/Green by selector', { exact: false }).waitFor();
  await runIn(widget, 'ls');
  await log.getByText('kubeanimals-1.yaml', { exact: false }).first().waitFor();
  assert.deepEqual(errors, []);
});
