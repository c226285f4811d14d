// Share links end to end: the Share button packs the page into a link (copied to the clipboard
// where allowed, always shown selectable), and opening that link in another browser profile
// rebuilds the same cluster (same seed, same replies), the same files and the same history.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { shared, run } from './harness.mjs';

const ctx = shared({ before, after });

async function share(page) {
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const url = page.getByRole('textbox', { name: 'Share link' });
  await url.waitFor();
  return { link: await url.inputValue(), note: await page.getByRole('dialog', { name: 'Share this playground' }).innerText() };
}

test('a shared link rebuilds the same cluster, files and history elsewhere', async (t) => {
  const author = await ctx.browser.newContext();
  t.after(() => author.close());
  const page = await author.newPage();
  await page.goto(ctx.server.url);
  const log = page.getByRole('log', { name: 'Terminal output' });
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await run(page, 'kubectl expose deployment web --port=80');
  await run(page, 'sleep 20');
  await run(page, 'kubectl get svc,pods -o wide');
  await log.getByText('service/web exposed').waitFor();
  await page.getByRole('button', { name: 'Pause' }).click();
  const { link, note } = await share(page);
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/#share=[A-Za-z0-9_-]+$/);
  // Headless Chromium has no clipboard permission here, so the link is shown to copy by hand.
  assert.match(note, /Copy this link|Link copied/);
  await run(page, 'kubectl get svc web -o jsonpath={.spec.clusterIP}; echo; kubectl get pods -o name');
  await log.getByText('pod/web-', { exact: false }).last().waitFor();
  const lines = (await log.innerText()).trim().split('\n');
  const expected = lines.slice(lines.lastIndexOf(lines.find((l) => l.endsWith('-o name'))) + 1).join('\n');

  const friend = await ctx.browser.newContext();
  t.after(() => friend.close());
  const other = await friend.newPage();
  await other.goto(link);
  const otherLog = other.getByRole('log', { name: 'Terminal output' });
  await otherLog.getByText('Opened a shared playground', { exact: false }).waitFor();
  assert.equal(new URL(other.url()).hash, '');
  await run(other, 'kubectl get svc web -o jsonpath={.spec.clusterIP}; echo; kubectl get pods -o name');
  await otherLog.getByText('pod/web-', { exact: false }).last().waitFor();
  const otherLines = (await otherLog.innerText()).trim().split('\n');
  const got = otherLines.slice(otherLines.lastIndexOf(otherLines.find((l) => l.endsWith('-o name'))) + 1).join('\n');
  assert.equal(got, expected);
  // The editor's file came along, and ↑ recalls the sharer's commands.
  const editor = other.getByRole('textbox', { name: 'Manifest editor' });
  assert.match(await editor.inputValue(), /kind: Deployment/);
  const input = other.getByRole('textbox', { name: 'Terminal', exact: true });
  await input.fill('');
  await input.press('ArrowUp');
  await input.press('ArrowUp');
  assert.equal(await input.inputValue(), 'kubectl get svc,pods -o wide');
});

test('with clipboard permission the link is copied', async (t) => {
  const context = await ctx.browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(ctx.server.url);
  await run(page, 'kubectl get nodes');
  const { link, note } = await share(page);
  assert.match(note, /Link copied/);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
});
