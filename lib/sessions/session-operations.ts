import type { RunRequest } from '../contracts/request.ts';
import { isTerminal } from '../contracts/run.ts';
import {
  type CreateSessionInput,
  DEFAULT_SESSION_TIMEOUT_MIN,
  type Session,
} from '../contracts/session.ts';
import { BadRequestError, ConflictError, SessionNotFoundError, shownId } from '../errors.ts';
import { newSessionId } from '../runs/ids.ts';
import type { RunStore } from '../runs/run-store.ts';
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

/**
 * Gives the request's session to a new run, before the run is written: 400 for an unknown,
 * closed or expired session, or a first run without a url; 409 while another run of the session
 * has not ended. A holder whose run has ended (its release was lost) is replaced.
 */
export async function holdSession(
  owner: string,
  request: RunRequest,
  runId: string,
  deps: SessionDeps & { runs: Pick<RunStore, 'get'> },
): Promise<void> {
  const sessionId = request.browser_session_id;
  if (!sessionId) return;
  const record = await deps.sessions.get(sessionId);
  if (!record || record.owner !== owner) {
    throw new BadRequestError(
      `Unknown browser session ${sessionId}: create one with POST /v1/browser_sessions`,
    );
  }
  const now = deps.clock();
  const ended = refusal(record, now);
  if (ended) throw ended;
  if (!request.url && !record.last_run_id) {
    throw new BadRequestError(
      `Browser session ${sessionId} has no page open yet: give the first run in it a url`,
    );
  }
  if (await deps.sessions.hold(sessionId, runId, now)) return;

  const latest = await deps.sessions.get(sessionId);
  const holder = latest?.active_run_id;
  if (holder) {
    const run = await deps.runs.get(holder);
    if (
      (!run || isTerminal(run.status)) &&
      (await deps.sessions.hold(sessionId, runId, now, holder))
    ) {
      return;
    }
    throw new ConflictError(
      `Browser session ${sessionId} is busy with run ${holder}: runs in one session never ` +
        'overlap; start this one when that run has ended',
    );
  }
  throw (
    (latest && refusal(latest, deps.clock())) ??
    new ConflictError(
      `Browser session ${sessionId} changed while this run was being created; try again`,
    )
  );
}
