import { afterAll, beforeAll, describe, it } from 'vitest';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';
import { CASE_TASKS } from './case-tasks.ts';
import { expectTask } from './support/case-run.ts';

/** Cases whose runs mostly wait on large or slow transfers: their phrasings add time, not cover. */
const SLOW = new Set(['C16', 'C25', 'C31', 'C35']);

let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startBrowserHarness();
});
afterAll(() => harness.close());

describe('code planner on the case sites, with goals written in other words', () => {
  for (const task of CASE_TASKS.filter((t) => !SLOW.has(t.id))) {
    it(`${task.id}: meets 4 other phrasings of its goal within ${task.minSteps + 1} steps`, {
      timeout: 180_000,
    }, async () => {
      const site = await task.start();
      try {
        for (const goal of task.phrasings) await expectTask(harness, task, site, goal);
      } finally {
        await site.close();
      }
    });
  }
});
