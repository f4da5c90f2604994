import type { Context } from 'aws-lambda';
import { createCodePlanner } from '../../lib/agent/code-planner.ts';
import { loadConfig } from '../../lib/config.ts';
import { createAddressPolicyFromConfig } from '../../lib/net/address-policy.ts';
import { createSessionOpener } from '../../lib/workflow/browser-sessions.ts';
import { type BrowserStepDeps, runBrowserStep } from '../../lib/workflow/browser-step.ts';
import { RunEventSchema, type StepResult } from '../../lib/workflow/payloads.ts';
import { createWorkflowServices } from '../../lib/workflow/services.ts';

/**
 * The BrowserStep state: runs steps of the run until its budget is spent or the run ends, then
 * checkpoints. In Lambda the budget comes from the invocation's remaining time.
 */
export function createHandler(deps: BrowserStepDeps) {
  return async (
    event: unknown,
    context?: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<StepResult> => {
    const { run_id } = RunEventSchema.parse(event);

    return runBrowserStep(deps, run_id, context?.getRemainingTimeInMillis());
  };
}

/** The handler's dependencies from the deployment's configuration. */
export function createDeployedDeps(): BrowserStepDeps {
  const services = createWorkflowServices(loadConfig(), 'browser-step');
  const policy = createAddressPolicyFromConfig(services.config, services.logger);

  return {
    ...services,
    openSession: createSessionOpener({ ...services, policy }),
    // Limitation: every run is planned by the code planner, because no model planner is
    // configured in this build; run_with "agent" needs one wired here.
    createPlanner: () => createCodePlanner(),
    clock: Date.now,
  };
}

let real: ReturnType<typeof createHandler> | undefined;

export const handler = (
  event: unknown,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<StepResult> => {
  real ??= createHandler(createDeployedDeps());

  return real(event, context);
};
