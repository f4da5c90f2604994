import { z } from 'zod';

/** Profile ids: `bp_` and a ULID (what this service issues). */
export const PROFILE_ID_PATTERN = /^bp_[0-9A-HJKMNP-TV-Z]{26}$/;

/** The body of `POST /v1/browser_profiles`: save the browser state a finished run left. */
export const CreateProfileSchema = z.strictObject({
  // a pattern rather than a check in code, so the OpenAPI document states it too
  name: z
    .string()
    .max(200)
    .regex(/\S/, 'String should have at least 1 character that is not a space'),
  run_id: z.string().max(64),
  description: z.string().max(2000).nullable().optional(),
});
export type CreateProfileInput = z.infer<typeof CreateProfileSchema>;

/** A saved profile as the API shows it. Its cookies and storage are never shown. */
export const ProfileSchema = z.object({
  browser_profile_id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  /** The finished run whose browser state was saved. */
  source_run_id: z.string(),
  created_at: z.string(),
  /** How much state was saved: counts only, never names or values. */
  cookie_count: z.number().int(),
  origin_count: z.number().int(),
});
export type Profile = z.infer<typeof ProfileSchema>;

export const ProfileListSchema = z.object({ browser_profiles: z.array(ProfileSchema) });
