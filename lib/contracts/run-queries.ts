import { z } from 'zod';
import { HttpUrlSchema } from './request.ts';
import { RunStatusSchema } from './run.ts';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** The query of `GET /v1/runs`; other query parameters are ignored. */
export const ListRunsQuerySchema = z.object({
  status: RunStatusSchema.optional(),
  page_size: z
    .string()
    .regex(/^\d{1,3}$/, 'Input should be a valid integer')
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_PAGE_SIZE))
    .optional(),
  cursor: z.string().min(1).max(1024).optional(),
});

/** The optional body of `POST /v1/runs/{run_id}/retry_webhook`. */
export const RetryWebhookSchema = z.strictObject({
  webhook_url: HttpUrlSchema.nullable().optional(),
});
