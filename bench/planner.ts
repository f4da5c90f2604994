import { createCodePlanner } from '../lib/agent/code-planner.ts';
import { runPlanner } from '../test/agent/support/session-runner.ts';
import { CASE_TASKS, expectedSha256 } from '../test/fixtures/planner-cases/cases.ts';
import { startCaseSite } from '../test/fixtures/planner-cases/server.ts';
import { PORTAL_SHA256 } from '../test/fixtures/portal/invoices.ts';
import { startPortal } from '../test/fixtures/portal/server.ts';
import { PORTAL_TASKS } from '../test/fixtures/portal/tasks.ts';
import { startBrowserHarness } from '../test/support/browser-harness.ts';
import type { Bench, BenchRow } from './report.ts';

/**
 * Steps the code planner uses on each case page and portal task (with the product's browser
 * session), beside the minimum number of page interactions the task needs. Target: at most one
 * step more than the minimum, with the right outcome and exactly the right files.
 */
function row(name: string, steps: number, minimum: number, correct: boolean): BenchRow {
  return {
    name: correct ? name : `${name} (wrong outcome or files)`,
    value: steps,
    unit: 'steps',
    baseline: minimum,
    baselineLabel: 'minimum',
    target: `<= ${minimum + 1} steps`,
    pass: correct && steps <= minimum + 1,
  };
}

const sameSet = (a: string[], b: string[]) =>
  JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

const bench: Bench = {
  name: 'planner steps (code planner, real browser session)',
  async run() {
    const harness = await startBrowserHarness();
    const site = await startCaseSite();
    const portal = await startPortal();
    const rows: BenchRow[] = [];
    try {
      for (const task of CASE_TASKS) {
        const run = await runPlanner(harness, createCodePlanner(), {
          goal: task.goals[0],
          url: `${site.url}${task.start}`,
        });
        const stored = run.files.filter((f) => !task.printed?.includes(f.filename));
        const printed = (task.printed ?? []).every((n) => run.files.some((f) => f.filename === n));
        const files = sameSet(
          stored.map((f) => f.sha256),
          task.files.map(expectedSha256),
        );
        rows.push(
          row(task.id, run.steps, task.minSteps, run.final.kind === 'done' && files && printed),
        );
      }
      for (const task of PORTAL_TASKS) {
        const run = await runPlanner(harness, createCodePlanner(), {
          goal: task.goal,
          url: portal.url,
        });
        const expected = task.invoices.map((id) => PORTAL_SHA256[`invoice-${id}.pdf`]);
        const files = sameSet(
          run.files.map((f) => f.sha256),
          expected,
        );
        rows.push(row(task.id, run.steps, task.minSteps, run.final.kind === task.outcome && files));
      }
    } finally {
      await portal.close();
      await site.close();
      await harness.close();
    }

    return rows;
  },
};

export default bench;
