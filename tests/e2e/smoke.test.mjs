// The built page loads the core in wasm, and the terminal answers from the simulated cluster.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { shared, run, SHOTS } from './harness.mjs';

const ctx = shared({ before, after });

test('kubectl get nodes answers in the terminal', async (t) => {
  const page = await ctx.browser.newPage();
  t.after(() => page.close());
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(ctx.server.url);
  await run(page, 'kubectl get nodes');
  const log = page.getByRole('log', { name: 'Terminal output' });
  await log.getByText('control-plane', { exact: false }).first().waitFor();
  const text = await log.innerText();
  assert.match(text, /NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
  assert.match(text, /control-plane\s+Ready\s+control-plane/);
  assert.match(text, /worker-1\s+Ready\s+<none>/);
  assert.match(text, /worker-2\s+Ready\s+<none>/);
  await page.screenshot({ path: join(SHOTS, 'smoke-get-nodes.png') });
  assert.deepEqual(errors, []);
});

test('the map draws every node, each focusable with its name', async (t) => {
  const page = await ctx.browser.newPage();
  t.after(() => page.close());
  await page.goto(ctx.server.url);
  const map = page.getByRole('region', { name: 'Cluster map' });
  for (const node of ['control-plane', 'worker-1', 'worker-2']) {
    await map.getByRole('button', { name: new RegExp(`^Node ${node}\\b`) }).waitFor();
  }
});

test('an unknown command gets bash\'s message', async (t) => {
  const page = await ctx.browser.newPage();
  t.after(() => page.close());
  await page.goto(ctx.server.url);
  await run(page, 'kubectll get pods');
  const log = page.getByRole('log', { name: 'Terminal output' });
  await log.getByText('command not found').waitFor();
  assert.match(await log.innerText(), /bash: kubectll: command not found/);
});
