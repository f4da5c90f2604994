import type { RunRequest } from '../contracts/request.ts';
import { isTerminal } from '../contracts/run.ts';
import {
  type CreateSessionInput,
  DEFAULT_SESSION_TIMEOUT_MIN,
  type Session,
} from '../contracts/session.ts';
import { BadRequestError, ConflictError, SessionNotFoundError, shownId } from '../errors.ts';
import type { ArtifactStore } from '../files/artifact-store.ts';
import { newSessionId } from '../runs/ids.ts';
import type { RunStore } from '../runs/run-store.ts';
import { loadCheckpoint } from '../workflow/checkpoint.ts';
import { type SessionRecord, type SessionStore, sessionView, statusOf } from './session-store.ts';

export interface SessionDeps {
  sessions: SessionStore;
  clock: () => Date;
}

export async function createSession(
  owner: string,
  body: CreateSessionInput,
  deps: SessionDeps,
): Promise<Session> {
  const now = deps.clock();
  const timeout = body.timeout ?? DEFAULT_SESSION_TIMEOUT_MIN;
  const record = await deps.sessions.create(owner, newSessionId(now.getTime()), timeout, now);

  return sessionView(record, now);
}

function notFound(sessionId: string): SessionNotFoundError {
  return new SessionNotFoundError(shownId(sessionId));
}

async function ownedRecord(deps: SessionDeps, owner: string, sessionId: string) {
  const record = await deps.sessions.get(sessionId);
  if (!record || record.owner !== owner) throw notFound(sessionId);

  return record;
}

/** The owner's session; 404 for an unknown id and for another owner's session alike. */
export async function getOwnedSession(deps: SessionDeps, owner: string, sessionId: string) {
  return sessionView(await ownedRecord(deps, owner, sessionId), deps.clock());
}

export async function listSessions(deps: SessionDeps, owner: string) {
  const now = deps.clock();
  const records = await deps.sessions.list(owner);

  return { browser_sessions: records.map((record) => sessionView(record, now)) };
}

/** Closes the owner's session: it takes no more runs; a run under way in it ends as it would. */
export async function closeSession(deps: SessionDeps, owner: string, sessionId: string) {
  await ownedRecord(deps, owner, sessionId);
  const closed = await deps.sessions.close(sessionId, deps.clock());
  if (!closed) throw notFound(sessionId);

  return sessionView(closed, deps.clock());
}

function refusal(record: SessionRecord, now: Date): BadRequestError | null {
  const status = statusOf(record, now);
  if (status === 'active') return null;
  const when = status === 'closed' ? record.closed_at : record.ends_at;

  return new BadRequestError(
    `Browser session ${record.browser_session_id} ${status === 'closed' ? 'was closed' : 'expired'} ` +
      `at ${when}; create a new session with POST /v1/browser_sessions`,
  );
}

/** How long after its run ended a session's holder keeps it, for its Finalize to let go. */
export const RELEASE_GRACE_MS = 60_000;

export type HoldDeps = SessionDeps & {
  runs: Pick<RunStore, 'get'>;
  artifacts: Pick<ArtifactStore, 'getBytes'>;
};

/**
 * Whether a holder of a session has let go in all but name: its run ended (or was never
 * written) over a minute ago and the Finalize that lets go was lost. A run that has just ended
 * is still closing its browser and saving its state, and one just created may not be written
 * yet, so each keeps the session until then.
 */
async function isStale(deps: HoldDeps, holder: string, heldAt: string, now: Date) {
  const run = await deps.runs.get(holder);
  if (run && !isTerminal(run.status)) return false;
  const since = Date.parse((run ? run.finished_at : heldAt) ?? '');

  return !Number.isFinite(since) || now.getTime() - since >= RELEASE_GRACE_MS;
}

/** Takes the session over from a stale holder, keeping the state it left, if any. */
async function takeOver(deps: HoldDeps, sessionId: string, runId: string, holder: string) {
  const left = await loadCheckpoint(deps.artifacts, holder).catch(() => null);

  return deps.sessions.hold(sessionId, runId, deps.clock(), {
    holder,
    leftState: (left?.storage_state ?? null) !== null,
  });
}

/**
 * Gives the request's session to a new run, before the run is written: 400 for an unknown,
 * closed or expired session, or a first run without a url; 409 while another run of the session
 * has not ended and let go of it.
 */
export async function holdSession(
  owner: string,
  request: RunRequest,
  runId: string,
  deps: HoldDeps,
): Promise<void> {
  const sessionId = request.browser_session_id;
  if (!sessionId) return;
  const record = await deps.sessions.get(sessionId);
  if (!record || record.owner !== owner) {
    throw new BadRequestError(
      `Unknown browser session ${sessionId}: create one with POST /v1/browser_sessions`,
    );
  }
  const ended = refusal(record, deps.clock());
  if (ended) throw ended;

  if (!(await deps.sessions.hold(sessionId, runId, deps.clock()))) {
    const latest = await deps.sessions.get(sessionId);
    const holder = latest?.active_run_id;
    if (!holder) {
      throw (
        (latest && refusal(latest, deps.clock())) ??
        new ConflictError(
          `Browser session ${sessionId} changed while this run was being created; try again`,
        )
      );
    }
    if (
      !(await isStale(deps, holder, latest.held_at ?? '', deps.clock())) ||
      !(await takeOver(deps, sessionId, runId, holder))
    ) {
      throw new ConflictError(
        `Browser session ${sessionId} is busy with run ${holder}: runs in one session never ` +
          'overlap; start this one when that run has ended',
      );
    }
  }
  // held: the page to start from is known only once no other run can change it
  const held = await deps.sessions.get(sessionId);
  if (!request.url && !held?.last_run_id) {
    await deps.sessions.release(sessionId, runId, false);
    throw new BadRequestError(
      `Browser session ${sessionId} has no page open yet: give the first run in it a url`,
    );
  }
}
