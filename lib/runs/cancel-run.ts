import type { Logger } from '@aws-lambda-powertools/logger';
import { isTerminal } from '../contracts/run.ts';
import { ConflictError, describeError } from '../errors.ts';
import { getOwnedRun } from './get-run.ts';
import type { RunRecord } from './run-record.ts';
import type { RunStarter } from './run-starter.ts';
import type { RunStore } from './run-store.ts';

export interface CancelRunDeps {
  store: RunStore;
  starter: RunStarter;
  logger: Logger;
}

const CANCEL_REASON = 'Canceled through the API';

function alreadyEnded(run: RunRecord): ConflictError {
  return new ConflictError(`Run ${run.run_id} has already ended with status ${run.status}`);
}

/**
 * Cancels a run that has not ended. The status change is a conditional write, so a cancel that
 * races the run's own end either wins or answers 409; it never overwrites a terminal status.
 */
export async function cancelRun(
  owner: string,
  runId: string,
  deps: CancelRunDeps,
): Promise<RunRecord> {
  const current = await getOwnedRun(deps.store, owner, runId);
  if (isTerminal(current.status)) throw alreadyEnded(current);

  const canceled = await deps.store.finish(runId, 'canceled');
  if (!canceled) {
    const ended = await getOwnedRun(deps.store, owner, runId);
    throw alreadyEnded(ended);
  }
  try {
    await deps.starter.stop(canceled, CANCEL_REASON);
  } catch (error) {
    // The run is canceled either way: its work re-reads the status between steps and stops.
    deps.logger.warn('Stopping the canceled run failed', {
      run_id: runId,
      error: describeError(error),
    });
  }

  return canceled;
}
