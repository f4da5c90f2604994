import type { Logger } from '@aws-lambda-powertools/logger';
import { isTerminal, type RunOutput } from '../contracts/run.ts';
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

/** What the caller reads of a run cancelled through the API before it finished. */
export const CANCELED_SUMMARY = 'Cancelled through the API before it finished.';

/**
 * The output a cancel writes with the terminal status (a terminal run always has one). The
 * finalize step later fills in the page the browser was on, which only the run's work knows.
 */
export function canceledOutput(run: RunRecord): RunOutput {
  return {
    downloaded_file_count: run.files.length,
    final_url: null,
    final_title: null,
    summary: CANCELED_SUMMARY,
  };
}

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

  const canceled = await deps.store.finish(runId, 'canceled', {
    output: canceledOutput(current),
  });
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
