import { z } from 'zod';
import { RunSchema } from '../contracts/run.ts';

/** An error caught by a Catch: its name and, for Lambda errors, a JSON cause. */
export const StateErrorSchema = z.object({ Error: z.string(), Cause: z.string().optional() });
export type StateError = z.infer<typeof StateErrorSchema>;

export const WebhookTargetSchema = z.strictObject({ url: z.string(), delivery_id: z.string() });
export type WebhookTarget = z.infer<typeof WebhookTargetSchema>;

/** What Finalize hands to the notification states. */
export const FinishedSchema = z.strictObject({
  run: RunSchema.nullable(),
  webhook: WebhookTargetSchema.nullable(),
});
export type Finished = z.infer<typeof FinishedSchema>;

/**
 * The input of an execution. `run` goes through the whole loop; `finish` only writes the end of a
 * run whose loop is gone (a cancel after a restart, a backstop timeout) and notifies; `webhook`
 * only delivers the webhook again (retry_webhook).
 */
export const ExecutionInputSchema = z.strictObject({
  run_id: z.string(),
  stage: z.enum(['run', 'finish', 'webhook']),
  error: StateErrorSchema.nullable(),
  finished: FinishedSchema.nullable(),
});
export type ExecutionInput = z.infer<typeof ExecutionInputSchema>;

export const RunEventSchema = z.strictObject({ run_id: z.string() });

/** The result of Prepare and of each BrowserStep invocation. */
export const StepResultSchema = z.strictObject({ done: z.boolean(), step_count: z.number().int() });
export type StepResult = z.infer<typeof StepResultSchema>;

export const FinalizeEventSchema = z.strictObject({
  run_id: z.string(),
  error: StateErrorSchema.nullable(),
});

export const WebhookEventSchema = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('deliver'),
    run_id: z.string(),
    webhook: WebhookTargetSchema,
  }),
  z.strictObject({
    action: z.literal('record_failure'),
    run_id: z.string(),
    error: StateErrorSchema,
  }),
]);
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

/** The input of an execution for a run, at a stage. */
export function executionInput(
  runId: string,
  stage: ExecutionInput['stage'],
  finished: Finished | null = null,
): ExecutionInput {
  return { run_id: runId, stage, error: null, finished };
}

/**
 * The message of a caught error. Lambda wraps a function's error as a JSON cause with
 * `errorMessage`; other errors carry the message itself.
 */
export function messageOf(error: StateError): string {
  const cause = error.Cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed?.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // Not JSON: the cause is the message itself.
  }

  return cause || error.Error;
}
