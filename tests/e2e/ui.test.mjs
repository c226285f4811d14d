// The page's terminal and explainer flows in the real browser: a pod shell in its own tab (own
// scrollback, history and shell state; Ctrl-D leaves it), `vi` handing its file to the editor
// pane, click-to-explain, the browser pane opening a NodePort as text, and a reload restoring
// every tab. Screenshots (wide, 360 px, dark) land in target/e2e-screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { shared, run, SHOTS } from './harness.mjs';

const ctx = shared({ before, after });

const input = (page) => page.getByRole('textbox', { name: 'Terminal', exact: true });
const log = (page) => page.getByRole('log', { name: 'Terminal output' });
const prompt = (page) => page.locator('.terminal-input .prompt');

const NODEPORT = `cat <<EOF | kubectl apply -f -
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    run: web
  ports:
  - port: 80
    nodePort: 30080
EOF`;

async function lines(page, text) {
  for (const l of text.split('\n')) await run(page, l);
}

async function open(t, viewport = { width: 1400, height: 950 }, colorScheme = 'light') {
  const page = await ctx.browser.newPage({ viewport, colorScheme });
  t.after(() => page.close());
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(ctx.server.url);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await input(page).waitFor();
  return { page, errors };
}

async function withWebPod(page) {
  await run(page, 'kubectl run web --image=nginx');
  await lines(page, NODEPORT);
  await run(page, 'sleep 20');
  await run(page, 'kubectl get pod web');
  await log(page).getByText(/web\s+1\/1\s+Running/).waitFor();
}

test('a pod shell opens in its own tab with its own state; Ctrl-D leaves it', async (t) => {
  const { page, errors } = await open(t);
  await withWebPod(page);
  await run(page, 'cd /tmp');
  const map = page.getByRole('region', { name: 'Cluster map' });
  await map.getByRole('button', { name: /^Pod web\b/ }).click();
  await page.getByRole('button', { name: 'Shell in a new tab' }).click();
  const tab = page.getByRole('tab', { name: 'web' });
  await tab.waitFor();
  assert.equal(await tab.getAttribute('aria-selected'), 'true');
  await log(page).getByText('kubectl exec -it web -n default -- sh').waitFor();
  assert.doesNotMatch(await prompt(page).innerText(), /learner@workstation/);
  await run(page, 'mkdir -p /srv/app; cd /srv/app; X=in-pod; echo $X');
  await log(page).getByText(/^in-pod$/m).waitFor();
  await run(page, 'pwd');
  await log(page).getByText('/srv/app', { exact: true }).waitFor();

  // The workstation tab kept its own scrollback and shell state.
  await page.getByRole('tab', { name: 'workstation' }).click();
  assert.doesNotMatch(await log(page).innerText(), /in-pod/);
  await run(page, 'pwd; echo "X=$X"');
  await log(page).getByText('/tmp', { exact: true }).waitFor();
  await log(page).getByText('X=', { exact: true }).waitFor();
  // ↑ recalls this tab's history only.
  await input(page).press('ArrowUp');
  assert.equal(await input(page).inputValue(), 'pwd; echo "X=$X"');
  await input(page).fill('');

  // Ctrl-D in the pod tab leaves the pod shell; the tab goes back to the workstation prompt
  // and to its own name.
  await tab.click();
  await input(page).press('Control+d');
  await page.waitForFunction(() =>
    document.querySelector('.terminal-input .prompt')?.textContent.startsWith('learner@workstation:~$'));
  const shellTab = page.getByRole('tab', { name: 'shell 1' });
  await shellTab.waitFor();

  // Each tab keeps its own half-typed line.
  await page.getByRole('tab', { name: 'workstation' }).click();
  await input(page).fill('echo half-typed');
  await shellTab.click();
  assert.equal(await input(page).inputValue(), '');
  await input(page).fill('echo other');
  await page.getByRole('tab', { name: 'workstation' }).click();
  assert.equal(await input(page).inputValue(), 'echo half-typed');
  await shellTab.click();
  assert.equal(await input(page).inputValue(), 'echo other');
  await input(page).fill('');

  // `kubectl exec -it` typed in a terminal still enters the pod in that same terminal.
  await page.getByRole('tab', { name: 'workstation' }).click();
  await input(page).fill('');
  await run(page, 'kubectl exec -it web -- sh');
  assert.doesNotMatch(await prompt(page).innerText(), /learner@workstation/);
  await page.getByRole('tab', { name: 'web' }).waitFor();
  await input(page).press('Control+d');
  await page.waitForFunction(() =>
    document.querySelector('.terminal-input .prompt')?.textContent.startsWith('learner@workstation:/tmp$'));
  await page.screenshot({ path: join(SHOTS, 'ui-tabs.png') });

  // Reload: both tabs come back with their own scrollback.
  await page.reload();
  await page.getByRole('tab', { name: 'shell 1' }).click();
  await log(page).getByText(/^in-pod$/m).waitFor();
  await page.getByRole('tab', { name: 'workstation' }).click();
  assert.doesNotMatch(await log(page).innerText(), /in-pod/);
  await log(page).getByText('X=', { exact: true }).waitFor();

  // Closing a tab returns to the workstation.
  await page.getByRole('button', { name: 'Close terminal shell 1' }).click();
  assert.equal(await page.getByRole('tab', { name: 'shell 1' }).count(), 0);
  assert.deepEqual(errors, []);
});

test('vi hands its file to the editor pane; Save and Cancel hand it back', async (t) => {
  const { page, errors } = await open(t);
  await run(page, 'echo first > notes.txt');
  await run(page, 'vi notes.txt');
  await page.getByText('Editing /home/learner/notes.txt for the workstation terminal').waitFor();
  const editor = page.getByRole('textbox', { name: 'Manifest editor' });
  assert.equal(await editor.inputValue(), 'first\n');
  assert.equal(await page.getByRole('button', { name: 'Apply', exact: true }).count(), 0);
  await editor.fill('second line\n');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('button', { name: 'Apply', exact: true }).waitFor();
  await run(page, 'cat notes.txt');
  await log(page).getByText(/^second line$/m).waitFor();

  await run(page, 'nano notes.txt');
  await editor.fill('discarded\n');
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await run(page, 'cat notes.txt');
  assert.doesNotMatch(await log(page).innerText(), /discarded/);
  assert.deepEqual(errors, []);
});

test('explain and clicking a request show its path; the browser pane shows text', async (t) => {
  const { page, errors } = await open(t);
  await withWebPod(page);
  await run(page, 'explain curl -s http://10.10.98.11:30080/');
  const path = page.getByLabel('Request path');
  await path.waitFor();
  const text = await path.innerText();
  assert.match(text, /connect from workstation .* node worker-1, nodePort of Service default\/web/);
  assert.match(text, /kube-proxy on worker-1: default\/web via/);
  assert.match(text, /probability 1\/1/);
  assert.match(text, /delivered to pod default\/web/);

  // The browser pane: same request, shown as text with its headers.
  const before = await page.getByRole('list', { name: 'Recent requests' }).getByRole('listitem').count();
  await page.getByRole('textbox', { name: 'Address' }).fill('http://10.10.98.11:30080/');
  await page.getByRole('button', { name: 'Go', exact: true }).click();
  const head = page.getByLabel('Response headers');
  await head.waitFor();
  assert.match(await head.innerText(), /^HTTP\/1\.1 200 OK/);
  const body = await page.getByLabel('Response body').innerText();
  assert.match(body, /Welcome to nginx!/);
  assert.doesNotMatch(body, /<h1>/);
  assert.equal(await page.locator('.browser-page h1').count(), 0, 'never rendered as HTML');
  await page.getByLabel('Source').check();
  assert.match(await page.getByLabel('Response body').innerText(), /<h1>Welcome to nginx!<\/h1>/);

  // The browser's request is traced: a new row; clicking it explains it.
  const rows = page.getByRole('list', { name: 'Recent requests' }).getByRole('button');
  assert.equal(await rows.count(), before + 1);
  await rows.first().click();
  assert.match(await page.getByLabel('Request path').innerText(), /Mozilla|curl|delivered to pod default\/web/);
  await page.screenshot({ path: join(SHOTS, 'ui-explain-browser.png') });
  assert.deepEqual(errors, []);
});

test('narrow and dark layouts render every panel', async (t) => {
  for (const [name, viewport, scheme] of [
    ['ui-360.png', { width: 360, height: 780 }, 'light'],
    ['ui-dark.png', { width: 1400, height: 950 }, 'dark'],
  ]) {
    const { page, errors } = await open(t, viewport, scheme);
    await run(page, 'kubectl get nodes');
    await log(page).getByText(/worker-1\s+Ready/).waitFor();
    for (const label of ['Cluster map', 'Inspector', 'Browser']) {
      assert.ok(await page.getByRole('region', { name: label }).isVisible(), label);
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, `${name}: no sideways scrolling`);
    await page.screenshot({ path: join(SHOTS, name), fullPage: true });
    assert.deepEqual(errors, []);
  }
});

test('kubectl get -w streams rows as time passes; Ctrl-C stops it', async (t) => {
  const { page, errors } = await open(t);
  await run(page, 'kubectl run w1 --image=nginx');
  await run(page, 'kubectl get pods -w');
  await page.getByRole('status').filter({ hasText: 'watching… Ctrl-C stops' }).waitFor();
  assert.equal(await prompt(page).innerText(), '');
  // The clock runs with wall time; the pod's rows arrive while the terminal is held.
  await log(page).getByText(/^w1\s+1\/1\s+Running/m).waitFor({ timeout: 20000 });
  await input(page).press('Control+c');
  await page.waitForFunction(() =>
    document.querySelector('.terminal-input .prompt')?.textContent.startsWith('learner@workstation:~$'));
  assert.equal(await page.getByText('watching… Ctrl-C stops').count(), 0);
  assert.deepEqual(errors, []);
});

test("a Service's selector is editable in the inspector; the flip runs as kubectl patch", async (t) => {
  const { page, errors } = await open(t);
  await withWebPod(page);
  const map = page.getByRole('region', { name: 'Cluster map' });
  await map.getByRole('button', { name: /^Service web\b/ }).click();
  const field = page.getByRole('textbox', { name: 'Selector run' });
  assert.equal(await field.inputValue(), 'web');
  await field.fill('green');
  await page.getByRole('button', { name: 'Apply selector' }).click();
  await log(page).getByText(/^service\/web patched$/m).waitFor();
  await run(page, 'kubectl get svc web -o jsonpath={.spec.selector.run}');
  await log(page).getByText(/^green$/m).waitFor();
  // The editor now shows the new selector.
  assert.equal(await page.getByRole('textbox', { name: 'Selector run' }).inputValue(), 'green');
  await page.screenshot({ path: join(SHOTS, 'ui-selector-edit.png') });
  assert.deepEqual(errors, []);
});
