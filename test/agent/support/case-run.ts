import { expect } from 'vitest';
import { createCodePlanner } from '../../../lib/agent/code-planner.ts';
import type { CaseSite } from '../../fixtures/cases/case-site.ts';
import type { BrowserHarness } from '../../support/browser-harness.ts';
import { expectExactFiles } from '../../support/case-assertions.ts';
import { pdfText } from '../../support/pdf-text.ts';
import type { PlannerTask } from '../case-tasks.ts';
import { type PlannerRun, runPlanner } from './session-runner.ts';

function trace(goal: string, run: PlannerRun): string {
  const decisions = run.decisions.map((d) => JSON.stringify(d));

  return [goal, ...decisions, ...run.errors].join('\n');
}

/** The printed receipt: a PDF whose text has the order and its total. */
async function expectPrintedReceipt(harness: BrowserHarness, run: PlannerRun, why: string) {
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

/** Runs the code planner on a case site with a goal; the run meets the case, within min + 1. */
export async function expectTask(
  harness: BrowserHarness,
  task: Omit<PlannerTask, 'phrasings'>,
  site: CaseSite,
  goal: string,
): Promise<void> {
  const run = await runPlanner(harness, createCodePlanner(), { goal, url: site.startUrl });
  const why = trace(goal, run);

  expect(run.final.kind, why).toBe('done');
  if (task.printed) await expectPrintedReceipt(harness, run, why);
  else expectExactFiles(run.files, site.expected);
  expect(run.steps, why).toBeLessThanOrEqual(task.minSteps + 1);
}
