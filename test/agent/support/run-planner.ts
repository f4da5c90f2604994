import type { Decision, Planner, StepRecord } from '../../../lib/agent/planner.ts';
import type { StoredFile } from '../../../lib/contracts/run.ts';
import type { ChromiumDriver } from './chromium-driver.ts';

/** The outcome of driving a planner to its last decision. */
export interface PlannerRun {
  final: Decision;
  /** Decisions that acted on the page (the run's steps). */
  steps: number;
  decisions: Decision[];
  history: StepRecord[];
  files: StoredFile[];
}

/**
 * A bare observe → decide → act loop for planner tests (the product's step loop adds checkpoints,
 * screenshots and limits around the same cycle).
 */
export async function runPlanner(
  planner: Planner,
  driver: ChromiumDriver,
  options: {
    goal: string;
    url: string;
    maxSteps?: number;
    oneTimeCode?: () => Promise<string | null>;
  },
): Promise<PlannerRun> {
  const history: StepRecord[] = [];
  const decisions: Decision[] = [];
  await driver.act({ kind: 'navigate', url: options.url, expectDownload: true });
  const maxSteps = options.maxSteps ?? 15;
  for (let step = 1; step <= maxSteps + 1; step++) {
    const observation = await driver.observe();
    const decision = await planner.decide({
      goal: options.goal,
      observation,
      history,
      files: driver.files,
      oneTimeCode: options.oneTimeCode,
    });
    decisions.push(decision);
    if (decision.kind !== 'act' || step > maxSteps) {
      return { final: decision, steps: step - 1, decisions, history, files: driver.files };
    }
    for (const action of decision.actions) {
      const element =
        'element' in action ? observation.elements.find((e) => e.id === action.element) : undefined;
      const result = await driver.act(action);
      history.push({
        step,
        url: observation.url,
        action,
        elementText: element ? element.text || element.name : null,
        elementHref: element?.href ?? null,
        ok: result.error === null,
        files: result.files.map((f) => f.filename),
        error: result.error,
        pendingDownloads: 0,
      });
      if (result.error) break;
    }
  }
  throw new Error('unreachable');
}
