// The lesson panel in the real page: the list at #/lessons, a lesson whose checks fail before
// the learner's work and pass after its solution runs in the terminal, progress that survives
// a reload, and an unknown lesson id.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { shared, SHOTS } from './harness.mjs';

const ctx = shared({ before, after });

const panel = (page) => page.getByRole('complementary', { name: 'Lesson' });
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
