import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodePlanner } from '../../lib/agent/code-planner.ts';
import type { CaseSite } from '../fixtures/cases/case-site.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';
import { expectExactFiles } from '../support/case-assertions.ts';
import { pdfText } from '../support/pdf-text.ts';
import { CASE_TASKS, type PlannerTask, VARIANT_TASKS } from './case-tasks.ts';
import { type PlannerRun, runPlanner } from './support/session-runner.ts';

let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startBrowserHarness();
});
afterAll(() => harness.close());

function trace(goal: string, run: PlannerRun): string {
  const decisions = run.decisions.map((d) => JSON.stringify(d));

  return [goal, ...decisions, ...run.errors].join('\n');
}

/** The printed receipt: a PDF whose text has the order and its total, without the site's menu. */
async function expectPrintedReceipt(run: PlannerRun, why: string): Promise<void> {
  expect(
    run.files.map((f) => f.filename),
    why,
  ).toEqual(['ORD-48213-receipt.pdf']);
  const record = await harness.runs.get(run.runId);
  const bytes = (await harness.artifacts.getBytes(record!.files[0].key))!;
  const { text } = await pdfText(bytes);
  expect(text, why).toContain('ORD-48213');
  expect(text, why).toContain('Total: $123.45');
}

async function expectTask(task: Omit<PlannerTask, 'phrasings'>, site: CaseSite, goal: string) {
  const run = await runPlanner(harness, createCodePlanner(), { goal, url: site.startUrl });
  const why = trace(goal, run);

  expect(run.final.kind, why).toBe('done');
  if (task.printed) await expectPrintedReceipt(run, why);
  else expectExactFiles(run.files, site.expected);
  expect(run.steps, why).toBeLessThanOrEqual(task.minSteps + 1);
}

describe('code planner on the case sites', () => {
  for (const task of CASE_TASKS) {
    it(`${task.id}: meets its own goal and 4 other phrasings within ${task.minSteps + 1} steps`, {
      timeout: 240_000,
    }, async () => {
      const site = await task.start();
      try {
        for (const goal of [site.goal, ...task.phrasings]) await expectTask(task, site, goal);
      } finally {
        await site.close();
      }
    });
  }

  for (const task of VARIANT_TASKS) {
    it(`${task.id}: meets the case goal within ${task.minSteps + 1} steps`, {
      timeout: 120_000,
    }, async () => {
      const site = await task.start();
      try {
        await expectTask(task, site, site.goal);
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
