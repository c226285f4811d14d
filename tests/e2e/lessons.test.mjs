// The lesson panel in the real page: the list at #/lessons, a lesson whose checks fail before
// the learner's work and pass after its solution runs in the terminal, progress kept per lesson
// that survives a reload, the old shared progress key migrated, and an unknown lesson id.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { shared, SHOTS } from './harness.mjs';

const ctx = shared({ before, after });

const panel = (page) => page.getByRole('complementary', { name: 'Lesson' });
const item = (page, title) => panel(page).getByRole('listitem').filter({ hasText: title });
const results = (page) => panel(page).getByRole('status', { name: 'Check results' });

async function checkWork(page) {
  await panel(page).getByRole('button', { name: 'Check my work' }).click();
  await results(page).locator('li').first().waitFor();
  return results(page).innerText();
}

test('a lesson: checks fail, the solution runs, checks pass, progress survives a reload', async (t) => {
  const page = await ctx.browser.newPage({ viewport: { width: 1500, height: 1000 } });
  t.after(() => page.close());
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(ctx.server.url + '#/lessons');
  await panel(page).getByRole('link', { name: 'ClusterIP for a stateless Deployment' }).click();
  await panel(page).getByText('Step 1 of 3').waitFor();
  await page.getByRole('log', { name: 'Terminal output' })
    .getByText('Lesson files in your home directory: deploy-destination.yaml, deploy-origin.yaml').waitFor();

  // Before any work the checks fail with a message a learner can act on.
  assert.match(await checkWork(page), /FAIL[\s\S]*Deployment destination not found in namespace default\./);

  for (let step = 1; step <= 3; step++) {
    await panel(page).getByText(`Step ${step} of 3`).waitFor();
    await panel(page).getByRole('button', { name: 'Show solution' }).click();
    await panel(page).getByRole('button', { name: 'Run the solution in the terminal' }).click();
    const verdict = await checkWork(page);
    assert.match(verdict, /All checks pass/, `step ${step}: ${verdict}`);
    assert.doesNotMatch(verdict, /FAIL/);
    if (step === 2) await page.screenshot({ path: join(SHOTS, 'lesson-clusterip.png') });
    if (step < 3) await panel(page).getByRole('button', { name: 'Next step' }).click();
  }
  const steps = panel(page).getByRole('list', { name: 'Steps' });
  assert.equal(await steps.getByText('✓').count(), 3);

  // Reload: the cluster comes back from the autosave, the lesson from its own progress.
  await page.reload();
  await panel(page).getByText('Step 3 of 3').waitFor();
  assert.equal(await panel(page).getByRole('list', { name: 'Steps' }).getByText('✓').count(), 3);
  assert.match(await checkWork(page), /All checks pass/);

  await page.goto(ctx.server.url + '#/lessons');
  await panel(page).getByText('3/3 steps').waitFor();
  await page.screenshot({ path: join(SHOTS, 'lesson-list.png') });

  // One key per lesson: clusterip's progress is its own, the other lessons start at 0.
  const keys = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('kubeplay.lesson')).sort());
  assert.ok(keys.includes('kubeplay.lesson.clusterip'), keys.join());
  assert.ok(!keys.includes('kubeplay.lessons'), keys.join());
  const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('kubeplay.lesson.clusterip')));
  assert.deepEqual(saved.done, [0, 1, 2]);
  await item(page, 'Blue/Green by selector').getByText('0/2 steps').waitFor();
  await panel(page).getByRole('link', { name: 'Blue/Green by selector' }).click();
  await panel(page).getByText('Step 1 of 2').waitFor();
  await page.reload();
  await panel(page).getByText('Step 1 of 2').waitFor();
  await page.goto(ctx.server.url + '#/lessons/clusterip');
  await panel(page).getByText('Step 3 of 3').waitFor();
  assert.deepEqual(errors, []);
});

test('progress under the old shared key moves to per-lesson keys; garbage is dropped quietly', async (t) => {
  const page = await ctx.browser.newPage({ viewport: { width: 1500, height: 1000 } });
  t.after(() => page.close());
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(ctx.server.url + '#/lessons');
  await panel(page).getByRole('link', { name: 'Blue/Green by selector' }).waitFor();
  await page.evaluate(() => {
    localStorage.setItem('kubeplay.lessons', JSON.stringify({ lessons: {
      bluegreen: { step: 1, begun: 0, done: [0] },
      nodeport: { step: 2, begun: 3, done: [0, 1, 2] },
    } }));
    // A lesson that already has its own key keeps it.
    localStorage.setItem('kubeplay.lesson.nodeport', JSON.stringify({ step: 0, begun: 0, done: [] }));
  });
  await page.reload();
  await item(page, 'Blue/Green by selector').getByText('1/2 steps').waitFor();
  await item(page, 'NodePort from outside').getByText(/0\/\d steps/).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('kubeplay.lessons')), null);
  await panel(page).getByRole('link', { name: 'Blue/Green by selector' }).click();
  await panel(page).getByText('Step 2 of 2').waitFor();

  await page.evaluate(() => localStorage.setItem('kubeplay.lessons', '{not json'));
  await page.reload();
  await panel(page).getByText('Step 2 of 2').waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('kubeplay.lessons')), null);
  assert.doesNotMatch(await page.getByRole('log', { name: 'Terminal output' }).innerText(), /could not|error/i);
  assert.deepEqual(errors, []);
});

test('an unknown lesson id says so and links to the list', async (t) => {
  const page = await ctx.browser.newPage();
  t.after(() => page.close());
  await page.goto(ctx.server.url + '#/lessons/<img src=x onerror=alert(1)>');
  await panel(page).getByText('There is no lesson called').waitFor();
  assert.equal(await page.locator('aside img').count(), 0);
  await panel(page).getByRole('link', { name: 'See all lessons' }).click();
  await panel(page).getByRole('link', { name: 'Blue/Green by selector' }).waitFor();
});
