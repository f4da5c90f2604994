import type { Logger } from '@aws-lambda-powertools/logger';
import type { TaskRequestInput } from '../contracts/request.ts';
import { normalizeStartUrl, type RunRequest, withDefaults } from '../contracts/request.ts';
import { BadRequestError, describeError } from '../errors.ts';
import type { ArtifactStore } from '../files/artifact-store.ts';
import type { CallbackTargets } from '../net/request-targets.ts';
import type { ProfileStore } from '../profiles/profile-store.ts';
import { holdSession } from '../sessions/session-operations.ts';
import type { SessionStore } from '../sessions/session-store.ts';
import { newRunId } from './ids.ts';
import { newRunRecord, type RunRecord } from './run-record.ts';
import type { RunStarter } from './run-starter.ts';
import type { RunStore } from './run-store.ts';

/**
 * Checks the addresses a request names that the service itself will contact (webhook_url,
 * totp_url, browser_address) against the network rules; throws a 400 error naming the host.
 */
export type TargetCheck = (targets: CallbackTargets) => Promise<void>;

export interface CreateRunDeps {
  store: RunStore;
  starter: RunStarter;
  logger: Logger;
  clock: () => Date;
  /** Proxy locations this deployment has a proxy URL for (keys of PROXY_URLS). */
  proxyLocations: readonly string[];
  /** Whether runs may fall back from the deterministic planner to a language model. */
  aiFallback: boolean;
  /** The network rules (section 9) for the addresses the service will contact. */
  checkTargets?: TargetCheck;
  /** Saved browser profiles, for runs that start from one. */
  profiles: Pick<ProfileStore, 'get'>;
  /** Browser sessions, for runs in one. */
  sessions: SessionStore;
  /** Run checkpoints, where a session's state is read when its holder is replaced. */
  artifacts: Pick<ArtifactStore, 'getBytes'>;
}

/** Refuses a proxy location that this deployment cannot honour, rather than going direct. */
function checkProxyLocation(request: RunRequest, configured: readonly string[]): void {
  const location = request.proxy_location;
  if (location === 'NONE' || configured.includes(location)) return;
  throw new BadRequestError(
    `proxy_location ${location} has no proxy configured in this deployment; ` +
      'use NONE or add it to PROXY_URLS',
  );
}

/** Refuses a profile the caller does not have (400, as for other unusable values). */
async function checkProfile(
  owner: string,
  request: RunRequest,
  profiles: CreateRunDeps['profiles'],
): Promise<void> {
  const profileId = request.browser_profile_id;
  if (profileId && !(await profiles.get(owner, profileId))) {
    throw new BadRequestError(
      `Unknown browser profile ${profileId}: create one from a finished run with ` +
        'POST /v1/browser_profiles',
    );
  }
}

/**
 * Creates a run for a validated request: fills defaults, refuses what this deployment cannot
 * serve (400), writes the record, then starts the run. A run whose start fails is marked failed,
 * so no run is left behind in `created`.
 */
export async function createRun(
  owner: string,
  body: TaskRequestInput,
  deps: CreateRunDeps,
): Promise<RunRecord> {
  const defaults = withDefaults(body);
  const request = { ...defaults, url: defaults.url && normalizeStartUrl(defaults.url) };
  checkProxyLocation(request, deps.proxyLocations);
  await checkProfile(owner, request, deps.profiles);
  // The start URL is checked by the browser when it connects, and again after every redirect, so
  // that a refusal fails the run with a failure_reason naming the host.
  await deps.checkTargets?.({
    webhook_url: request.webhook_url,
    totp_url: request.totp_url,
    browser_address: request.browser_address,
  });

  const runId = newRunId(deps.clock().getTime());
  // last: a session is held by the run from here on, and let go if the run is not started
  await holdSession(owner, request, runId, { ...deps, runs: deps.store });
  const record = newRunRecord({
    runId,
    owner,
    request,
    now: deps.clock(),
    aiFallback: deps.aiFallback,
  });
  try {
    await deps.store.create(record);
  } catch (error) {
    await releaseSession(record, deps);
    throw error;
  }
  await startOrFail(record, deps);

  return (await deps.store.get(record.run_id)) ?? record;
}

async function releaseSession(record: RunRecord, deps: CreateRunDeps): Promise<void> {
  const sessionId = record.request.browser_session_id;
  if (sessionId) await deps.sessions.release(sessionId, record.run_id, false);
}

async function startOrFail(record: RunRecord, deps: CreateRunDeps): Promise<void> {
  try {
    await deps.starter.start(record);
  } catch (error) {
    await releaseSession(record, deps);
    await deps.store.finish(record.run_id, 'failed', {
      failure_reason: 'The run could not be started; try again, and report it if it persists.',
    });
    deps.logger.warn('Run start failed', { run_id: record.run_id, error: describeError(error) });
    throw error;
  }
}
