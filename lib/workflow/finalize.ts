import { isTerminal, type RunError, type RunStatus } from '../contracts/run.ts';
import { RunNotFoundError } from '../errors.ts';
import type { ArtifactStore } from '../files/artifact-store.ts';
import { newDeliveryId } from '../notify/webhook.ts';
import { CANCELED_SUMMARY } from '../runs/cancel-run.ts';
import type { RunRecord } from '../runs/run-record.ts';
import type { RunStore } from '../runs/run-store.ts';
import { type RunViewDeps, toRunView } from '../runs/run-view.ts';
import type { SessionStore } from '../sessions/session-store.ts';
import { type Checkpoint, loadCheckpoint } from './checkpoint.ts';
import { type Finished, messageOf, type StateError } from './payloads.ts';

export interface FinalizeDeps {
  store: RunStore;
  artifacts: Pick<ArtifactStore, 'getBytes' | 'signedUrl'>;
  view: Omit<RunViewDeps, 'artifacts'>;
  newDeliveryId?: () => string;
  /** Browser sessions: a run in one lets go of it when it ends. */
  sessions?: Pick<SessionStore, 'release'>;
}

interface Ending {
  status: RunStatus;
  summary: string;
  failureReason: string | null;
  error: RunError | null;
}

const TIMEOUT_ERRORS = new Set(['States.Timeout', 'Sandbox.Timedout']);

/** A sentence a person can act on for an error that ended the loop. */
export function failureReasonOf(error: StateError): string {
  const message = messageOf(error);
  if (TIMEOUT_ERRORS.has(error.Error)) {
    return 'A browser step ran past its time limit again after retries; the site may be hanging. Try the run again later.';
  }
  if (error.Error === 'BlockedAddressError') return message;
  if (error.Error === 'BrowserLaunchError') return `The browser could not be started: ${message}`;

  return `The run stopped on an error that retries did not cure: ${message}`;
}

function endingOf(checkpoint: Checkpoint | null, error: StateError | null): Ending {
  const step = checkpoint?.step_count ?? null;
  if (error) {
    const failureReason = failureReasonOf(error);
    const code = error.Error.replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/[^A-Za-z0-9]+/g, '_')
      .toLowerCase();

    return {
      status: 'failed',
      summary: `Stopped after ${step ?? 0} steps: ${failureReason}`,
      failureReason,
      error: { code, message: messageOf(error), step },
    };
  }
  if (checkpoint?.outcome) {
    const { status, summary, failure_reason } = checkpoint.outcome;
    return { status, summary, failureReason: failure_reason, error: null };
  }
  const failureReason = 'The run ended without a result from the browser; start it again.';

  return { status: 'failed', summary: failureReason, failureReason, error: null };
}

function outputOf(run: RunRecord, checkpoint: Checkpoint | null, summary: string) {
  return {
    downloaded_file_count: run.files.length,
    final_url: checkpoint?.url ?? null,
    final_title: checkpoint?.title ?? null,
    summary,
  };
}

function summaryOfEnded(run: RunRecord): string {
  if (run.status === 'canceled') return CANCELED_SUMMARY;

  return run.failure_reason ?? `The run ended ${run.status} after ${run.step_count} steps.`;
}

/**
 * The output of a run that ended before this step (a cancel): what it already says, with the
 * page the browser was on and the files stored since, so neither writer loses the other's data.
 */
function completedOutput(run: RunRecord, checkpoint: Checkpoint | null) {
  return {
    downloaded_file_count: run.files.length,
    final_url: checkpoint?.url ?? run.output?.final_url ?? null,
    final_title: checkpoint?.title ?? run.output?.final_title ?? null,
    summary: run.output?.summary ?? summaryOfEnded(run),
  };
}

/**
 * Gives the run its terminal status exactly once (a conditional write; a run that already ended,
 * such as a cancelled one, keeps its status) and returns what the notification states need.
 */
export async function finalizeRun(
  deps: FinalizeDeps,
  runId: string,
  error: StateError | null,
): Promise<Finished> {
  const run = await deps.store.get(runId);
  if (!run) throw new RunNotFoundError(runId);
  const checkpoint = await loadCheckpoint(deps.artifacts, runId);

  let ended: RunRecord | null = null;
  if (!isTerminal(run.status)) {
    const ending = endingOf(checkpoint, error);
    if (ending.error) await deps.store.appendErrors(runId, [ending.error]);
    ended = await deps.store.finish(runId, ending.status, {
      output: outputOf(run, checkpoint, ending.summary),
      failure_reason: ending.failureReason,
    });
  }
  ended ??= await deps.store.get(runId);
  if (!ended) throw new RunNotFoundError(runId);
  const sessionId = ended.request.browser_session_id;
  // the next run in the session starts from this run's checkpoint, if the run got one
  if (sessionId) {
    await deps.sessions?.release(sessionId, runId, (checkpoint?.storage_state ?? null) !== null);
  }
  const output = completedOutput(ended, checkpoint);
  if (JSON.stringify(output) !== JSON.stringify(ended.output)) {
    ended = await deps.store.update(runId, { output });
  }

  return finishedOf(deps, ended);
}

/** The run's public view and its webhook target, for the notification states. */
export async function finishedOf(
  deps: Pick<FinalizeDeps, 'artifacts' | 'view' | 'newDeliveryId'>,
  run: RunRecord,
  webhookUrl: string | null = run.request.webhook_url,
): Promise<Finished> {
  const view = await toRunView(run, { ...deps.view, artifacts: deps.artifacts });
  const deliveryId = (deps.newDeliveryId ?? newDeliveryId)();

  return { run: view, webhook: webhookUrl ? { url: webhookUrl, delivery_id: deliveryId } : null };
}
