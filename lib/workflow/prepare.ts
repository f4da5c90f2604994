import { overdueOutcome } from '../agent/outcomes.ts';
import { isTerminal } from '../contracts/run.ts';
import { RunNotFoundError } from '../errors.ts';
import type { ArtifactStore } from '../files/artifact-store.ts';
import { readProfile } from '../profiles/profile-store.ts';
import type { RunRecord } from '../runs/run-record.ts';
import type { RunStore } from '../runs/run-store.ts';
import type { SessionStore } from '../sessions/session-store.ts';
import { runDeadlineOf } from './browser-step.ts';
import {
  type Checkpoint,
  initialCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
} from './checkpoint.ts';
import type { StepResult } from './payloads.ts';

export interface PrepareDeps {
  store: RunStore;
  artifacts: Pick<ArtifactStore, 'getBytes' | 'putBytes'>;
  clock: () => number;
  runTimeoutS: number;
  /** Browser sessions, for runs in one. */
  sessions?: Pick<SessionStore, 'get'>;
}

/**
 * Readies a run for its first browser step: makes sure it is `queued` (the starter may not have
 * written that yet) and has a checkpoint. The run becomes `running` when its first step begins,
 * in the browser step. A run that already ended (cancelled while queued) or is past its time
 * limit goes straight to Finalize.
 */
export async function prepareRun(deps: PrepareDeps, runId: string): Promise<StepResult> {
  const run = await deps.store.get(runId);
  if (!run) throw new RunNotFoundError(runId);
  if (isTerminal(run.status)) return { done: true, step_count: run.step_count };
  if (run.status === 'created') await deps.store.transition(runId, ['created'], 'queued');

  const now = deps.clock();
  let checkpoint = await loadCheckpoint(deps.artifacts, runId);
  if (!checkpoint) {
    checkpoint = await startingCheckpoint(deps, run, new Date(now));
    await saveCheckpoint(deps.artifacts, checkpoint);
  }
  const queued = (await deps.store.get(runId)) ?? run;
  if (now >= runDeadlineOf(queued, deps.runTimeoutS)) {
    const outcome = overdueOutcome(checkpoint, run.files, deps.runTimeoutS);
    await saveCheckpoint(deps.artifacts, { ...checkpoint, outcome });
    return { done: true, step_count: checkpoint.step_count };
  }

  return { done: checkpoint.outcome !== null, step_count: checkpoint.step_count };
}

function failedAtStart(checkpoint: Checkpoint, failure: string): Checkpoint {
  return {
    ...checkpoint,
    outcome: { status: 'failed', summary: failure, failure_reason: failure },
  };
}

/**
 * The checkpoint a run's first step starts from: empty; holding the saved profile's cookies and
 * local storage; or, in a session, the state and page the session's previous run left. A profile
 * deleted after the run was created ends the run with that reason.
 */
async function startingCheckpoint(deps: PrepareDeps, run: RunRecord, now: Date) {
  const checkpoint: Checkpoint = initialCheckpoint(run.run_id, run.request.url, now);
  const sessionId = run.request.browser_session_id;
  if (sessionId) {
    const session = await deps.sessions?.get(sessionId);
    const previous = session?.last_run_id
      ? await loadCheckpoint(deps.artifacts, session.last_run_id)
      : null;
    const url = run.request.url ?? previous?.url ?? null;
    if (!url) {
      return failedAtStart(
        checkpoint,
        `Browser session ${sessionId} has no page open to start from: give the run a url`,
      );
    }
    return { ...checkpoint, url, storage_state: previous?.storage_state ?? null };
  }
  const profileId = run.request.browser_profile_id;
  if (!profileId) return checkpoint;
  const profile = await readProfile(deps.artifacts, run.owner, profileId);
  if (!profile) {
    return failedAtStart(
      checkpoint,
      `The browser profile ${profileId} was deleted before the run started`,
    );
  }

  return { ...checkpoint, storage_state: profile.storageState };
}
