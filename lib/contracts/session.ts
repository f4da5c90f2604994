import { z } from 'zod';

/** Session ids: `pbs_` and a ULID (what this service issues). */
export const SESSION_ID_PATTERN = /^pbs_[0-9A-HJKMNP-TV-Z]{26}$/;
export const DEFAULT_SESSION_TIMEOUT_MIN = 60;

/** The body of `POST /v1/browser_sessions`; an empty body takes the defaults. */
export const CreateSessionSchema = z.strictObject({
  /** Minutes the session accepts runs for, from its creation. */
  timeout: z.number().int().min(5).max(240).nullable().optional(),
});
export type CreateSessionInput = z.infer<typeof CreateSessionSchema>;

export const SESSION_STATUSES = ['active', 'closed', 'expired'] as const;

/** A browser session as the API shows it. Its cookies and storage are never shown. */
export const SessionSchema = z.object({
  browser_session_id: z.string(),
  /** `active` accepts runs; `closed` was closed by its owner; `expired` ran past its timeout. */
  status: z.enum(SESSION_STATUSES),
  timeout: z.number().int().min(5).max(240),
  created_at: z.string(),
  /** When the session stops accepting runs (creation + timeout). */
  expires_at: z.string(),
  closed_at: z.string().nullable(),
  /** The run using the session now, if any: runs in one session never overlap. */
  active_run_id: z.string().nullable(),
  /** The run whose browser state and page the next run starts from. */
  last_run_id: z.string().nullable(),
  run_count: z.number().int(),
});
export type Session = z.infer<typeof SessionSchema>;

export const SessionListSchema = z.object({ browser_sessions: z.array(SessionSchema) });
