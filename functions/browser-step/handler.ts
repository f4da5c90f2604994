import type { Context } from 'aws-lambda';
import { type BrowserStepDeps, runBrowserStep } from '../../lib/workflow/browser-step.ts';
import { RunEventSchema, type StepResult } from '../../lib/workflow/payloads.ts';

/**
 * The BrowserStep state: runs steps of the run until its budget is spent or the run ends, then
 * checkpoints. In Lambda the budget comes from the invocation's remaining time.
 */
export function createHandler(deps: BrowserStepDeps) {
  return async (event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) => {
    const { run_id } = RunEventSchema.parse(event);
    const result: StepResult = await runBrowserStep(
      deps,
      run_id,
      context?.getRemainingTimeInMillis(),
    );

    return result;
  };
}
