import { overdueOutcome } from '../agent/outcomes.ts';
import type { Planner } from '../agent/planner.ts';
import { runStepLoop, type StepLoopResult } from '../agent/step-loop.ts';
import type { BrowserSession, SessionOptions } from '../browser/types.ts';
import type { Config } from '../config.ts';
import { isTerminal, type StoredFile } from '../contracts/run.ts';
import {
  BadRequestError,
  firstLineOf,
  RetrieverError,
  RunNotFoundError,
  TransientError,
} from '../errors.ts';
import type { ArtifactStore } from '../files/artifact-store.ts';
import type { Logger } from '../log.ts';
import type { RunRecord } from '../runs/run-record.ts';
import type { RunStore } from '../runs/run-store.ts';
import {
  type Checkpoint,
  initialCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
} from './checkpoint.ts';
import type { StepResult } from './payloads.ts';

/** Time kept back from the Lambda's remaining time to checkpoint and report. */
export const LAMBDA_SAFETY_MS = 60_000;

export interface BrowserStepDeps {
  store: RunStore;
  artifacts: ArtifactStore;
  /**
   * Opens the run's browser; the session records each file it stores with `recordFile`, which
   * refuses bytes the run already has.
   */
  openSession: (
    options: SessionOptions,
    recordFile: (file: StoredFile) => Promise<boolean>,
  ) => Promise<BrowserSession>;
  createPlanner: (run: RunRecord) => Planner;
  clock: () => number;
  logger: Logger;
  config: Pick<Config, 'RUN_TIMEOUT_S' | 'PROXY_URLS' | 'BROWSER_STEP_BUDGET_S'>;
  /** Caps the steps of one invocation, so a run checkpoints and resumes more often. */
  maxStepsPerInvocation?: number;
  /** The one-time code source of a run (section 6 of the contract), for 2FA fields. */
  oneTimeCodes?: (run: RunRecord) => (() => Promise<string | null>) | undefined;
}

/** When the run's time limit ends (epoch ms): RUN_TIMEOUT_S after its execution started. */
export function runDeadlineOf(run: RunRecord, runTimeoutS: number): number {
  return Date.parse(run.queued_at ?? run.created_at) + runTimeoutS * 1000;
}

function proxyUrlOf(run: RunRecord, proxies: Record<string, string>): string | null {
  const location = run.request.proxy_location;
  if (location === 'NONE') return null;
  const url = proxies[location];
  if (!url) throw new BadRequestError(`No proxy is configured for proxy_location ${location}`);

  return url;
}

function sessionOptions(
  deps: BrowserStepDeps,
  run: RunRecord,
  checkpoint: Checkpoint,
  deadline: number,
): SessionOptions {
  const { request } = run;
  // A run in a session may have no url: it starts on the page the session's previous run left.
  // Its extra headers then go nowhere: that page's origin is not one the caller named.
  const startUrl = request.url ?? checkpoint.url;

  return {
    runId: run.run_id,
    deadline,
    downloadTimeoutS: request.download_timeout,
    downloadSuffix: request.download_suffix,
    extraHttpHeaders: request.extra_http_headers,
    headersOrigin: request.url ? new URL(request.url).origin : null,
    browserAddress: request.browser_address,
    startUrl,
    tracePart: checkpoint.invocations + 1,
    proxyUrl: proxyUrlOf(run, deps.config.PROXY_URLS),
    existingFiles: run.files,
    storageState: checkpoint.storage_state,
  };
}

/**
 * One browser-step invocation: resumes the run from its checkpoint, runs steps until the run ends
 * or the budget is spent, and checkpoints. Failures the browser or a dependency raised are
 * rethrown as {@link TransientError}, so the state machine retries and the retry resumes.
 */
export async function runBrowserStep(
  deps: BrowserStepDeps,
  runId: string,
  remainingMs?: number,
): Promise<StepResult> {
  try {
    return await stepRun(deps, runId, remainingMs);
  } catch (error) {
    if (error instanceof RetrieverError) throw error;
    deps.logger.warn('browser step failed', { run_id: runId, error_message: String(error) });
    throw new TransientError(`The browser step failed: ${firstLineOf(error)}`, { cause: error });
  }
}

async function stepRun(deps: BrowserStepDeps, runId: string, remainingMs?: number) {
  const run = await deps.store.get(runId);
  if (!run) throw new RunNotFoundError(runId);
  const now = deps.clock();
  const checkpoint =
    (await loadCheckpoint(deps.artifacts, runId)) ??
    initialCheckpoint(runId, run.request.url, new Date(now));
  if (isTerminal(run.status) || checkpoint.outcome) {
    return { done: true, step_count: checkpoint.step_count };
  }

  const runDeadline = runDeadlineOf(run, deps.config.RUN_TIMEOUT_S);
  if (now >= runDeadline) {
    const outcome = overdueOutcome(checkpoint, run.files, deps.config.RUN_TIMEOUT_S);
    await saveCheckpoint(deps.artifacts, { ...checkpoint, outcome });
    return { done: true, step_count: checkpoint.step_count };
  }
  const budgetMs =
    remainingMs === undefined
      ? deps.config.BROWSER_STEP_BUDGET_S * 1000
      : remainingMs - LAMBDA_SAFETY_MS;
  const deadline = Math.min(now + budgetMs, runDeadline);

  return stepWithSession(deps, run, checkpoint, { deadline, runDeadline });
}

async function stepWithSession(
  deps: BrowserStepDeps,
  run: RunRecord,
  checkpoint: Checkpoint,
  limits: { deadline: number; runDeadline: number },
): Promise<StepResult> {
  const session = await deps.openSession(
    sessionOptions(deps, run, checkpoint, limits.deadline),
    (file) => deps.store.addFile(run.run_id, file),
  );
  let result: StepLoopResult | undefined;
  try {
    result = await runStepLoop({
      run,
      checkpoint,
      session,
      planner: deps.createPlanner(run),
      store: deps.store,
      artifacts: deps.artifacts,
      deadline: limits.deadline,
      runDeadline: limits.runDeadline,
      runTimeoutS: deps.config.RUN_TIMEOUT_S,
      clock: deps.clock,
      logger: deps.logger,
      saveCheckpoint: (next) => saveCheckpoint(deps.artifacts, next),
      openUrl: checkpoint.url ?? run.request.url,
      maxStepsThisInvocation: deps.maxStepsPerInvocation,
      oneTimeCode: deps.oneTimeCodes?.(run),
    });
  } finally {
    await closeSession(deps, run.run_id, session);
  }

  return { done: result.done, step_count: result.checkpoint.step_count };
}

/** Closes the browser; its trace becomes the run's recording. */
async function closeSession(deps: BrowserStepDeps, runId: string, session: BrowserSession) {
  try {
    const { traceKey } = await session.close();
    if (traceKey) await deps.store.update(runId, { recording_key: traceKey });
  } catch (error) {
    deps.logger.warn('browser did not close cleanly', { run_id: runId, error: String(error) });
  }
}
