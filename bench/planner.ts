import { createCodePlanner } from '../lib/agent/code-planner.ts';
import { CASE_TASKS, type PlannerTask, VARIANT_TASKS } from '../test/agent/case-tasks.ts';
import { type PlannerRun, runPlanner } from '../test/agent/support/session-runner.ts';
import type { CaseSite } from '../test/fixtures/cases/case-site.ts';
import { PORTAL_SHA256 } from '../test/fixtures/portal/invoices.ts';
import { startPortal } from '../test/fixtures/portal/server.ts';
import { PORTAL_TASKS } from '../test/fixtures/portal/tasks.ts';
import { type BrowserHarness, startBrowserHarness } from '../test/support/browser-harness.ts';
import type { Bench, BenchRow } from './report.ts';

/**
 * Steps the code planner uses on each case site and portal task (with the product's browser
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

const key = (files: { name?: string; filename?: string; sha256: string }[]) =>
  files
    .map((f) => `${(f.name ?? f.filename ?? '').normalize('NFC')}:${f.sha256}`)
    .sort()
    .join('|');

function correctFiles(run: PlannerRun, site: CaseSite, printed: boolean): boolean {
  if (printed) return run.files.length === 1 && run.files[0].filename.endsWith('.pdf');

  return key(run.files) === key(site.expected);
}

async function caseRow(harness: BrowserHarness, task: Omit<PlannerTask, 'phrasings'>) {
  const site = await task.start();
  try {
    const run = await runPlanner(harness, createCodePlanner(), {
      goal: site.goal,
      url: site.startUrl,
    });
    const correct = run.final.kind === 'done' && correctFiles(run, site, task.printed === true);

    return row(task.id, run.steps, task.minSteps, correct);
  } finally {
    await site.close();
  }
}

const bench: Bench = {
  name: 'planner steps (code planner, real browser session)',
  async run() {
    const harness = await startBrowserHarness();
    const portal = await startPortal();
    const rows: BenchRow[] = [];
    try {
      for (const task of [...CASE_TASKS, ...VARIANT_TASKS]) rows.push(await caseRow(harness, task));
      for (const task of PORTAL_TASKS) {
        const run = await runPlanner(harness, createCodePlanner(), {
          goal: task.goal,
          url: portal.url,
        });
        const expected = task.invoices.map((id) => ({
          sha256: PORTAL_SHA256[`invoice-${id}.pdf`],
          name: `invoice-${id}.pdf`,
        }));
        const correct = run.final.kind === task.outcome && key(run.files) === key(expected);
        rows.push(row(task.id, run.steps, task.minSteps, correct));
      }
    } finally {
      await portal.close();
      await harness.close();
    }

    return rows;
  },
};

export default bench;
