import type { Context } from 'aws-lambda';
import { createCodePlanner } from '../../lib/agent/code-planner.ts';
import { createAwsClients } from '../../lib/aws.ts';
import { loadConfig } from '../../lib/config.ts';
import { createAddressPolicyFromConfig } from '../../lib/net/address-policy.ts';
import { createSigner, type Signer } from '../../lib/notify/webhook.ts';
import { createCodeSource } from '../../lib/otp/code-source.ts';
import { DynamoCodeStore } from '../../lib/otp/code-store.ts';
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
  const { config, logger } = services;
  const policy = createAddressPolicyFromConfig(config, logger);
  const codes = new DynamoCodeStore(createAwsClients(config).dynamodb, config.CODES_TABLE);
  const sign = signerOrNone(config.WEBHOOK_SECRET);

  return {
    ...services,
    openSession: createSessionOpener({ ...services, policy }),
    oneTimeCodes: (run) => createCodeSource({ codes, policy, sign, clock: Date.now, logger }, run),
    // Limitation: every run is planned by the code planner, because no model planner is
    // configured in this build; run_with "agent" needs one wired here.
    createPlanner: () => createCodePlanner(),
    clock: Date.now,
  };
}

/** The signer of totp_url requests; without a secret those requests are not made. */
function signerOrNone(secret: string): Signer {
  if (secret) return createSigner(secret);

  return () => {
    throw new Error('WEBHOOK_SECRET is not set, so totp_url requests cannot be signed');
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
