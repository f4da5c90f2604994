import { loadConfig } from '../../lib/config.ts';
import { type FinalizeDeps, finalizeRun } from '../../lib/workflow/finalize.ts';
import { FinalizeEventSchema, type Finished } from '../../lib/workflow/payloads.ts';
import { createWorkflowServices } from '../../lib/workflow/services.ts';

/** The Finalize state: the run's terminal status, exactly once, and its notification target. */
export function createHandler(deps: FinalizeDeps) {
  return async (event: unknown): Promise<Finished> => {
    const { run_id, error } = FinalizeEventSchema.parse(event);

    return finalizeRun(deps, run_id, error);
  };
}

let real: ReturnType<typeof createHandler> | undefined;

export const handler = (event: unknown): Promise<Finished> => {
  real ??= createHandler(createWorkflowServices(loadConfig(), 'finalize'));

  return real(event);
};
