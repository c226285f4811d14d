// Whole flows a learner goes through, in the real page: a Service applied from the editor,
// requests from a pod spread over its endpoints (counted on the map), a blue/green selector
// flip moving the traffic, and a reload keeping everything.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { shared, run, SHOTS } from './harness.mjs';

const ctx = shared({ before, after });

const service = (app) => `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: ${app}
  ports:
  - port: 80
`;

/** Requests served per pod, read from the map's accessible names. */
async function served(page, prefix) {
  const map = page.getByRole('region', { name: 'Cluster map' });
  const pods = map.getByRole('button', { name: new RegExp(`^Pod ${prefix}-`) });
  const names = await pods.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  return names.map((n) => Number(/(\d+) requests? served/.exec(n)?.[1] ?? NaN));
}

async function lastOutput(page) {
  return page.getByRole('log', { name: 'Terminal output' }).innerText();
}

async function applyFromEditor(page, yaml, expected) {
  await page.getByRole('textbox', { name: 'Manifest editor' }).fill(yaml);
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.getByRole('log', { name: 'Terminal output' }).getByText(expected).last().waitFor();
}

async function curlTimes(page, n) {
  for (let i = 0; i < n; i++) await run(page, 'kubectl exec client -- curl -s web');
}

test('apply, spread requests, flip blue to green, reload', async (t) => {
  const page = await ctx.browser.newPage({ viewport: { width: 1400, height: 950 } });
  t.after(() => page.close());
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(ctx.server.url);

  await run(page, 'kubectl create deployment blue --image=traefik/whoami --replicas=2');
  await run(page, 'kubectl create deployment green --image=traefik/whoami --replicas=2');
  await run(page, 'kubectl run client --image=nicolaka/netshoot -- sleep 100000');
  await applyFromEditor(page, service('blue'), 'service/web created');
  await run(page, 'sleep 20');
  await run(page, 'kubectl get endpoints web');
  await page.getByRole('log', { name: 'Terminal output' }).getByText(/web\s+192\.168\.\S+,192\.168\./).waitFor();

  // Four requests all land on blue pods; the map counts them.
  await curlTimes(page, 4);
  assert.match(await lastOutput(page), /Hostname: blue-/);
  await page.waitForFunction(() => /Pod blue-.*[1-9] requests? served/.test(document.body.innerHTML));
  const blue = await served(page, 'blue');
  assert.equal(blue.length, 2);
  assert.equal(blue.reduce((a, b) => a + b, 0), 4);
  assert.deepEqual(await served(page, 'green'), [0, 0]);

  // The same Service, selector flipped: the next requests go to green.
  await applyFromEditor(page, service('green'), 'service/web configured');
  await curlTimes(page, 4);
  const tail = (await lastOutput(page)).split('kubectl exec client').slice(-4).join('');
  assert.doesNotMatch(tail, /Hostname: blue-/);
  assert.match(tail, /Hostname: green-/);
  await page.waitForFunction(() => /Pod green-.*[1-9] requests? served/.test(document.body.innerHTML));
  assert.equal((await served(page, 'green')).reduce((a, b) => a + b, 0), 4);
  assert.equal((await served(page, 'blue')).reduce((a, b) => a + b, 0), 4);
  await page.screenshot({ path: join(SHOTS, 'flows-blue-green.png') });

  // Reload: the autosaved session is replayed; the cluster is the same.
  await page.reload();
  await run(page, 'kubectl get svc web -o jsonpath={.spec.selector.app}');
  await page.getByRole('log', { name: 'Terminal output' }).getByText(/^green$/m).waitFor();
  await page.getByRole('region', { name: 'Cluster map' })
    .getByRole('button', { name: /^Pod green-/ }).first().waitFor();
  assert.deepEqual(errors, []);
});
