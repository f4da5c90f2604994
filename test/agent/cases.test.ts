import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodePlanner } from '../../lib/agent/code-planner.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';
import { CASE_TASKS, VARIANT_TASKS } from './case-tasks.ts';
import { expectTask } from './support/case-run.ts';
import { runPlanner } from './support/session-runner.ts';

let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startBrowserHarness();
});
afterAll(() => harness.close());

describe('code planner on the case sites', () => {
  for (const task of [...CASE_TASKS, ...VARIANT_TASKS]) {
    it(`${task.id}: meets the case goal within ${task.minSteps + 1} steps`, {
      timeout: 120_000,
    }, async () => {
      const site = await task.start();
      try {
        await expectTask(harness, task, site, site.goal);
      } finally {
        await site.close();
      }
    });
  }

  it('ends terminated within 3 steps when the site refuses the login on a page without a form', async () => {
    const { startC32Site } = await import('../fixtures/cases/c32.ts');
    const site = await startC32Site();
    const goal = 'Log in as demo / not-the-password and download contract 77.';
    const run = await runPlanner(harness, createCodePlanner(), { goal, url: site.startUrl });
    await site.close();

    expect(run.final).toMatchObject({
      kind: 'impossible',
      reason: expect.stringMatching(/refused.*Wrong password/),
    });
    expect(run.steps).toBeLessThanOrEqual(3);
    expect(run.files).toEqual([]);
  });

  it('asks the server for the activation code and the export once per run', async () => {
    const { startC02Site } = await import('../fixtures/cases/c02.ts');
    const { startC25Site } = await import('../fixtures/cases/c25.ts');
    for (const [start, method, path] of [
      [startC02Site, 'GET', '/tiny.txt'],
      [startC25Site, 'POST', '/api/users/export'],
    ] as const) {
      const site = await start();
      await runPlanner(harness, createCodePlanner(), { goal: site.goal, url: site.startUrl });
      expect(site.sites.app.count(method, path)).toBe(1);
      await site.close();
    }
  });
});
