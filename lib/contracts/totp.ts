import { z } from 'zod';

/** The body of `POST /v1/credentials/totp`. `content` is the code itself or a message holding it. */
export const TotpPushSchema = z.strictObject({
  totp_identifier: z.string().min(1).max(256),
  content: z.string().min(1).max(10_000),
});

/** The answer to a push: the code is a secret and is never echoed. */
export const PushedCodeSchema = z.strictObject({
  totp_identifier: z.string(),
  code_id: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
});
