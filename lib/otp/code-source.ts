import { z } from 'zod';
import type { Logger } from '../log.ts';
import type { AddressPolicy } from '../net/address-policy.ts';
import { safeFetch } from '../net/safe-fetch.ts';
import type { Signer } from '../notify/webhook.ts';
import type { RunRecord } from '../runs/run-record.ts';
import type { CodeStore } from './code-store.ts';

/** How long a run keeps asking its totp_url (section 6 of the contract). */
export const TOTP_URL_POLL_LIMIT_MS = 15 * 60_000;
const TOTP_URL_TIMEOUT_MS = 10_000;

const CodeAnswerSchema = z.object({ verification_code: z.string().max(64) });

export interface CodeSourceDeps {
  codes: Pick<CodeStore, 'take'>;
  /** Network rules for the totp_url. */
  policy: AddressPolicy;
  /** Signs the totp_url request like a webhook. */
  sign: Signer;
  clock: () => number;
  logger: Logger;
}

/** One signed POST to the run's totp_url: a code, or null for "not yet" and for any failure. */
async function askTotpUrl(deps: CodeSourceDeps, run: RunRecord, url: string) {
  const body = JSON.stringify({
    run_id: run.run_id,
    totp_identifier: run.request.totp_identifier,
  });
  try {
    const response = await safeFetch(url, {
      policy: deps.policy,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...deps.sign(body) },
      body,
      timeoutMs: TOTP_URL_TIMEOUT_MS,
      maxRedirects: 0,
    });
    if (response.status !== 200) {
      deps.logger.warn('totp_url answered without a code', { status: response.status });
      return null;
    }
    const answer = CodeAnswerSchema.parse(JSON.parse(response.body.toString('utf8')));
    return answer.verification_code.trim() || null;
  } catch (error) {
    deps.logger.warn('totp_url could not be asked', { error_name: (error as Error).name });
    return null;
  }
}

/**
 * The one-time code source of a run, in the contract's order: its totp_url (asked at each call,
 * for up to 15 minutes from the first), then codes pushed for its totp_identifier (the newest
 * unused one, taken once). Each call asks once and answers null when no code is there yet; the
 * planner waits and asks again. Undefined when the run has no code source.
 */
// Limitation: TOTP secrets stored for an identifier (the contract's third source) are not read,
// because the service has no store of TOTP secrets yet; adding one and generating the current
// code with otpauth here lifts it.
export function createCodeSource(
  deps: CodeSourceDeps,
  run: RunRecord,
): (() => Promise<string | null>) | undefined {
  const { totp_url: url, totp_identifier: identifier } = run.request;
  if (!url && !identifier) return undefined;
  let firstAsked: number | null = null;

  return async () => {
    const now = deps.clock();
    firstAsked ??= now;
    if (url && now - firstAsked <= TOTP_URL_POLL_LIMIT_MS) {
      const code = await askTotpUrl(deps, run, url);
      if (code) return code;
    }

    return identifier ? deps.codes.take(run.owner, identifier) : null;
  };
}
