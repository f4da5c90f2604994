import { stepRecord } from '../../../lib/agent/outcomes.ts';
import type { Decision, Planner, StepRecord } from '../../../lib/agent/planner.ts';
import type { ActionResult } from '../../../lib/browser/types.ts';
import type { StoredFile } from '../../../lib/contracts/run.ts';
import type { BrowserHarness, FetchedFile } from '../../support/browser-harness.ts';

/** The outcome of driving a planner with a real browser session to its last decision. */
export interface PlannerRun {
  runId: string;
  final: Decision;
  /** Decisions that acted on the page: the page interactions the run used. */
  steps: number;
  decisions: Decision[];
  history: StepRecord[];
  /** The run's files as stored in the bucket (names and SHA-256 of the stored bytes). */
  files: FetchedFile[];
  errors: string[];
}

export interface PlannerRunOptions {
  goal: string;
  url: string;
  maxSteps?: number;
  downloadTimeoutS?: number;
  oneTimeCode?: () => Promise<string | null>;
}

/**
 * Observe → decide → act with the product's browser session and its step records, without the
 * run store and checkpoints of the full step loop (which the workflow tests cover).
 */
export async function runPlanner(
  harness: BrowserHarness,
  planner: Planner,
  options: PlannerRunOptions,
): Promise<PlannerRun> {
  const { runId, session } = await harness.open({
    startUrl: options.url,
    downloadTimeoutS: options.downloadTimeoutS ?? 15,
  });
  const files: StoredFile[] = [];
  const history: StepRecord[] = [];
  const decisions: Decision[] = [];
  const errors: string[] = [];
  const keep = (result: ActionResult) => {
    errors.push(...result.errors.map((e) => e.message));
    const stored = result.files.flatMap((f) => (f.stored && !f.duplicate ? [f.stored] : []));
    files.push(...stored);
    return stored.map((f) => f.filename);
  };
  try {
    keep(await session.open(options.url));
    const maxSteps = options.maxSteps ?? 12;
    for (let step = 1; ; step++) {
      const observation = await session.observe();
      const decision = await planner.decide({
        goal: options.goal,
        observation,
        history,
        files,
        oneTimeCode: options.oneTimeCode,
      });
      decisions.push(decision);
      if (decision.kind !== 'act' || step > maxSteps) {
        if (decision.kind === 'done') keep(await session.settle(30_000));
        const fetched = await harness.files(runId);
        const steps = step - 1;

        return { runId, final: decision, steps, decisions, history, files: fetched, errors };
      }
      for (const action of decision.actions) {
        const result = await session.act(action, 60_000);
        history.push(stepRecord(step, action, observation, result, keep(result)));
        if (!result.ok) break;
      }
    }
  } finally {
    await session.close();
  }
}
