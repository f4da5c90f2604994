import { z } from 'zod';
import { RunRequestSchema } from '../contracts/request.ts';
import {
  RunErrorSchema,
  RunOutputSchema,
  RunStatusSchema,
  StoredFileSchema,
} from '../contracts/run.ts';

/** A run as the run store keeps it: the public fields plus what only the service needs. */
export const RunRecordSchema = z.strictObject({
  run_id: z.string(),
  owner: z.string(),
  status: RunStatusSchema,
  created_at: z.string(),
  modified_at: z.string(),
  queued_at: z.string().nullable(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  request: RunRequestSchema,
  files: z.array(StoredFileSchema),
  errors: z.array(RunErrorSchema),
  output: RunOutputSchema.nullable(),
  failure_reason: z.string().nullable(),
  webhook_failure_reason: z.string().nullable(),
  step_count: z.number().int(),
  screenshot_keys: z.array(z.string()),
  recording_key: z.string().nullable(),
  run_with: z.enum(['code', 'agent']),
  ai_fallback: z.boolean(),
  ai_fallback_triggered: z.boolean().nullable(),
  bytes_stored: z.number().int(),
  execution_arn: z.string().nullable(),
  expires_at: z.number().int().nullable(),
});

export type RunRecord = z.infer<typeof RunRecordSchema>;

/** Fields a caller may change on an existing run (status changes go through transitions). */
export type RunPatch = Partial<
  Pick<
    RunRecord,
    | 'output'
    | 'failure_reason'
    | 'webhook_failure_reason'
    | 'step_count'
    | 'screenshot_keys'
    | 'recording_key'
    | 'ai_fallback_triggered'
    | 'execution_arn'
    | 'run_with'
  >
>;

/** The record of a new run, status `created`. */
export function newRunRecord(input: {
  runId: string;
  owner: string;
  request: RunRecord['request'];
  now: Date;
  aiFallback: boolean;
}): RunRecord {
  const at = input.now.toISOString();

  return {
    run_id: input.runId,
    owner: input.owner,
    status: 'created',
    created_at: at,
    modified_at: at,
    queued_at: null,
    started_at: null,
    finished_at: null,
    request: input.request,
    files: [],
    errors: [],
    output: null,
    failure_reason: null,
    webhook_failure_reason: null,
    step_count: 0,
    screenshot_keys: [],
    recording_key: null,
    run_with: 'code',
    ai_fallback: input.aiFallback,
    ai_fallback_triggered: null,
    bytes_stored: 0,
    execution_arn: null,
    expires_at: null,
  };
}
