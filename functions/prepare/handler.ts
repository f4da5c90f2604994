import { loadConfig } from '../../lib/config.ts';
import { RunEventSchema, type StepResult } from '../../lib/workflow/payloads.ts';
import { type PrepareDeps, prepareRun } from '../../lib/workflow/prepare.ts';
import { createWorkflowServices } from '../../lib/workflow/services.ts';

/** The Prepare state: readies a queued run for its first browser step. */
export function createHandler(deps: PrepareDeps) {
  return async (event: unknown): Promise<StepResult> => {
    const { run_id } = RunEventSchema.parse(event);

    return prepareRun(deps, run_id);
  };
}

let real: ReturnType<typeof createHandler> | undefined;

export const handler = (event: unknown): Promise<StepResult> => {
  if (!real) {
    const services = createWorkflowServices(loadConfig(), 'prepare');
    real = createHandler({
      ...services,
      clock: Date.now,
      runTimeoutS: services.config.RUN_TIMEOUT_S,
    });
  }

  return real(event);
};
