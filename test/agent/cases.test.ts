import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodePlanner } from '../../lib/agent/code-planner.ts';
import { CASE_TASKS, expectedSha256 } from '../fixtures/planner-cases/cases.ts';
import { type CaseSite, startCaseSite } from '../fixtures/planner-cases/server.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';
import { runPlanner } from './support/session-runner.ts';

let site: CaseSite;
let harness: BrowserHarness;

beforeAll(async () => {
  site = await startCaseSite();
  harness = await startBrowserHarness();
});
afterAll(async () => {
  await harness.close();
  await site.close();
});

describe('code planner on the case pages', () => {
  for (const task of CASE_TASKS) {
    it(`${task.id}: stores exactly the expected files for its goal and 4 other phrasings, in at most ${task.minSteps + 1} steps`, async () => {
      for (const goal of task.goals) {
        site.requests.clear();
        const run = await runPlanner(harness, createCodePlanner(), {
          goal,
          url: `${site.url}${task.start}`,
        });
        const trace = `${goal}\n${run.decisions.map((d) => JSON.stringify(d)).join('\n')}\n${run.errors.join('\n')}`;

        expect(run.final.kind, trace).toBe(task.outcome ?? 'done');
        const stored = run.files.filter((f) => !task.printed?.includes(f.filename));
        expect(stored.map((f) => f.sha256).sort(), trace).toEqual(
          task.files.map(expectedSha256).sort(),
        );
        for (const name of task.printed ?? [])
          expect(
            run.files.map((f) => f.filename),
            trace,
          ).toContain(name);
        expect(run.steps, trace).toBeLessThanOrEqual(task.minSteps + 1);
        for (const [request, count] of Object.entries(task.requests ?? {})) {
          expect(site.requests.get(request) ?? 0, `${trace}\n${request}`).toBe(count);
        }
      }
    });
  }
});
