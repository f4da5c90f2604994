import { randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/** A new run id: `tsk_` and a ULID, so ids sort by creation time. */
export function newRunId(now = Date.now()): string {
  return `tsk_${nextUlid(now)}`;
}

/** A new browser profile id: `bp_` and a ULID, so an owner's profiles sort by creation time. */
export function newProfileId(now = Date.now()): string {
  return `bp_${nextUlid(now)}`;
}

/** A new browser session id: `pbs_` and a ULID. */
export function newSessionId(now = Date.now()): string {
  return `pbs_${nextUlid(now)}`;
}

/** A new API key: a recognisable prefix and 32 random bytes. */
export function newApiKey(): string {
  return `rtv_${randomBytes(32).toString('base64url')}`;
}
