import { SFNClient } from '@aws-sdk/client-sfn';
import { loadConfig } from '../../lib/config.ts';
import type { Logger } from '../../lib/log.ts';
import { type FinalizeDeps, finalizeRun } from '../../lib/workflow/finalize.ts';
import { FinalizeEventSchema, type Finished } from '../../lib/workflow/payloads.ts';
import { createWorkflowServices } from '../../lib/workflow/services.ts';
import { SfnRunStarter } from '../../lib/workflow/sfn-starter.ts';
import type { WorkflowStarter } from '../../lib/workflow/starter.ts';
import {
  abandonedRunOf,
  ExecutionStatusChangeSchema,
  endAbandonedRun,
} from '../../lib/workflow/sweep.ts';

export interface FinalizeHandlerDeps extends FinalizeDeps {
  logger: Logger;
  runTimeoutS: number;
  /** Starts the `finish` stage for a run whose execution ended without Finalize. */
  starter?: Pick<WorkflowStarter, 'stop'>;
}

/**
 * The Finalize state: the run's terminal status, exactly once, and its notification target.
 * Also receives Step Functions' execution status changes, so a run whose execution timed out or
 * failed before Finalize still ends and is announced.
 */
export function createHandler(deps: FinalizeHandlerDeps) {
  return async (event: unknown): Promise<Finished | { swept: boolean }> => {
    const change = ExecutionStatusChangeSchema.safeParse(event);
    if (change.success) return sweep(deps, abandonedRunOf(change.data));
    const { run_id, error } = FinalizeEventSchema.parse(event);

    return finalizeRun(deps, run_id, error);
  };
}

async function sweep(
  deps: FinalizeHandlerDeps,
  abandoned: ReturnType<typeof abandonedRunOf>,
): Promise<{ swept: boolean }> {
  if (!abandoned) return { swept: false };
  const ended = await endAbandonedRun(deps.store, abandoned.runId, abandoned.end, deps.runTimeoutS);
  const run = ended ? await deps.store.get(abandoned.runId) : null;
  if (run) await deps.starter?.stop(run, `execution ${abandoned.end}`);
  deps.logger.warn('run ended without finalize', { run_id: abandoned.runId, swept: ended });

  return { swept: ended };
}

let real: ReturnType<typeof createHandler> | undefined;

export const handler = (event: unknown): Promise<unknown> => {
  if (!real) {
    const services = createWorkflowServices(loadConfig(), 'finalize');
    const starter = services.config.STATE_MACHINE_ARN
      ? new SfnRunStarter({
          sfn: new SFNClient({ region: services.config.AWS_REGION }),
          stateMachineArn: services.config.STATE_MACHINE_ARN,
          store: services.store,
          logger: services.logger,
        })
      : undefined;
    real = createHandler({ ...services, runTimeoutS: services.config.RUN_TIMEOUT_S, starter });
  }

  return real(event);
};
