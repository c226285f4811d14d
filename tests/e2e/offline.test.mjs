// Offline once loaded: after one visit the service worker (sw.js, written by the post-build
// hook) has a copy of the site, so a reload with the host unreachable still starts the cluster.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, run } from './harness.mjs';

let server;
let browser;
before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.setDown(false);
  await server?.close();
});

test('a page loaded once reloads and runs with the host unreachable', async (t) => {
  const page = await browser.newPage();
  t.after(() => page.close());
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url);
  const input = page.getByRole('textbox', { name: 'Terminal', exact: true });
  await input.waitFor();
  // The worker is installed (its copy made) and controls the page.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((ok) => navigator.serviceWorker.addEventListener('controllerchange', ok));
    }
  });

  // From here every request to the host fails at the network level.
  server.setDown(true);
  await page.reload();
  await input.waitFor();
  await run(page, 'kubectl get nodes');
  const log = page.getByRole('log', { name: 'Terminal output' });
  await log.getByText(/^worker-2\s+Ready/m).waitFor();
  assert.deepEqual(errors, []);
});
