// How the page starts: under a strict CSP, from any sub-path, with a loading state, with a plain
// message when the wasm cannot load, and without a single request to another host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, run } from './harness.mjs';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

async function answersGetNodes(page) {
  await run(page, 'kubectl get nodes');
  const log = page.getByRole('log', { name: 'Terminal output' });
  await log.getByText('worker-2').first().waitFor();
}

test('works under its Content-Security-Policy with no violation and no foreign request', async (t) => {
  const server = await serve();
  const page = await browser.newPage();
  t.after(() => Promise.all([page.close(), server.close()]));
  const violations = [];
  const foreign = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(server.url) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  await page.goto(server.url);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/);
  await answersGetNodes(page);
  assert.deepEqual(violations, []);
  assert.deepEqual(foreign, []);
});

test('runs from a sub-path of a static host', async (t) => {
  const server = await serve(undefined, '/blog/k8s/playground/');
  const page = await browser.newPage();
  t.after(() => Promise.all([page.close(), server.close()]));
  await page.goto(server.url);
  await answersGetNodes(page);
  assert.ok(server.requests.every((p) => p.startsWith('/blog/k8s/playground/')), server.requests.join(' '));
});

test('shows a loading state until the wasm is ready', async (t) => {
  const server = await serve();
  const page = await browser.newPage();
  t.after(() => Promise.all([page.close(), server.close()]));
  let release;
  const held = new Promise((ok) => (release = ok));
  await page.route(/_bg\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(server.url);
  const status = page.getByRole('status');
  await status.getByText('Starting the cluster').waitFor();
  assert.ok(await status.isVisible());
  release();
  await answersGetNodes(page);
  assert.equal(await page.locator('#boot').isVisible(), false);
});

test('says plainly why when the wasm cannot load', async (t) => {
  const server = await serve();
  const page = await browser.newPage();
  t.after(() => Promise.all([page.close(), server.close()]));
  await page.route(/_bg\.wasm$/, (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.goto(server.url);
  const status = page.getByRole('status');
  await status.getByText('Kubeplay could not start').waitFor();
  assert.match(await status.innerText(), /WebAssembly/);
});
