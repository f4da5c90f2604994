import { z } from 'zod';
import { RunRequestSchema } from './request.ts';

export const RUN_STATUSES = [
  'created',
  'queued',
  'running',
  'completed',
  'failed',
  'terminated',
  'timed_out',
  'canceled',
] as const;

export const RunStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatusSchema>;

export const TERMINAL_STATUSES: readonly RunStatus[] = [
  'completed',
  'failed',
  'terminated',
  'timed_out',
  'canceled',
];

export function isTerminal(status: RunStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export const RUN_ID_PATTERN = /^tsk_[0-9A-HJKMNP-TV-Z]{26}$/;

export const DownloadedFileSchema = z.strictObject({
  url: z.string(),
  checksum: z.string().regex(/^[0-9a-f]{64}$/),
  filename: z.string(),
  file_size: z.number().int().min(0),
  modified_at: z.string(),
});

export const RunErrorSchema = z.strictObject({
  code: z.string(),
  message: z.string(),
  step: z.number().int().nullable(),
});
export type RunError = z.infer<typeof RunErrorSchema>;

export const RunOutputSchema = z.strictObject({
  downloaded_file_count: z.number().int(),
  final_url: z.string().nullable(),
  final_title: z.string().nullable(),
  summary: z.string(),
});
export type RunOutput = z.infer<typeof RunOutputSchema>;

const timestamp = z.string().nullable();

/** The run as the API shows it (section 3 of the contract). */
export const RunSchema = z.strictObject({
  run_id: z.string().regex(RUN_ID_PATTERN),
  status: RunStatusSchema,
  created_at: z.string(),
  modified_at: z.string(),
  queued_at: timestamp,
  started_at: timestamp,
  finished_at: timestamp,
  run_type: z.literal('workflow_run'),
  output: RunOutputSchema.nullable(),
  downloaded_files: z.array(DownloadedFileSchema),
  recording_url: z.string().nullable(),
  screenshot_urls: z.array(z.string()),
  failure_reason: z.string().nullable(),
  webhook_failure_reason: z.string().nullable(),
  errors: z.array(RunErrorSchema),
  app_url: z.string().nullable(),
  browser_session_id: z.string().nullable(),
  browser_profile_id: z.string().nullable(),
  max_screenshot_scrolls: z.number().int(),
  script_run: z.strictObject({ ai_fallback_triggered: z.boolean() }).nullable(),
  step_count: z.number().int(),
  run_with: z.enum(['code', 'agent']),
  ai_fallback: z.boolean(),
  run_request: RunRequestSchema,
});
export type Run = z.infer<typeof RunSchema>;

export const RunListSchema = z.strictObject({
  runs: z.array(RunSchema),
  next_cursor: z.string().nullable(),
});

/** A file as recorded on the run; its signed URL is minted at every read. */
export const StoredFileSchema = z.strictObject({
  key: z.string(),
  checksum: z.string().regex(/^[0-9a-f]{64}$/),
  filename: z.string(),
  file_size: z.number().int().min(0),
  modified_at: z.string(),
  source_url: z.string().nullable(),
});
export type StoredFile = z.infer<typeof StoredFileSchema>;
