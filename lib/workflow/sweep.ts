import type { RunStore } from '../runs/run-store.ts';

/** How an execution ended without reaching Finalize. */
export type AbandonedEnd = 'timed_out' | 'failed';

/**
 * Gives a terminal status to a run whose execution ended without Finalize: the execution's own
 * time limit (the backstop past RUN_TIMEOUT_S) or a failure of Finalize itself. Returns true
 * when the run was still open and has now ended.
 */
export async function endAbandonedRun(
  store: RunStore,
  runId: string,
  end: AbandonedEnd,
  runTimeoutS: number,
): Promise<boolean> {
  const failureReason =
    end === 'timed_out'
      ? `The run exceeded its time limit of ${runTimeoutS} s and was stopped.`
      : 'The run could not be completed because its end could not be recorded; start it again.';
  const ended = await store.finish(runId, end, { failure_reason: failureReason });

  return ended !== null;
}
