import { z } from 'zod';
import type { RunStore } from '../runs/run-store.ts';
import { ExecutionInputSchema } from './payloads.ts';

/** How an execution ended without reaching Finalize. */
export type AbandonedEnd = 'timed_out' | 'failed';

/**
 * Gives a terminal status to a run whose execution ended without Finalize: the execution's own
 * time limit (the backstop past RUN_TIMEOUT_S), a failure of Finalize itself, or an operator's
 * StopExecution. Returns true when the run was still open and has now ended.
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
      : 'The run stopped before its end could be recorded; start it again.';
  const ended = await store.finish(runId, end, { failure_reason: failureReason });

  return ended !== null;
}

/** The EventBridge event Step Functions sends when an execution changes status. */
export const ExecutionStatusChangeSchema = z.object({
  source: z.literal('aws.states'),
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: z.object({ status: z.string(), input: z.string().nullable().optional() }),
});

/**
 * The run an execution status change is about, and how it ended, when it is a run's loop that
 * ended without Finalize; null for any other change.
 */
export function abandonedRunOf(
  event: z.infer<typeof ExecutionStatusChangeSchema>,
): { runId: string; end: AbandonedEnd } | null {
  const { status, input } = event.detail;
  if (!['TIMED_OUT', 'FAILED', 'ABORTED'].includes(status) || !input) return null;
  const parsed = ExecutionInputSchema.safeParse(JSON.parse(input));
  if (!parsed.success || parsed.data.stage !== 'run') return null;

  return { runId: parsed.data.run_id, end: status === 'TIMED_OUT' ? 'timed_out' : 'failed' };
}
