import type { Action, ActionResult, BrowserSession, Observation } from '../browser/types.ts';
import { isTerminal, type RunError, type StoredFile } from '../contracts/run.ts';
import { firstLineOf } from '../errors.ts';
import { type ArtifactStore, runKeys } from '../files/artifact-store.ts';
import type { Logger } from '../log.ts';
import type { RunRecord } from '../runs/run-record.ts';
import type { RunStore } from '../runs/run-store.ts';
import type { Checkpoint, Outcome } from '../workflow/checkpoint.ts';
import {
  maxStepsOutcome,
  overdueOutcome,
  stepRecord,
  summaryWithFiles,
  withFiles,
} from './outcomes.ts';
import type { Decision, Planner } from './planner.ts';

/** A step is not begun with less time than this left in the invocation's budget. */
export const MIN_STEP_MS = 15_000;
/** Time kept back from each action's timeout for recording its result. */
const ACTION_MARGIN_MS = 2_000;
/** Extra time an action may take beyond download_timeout (page loads, uploads to storage). */
const ACTION_EXTRA_MS = 30_000;
/** How often the run is read while the browser works, to notice that it ended elsewhere. */
const RUN_WATCH_MS = 2_000;

export interface StepLoopInput {
  run: RunRecord;
  checkpoint: Checkpoint;
  session: BrowserSession;
  planner: Planner;
  store: RunStore;
  artifacts: Pick<ArtifactStore, 'putBytes'>;
  /** End of this invocation's budget (epoch ms); the loop checkpoints and pauses before it. */
  deadline: number;
  /** End of the run's time limit (epoch ms); reaching it ends the run `timed_out`. */
  runDeadline: number;
  runTimeoutS: number;
  clock: () => number;
  logger: Logger;
  /** Persists the checkpoint; called after every step. */
  saveCheckpoint: (checkpoint: Checkpoint) => Promise<void>;
  /** Page to open before the first step (the start URL, or where the last invocation was). */
  openUrl: string | null;
  /** Caps the steps of this invocation (a smaller budget than time alone). */
  maxStepsThisInvocation?: number;
  oneTimeCode?: () => Promise<string | null>;
}

export interface StepLoopResult {
  checkpoint: Checkpoint;
  /** True when the run's loop has ended (the checkpoint has its outcome). */
  done: boolean;
}

interface LoopState {
  input: StepLoopInput;
  checkpoint: Checkpoint;
  files: StoredFile[];
  stepsTaken: number;
  /** Downloads still in flight after the last action. */
  pending: number;
  /**
   * The last step's screenshot while it is taken and stored: it runs beside the next step's
   * observation and planning, and is awaited before anything acts on the page or the loop ends.
   */
  shot: Promise<void> | null;
  /** Whether the step before this one took a screenshot of the page as the loop left it. */
  lastStepShot: boolean;
}

/**
 * Runs steps (observe, plan, act, screenshot, record) until the run ends or the invocation's
 * budget is spent. The run's status is read again before every step, so a cancel stops the loop
 * within one step. The checkpoint is saved after each step.
 */
export async function runStepLoop(input: StepLoopInput): Promise<StepLoopResult> {
  const state: LoopState = {
    input,
    checkpoint: { ...input.checkpoint, invocations: input.checkpoint.invocations + 1 },
    files: [...input.run.files],
    stepsTaken: 0,
    pending: 0,
    shot: null,
    lastStepShot: false,
  };
  if (input.openUrl) await openPage(state, input.openUrl);
  for (;;) {
    const gate = await checkBeforeStep(state);
    if (gate === 'pause') return pause(state);
    if (gate) return end(state, gate);

    const outcome = await takeStep(state);
    if (outcome) return end(state, outcome);
  }
}

/** Opens the page; a start URL that is itself a file is stored like any download. */
async function openPage(state: LoopState, url: string): Promise<void> {
  const errors: RunError[] = [];
  const step = state.checkpoint.step_count;
  const result = await state.input.session.open(url);
  recordFiles(state, result, step, errors);
  errors.push(...result.errors.map((error) => ({ ...error, step })));
  await state.input.store.appendErrors(state.input.run.run_id, errors);
  state.checkpoint = { ...state.checkpoint, url: result.url || state.checkpoint.url };
}

/**
 * Runs a browser call while reading the run every RUN_WATCH_MS: a run that ended elsewhere
 * meanwhile (a cancel) aborts the session, so a long download stops then, not when the step ends.
 */
async function watchingRun<T>(state: LoopState, work: () => Promise<T>): Promise<T> {
  const { store, run, session } = state.input;
  let aborted = false;
  const check = async () => {
    const current = await store.get(run.run_id);
    if (aborted || (current && !isTerminal(current.status))) return;
    aborted = true;
    await session.abort();
  };
  const timer = setInterval(() => {
    if (!aborted) check().catch(() => undefined);
  }, RUN_WATCH_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** Waits for the screenshot under way, if any. */
async function shotTaken(state: LoopState): Promise<void> {
  const shot = state.shot;
  state.shot = null;
  await shot;
}

async function pause(state: LoopState): Promise<StepLoopResult> {
  await Promise.all([settlePending(state), shotTaken(state)]);
  state.checkpoint = await withBrowserState(state);
  await state.input.saveCheckpoint(state.checkpoint);
  state.input.logger.info('invocation budget spent', { step: state.checkpoint.step_count });

  return { checkpoint: state.checkpoint, done: false };
}

async function end(state: LoopState, outcome: Outcome): Promise<StepLoopResult> {
  await Promise.all([settlePending(state), shotTaken(state)]);
  state.checkpoint = { ...(await withBrowserState(state)), outcome };
  await state.input.saveCheckpoint(state.checkpoint);
  state.input.logger.info('run loop ended', {
    step: state.checkpoint.step_count,
    outcome: outcome.status,
  });

  return { checkpoint: state.checkpoint, done: true };
}

/** The page the run ends on, for its final_url and final_title. */
async function observeLastPage(state: LoopState): Promise<void> {
  try {
    const { url, title } = await state.input.session.observe();
    state.checkpoint = { ...state.checkpoint, url, title };
  } catch {
    // The page is gone (closed tab, crashed renderer): the last observation stands.
  }
}

/** Downloads in flight finish (and are stored) before the browser closes. */
async function settlePending(state: LoopState): Promise<void> {
  if (state.pending === 0) return;
  const errors: RunError[] = [];
  const timeoutMs = actionTimeoutMs(state);
  const settled = await watchingRun(state, () => state.input.session.settle(timeoutMs));
  recordFiles(state, settled, state.checkpoint.step_count, errors);
  errors.push(...settled.errors.map((error) => ({ ...error, step: state.checkpoint.step_count })));
  await state.input.store.appendErrors(state.input.run.run_id, errors);
  state.pending = settled.pendingDownloads;
}

async function withBrowserState(state: LoopState): Promise<Checkpoint> {
  const now = new Date(state.input.clock()).toISOString();
  const current = { ...state.checkpoint, files: state.files, updated_at: now };
  try {
    // a browser already closed (a cancel) reads nothing: the state saved before it stands, so a
    // session or profile built on this run keeps its logins
    const read = await state.input.session.storageState();
    return read ? { ...current, storage_state: read } : current;
  } catch {
    return current;
  }
}

/** The reason to stop before the next step, 'pause' to resume in a new invocation, or null. */
async function checkBeforeStep(state: LoopState): Promise<Outcome | 'pause' | null> {
  const { input, checkpoint } = state;
  const run = await input.store.get(input.run.run_id);
  if (!run || isTerminal(run.status)) {
    // The run already ended elsewhere (a cancel); Finalize keeps the status it has.
    const status = run?.status ?? 'canceled';
    return {
      status: 'canceled',
      summary: `Stopped before step ${checkpoint.step_count + 1}: the run was ${status}.`,
      failure_reason: run?.failure_reason ?? null,
    };
  }
  const now = input.clock();
  if (now >= input.runDeadline) {
    await observeLastPage(state);
    return overdueOutcome(state.checkpoint, state.files, input.runTimeoutS);
  }
  if (checkpoint.step_count >= run.request.max_steps_per_run) {
    return (await goalMetOnLastStep(state)) ?? maxStepsOutcome(state.checkpoint, state.files);
  }
  const capped = state.stepsTaken >= (input.maxStepsThisInvocation ?? Number.POSITIVE_INFINITY);
  if (capped || now + MIN_STEP_MS > input.deadline) return 'pause';
  if (run.status !== 'running') {
    await input.store.transition(run.run_id, ['created', 'queued'], 'running');
  }

  return null;
}

/** Observes the active page and asks the planner what to do next. */
async function observeAndDecide(state: LoopState) {
  const { input } = state;
  const observation = await input.session.observe();
  state.checkpoint = { ...state.checkpoint, url: observation.url, title: observation.title };
  const decision = await input.planner.decide({
    goal: input.run.request.navigation_goal,
    observation,
    history: state.checkpoint.history,
    files: state.files,
    oneTimeCode: input.oneTimeCode,
  });

  return { observation, decision };
}

/**
 * Whether the last allowed step already met the goal: the planner judges the page and the files
 * once more, without acting, so a file stored on the last step completes the run.
 */
async function goalMetOnLastStep(state: LoopState): Promise<Outcome | null> {
  const { input } = state;
  const { decision } = await observeAndDecide(state);
  if (decision.kind !== 'done') return null;
  const errors: RunError[] = [];
  const outcome = await concludeWith(state, decision, state.checkpoint.step_count, errors);
  await input.store.appendErrors(input.run.run_id, errors);

  return outcome;
}

/** One step: observe, plan, act, screenshot, record. Returns the outcome when the run ends. */
async function takeStep(state: LoopState): Promise<Outcome | null> {
  const { input } = state;
  const step = state.checkpoint.step_count + 1;
  const started = input.clock();
  const errors: RunError[] = [];

  const { observation, decision } = await observeAndDecide(state);
  const outcome =
    decision.kind === 'act'
      ? await actAll(state, decision.actions, observation, step, errors)
      : await concludeWith(state, decision, step, errors);

  await recordStep(state, step, errors, decision.kind === 'act');
  input.logger.info('step finished', {
    step,
    decision: decision.kind,
    duration_ms: input.clock() - started,
  });

  return outcome;
}

async function actAll(
  state: LoopState,
  actions: Action[],
  observation: Observation,
  step: number,
  errors: RunError[],
): Promise<null> {
  await shotTaken(state);
  for (const action of actions) {
    const timeoutMs = actionTimeoutMs(state);
    const result = await watchingRun(state, () => state.input.session.act(action, timeoutMs));
    state.pending = result.pendingDownloads;
    const stored = recordFiles(state, result, step, errors);
    errors.push(...result.errors.map((error) => ({ ...error, step })));
    state.checkpoint = {
      ...state.checkpoint,
      // an action cut short (the run was cancelled) reports no page: the last one known stands
      url: result.url || state.checkpoint.url,
      history: [...state.checkpoint.history, stepRecord(step, action, observation, result, stored)],
    };
    if (!result.ok) break;
  }

  return null;
}

function actionTimeoutMs(state: LoopState): number {
  const { input } = state;
  const cap = input.run.request.download_timeout * 1000 + ACTION_EXTRA_MS;
  const left = input.deadline - input.clock() - ACTION_MARGIN_MS;

  return Math.max(1000, Math.min(cap, left));
}

/**
 * Notes the files an action stored (the session has already recorded each on the run, once per
 * checksum) and turns refused files into the step's errors.
 */
function recordFiles(
  state: LoopState,
  result: ActionResult,
  step: number,
  errors: RunError[],
): string[] {
  const names: string[] = [];
  for (const captured of result.files) {
    if (captured.rejected) errors.push({ code: 'file_rejected', message: captured.rejected, step });
    const file = captured.stored;
    if (!file || state.files.some((known) => known.checksum === file.checksum)) continue;
    state.files.push(file);
    names.push(file.filename);
  }

  return names;
}

/** Errors that say nothing about why the goal was not met. */
const INCIDENTAL_ERRORS = new Set(['screenshot_failed', 'trace_failed']);

/**
 * The last problem the run met (a refused file, a failed navigation, a blocked host), phrased
 * as a sentence, so a failure says what went wrong and not only that nothing was found.
 */
async function lastProblem(state: LoopState, current: RunError[]): Promise<string | null> {
  const run = await state.input.store.get(state.input.run.run_id);
  const problems = [...(run?.errors ?? []), ...current].filter(
    (error) => !INCIDENTAL_ERRORS.has(error.code),
  );
  const last = problems.at(-1);
  if (!last) return null;
  const text = last.message.trim().replace(/[.\s]+$/, '');

  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

async function concludeWith(
  state: LoopState,
  decision: Exclude<Decision, { kind: 'act' }>,
  step: number,
  errors: RunError[],
): Promise<Outcome> {
  // downloads still under way end first, so the outcome names every file the run keeps
  const timeoutMs = actionTimeoutMs(state);
  const settled = await watchingRun(state, () => state.input.session.settle(timeoutMs));
  recordFiles(state, settled, step, errors);
  errors.push(...settled.errors.map((error) => ({ ...error, step })));
  state.pending = settled.pendingDownloads;
  if (decision.kind === 'impossible') {
    return { status: 'terminated', summary: decision.reason, failure_reason: decision.reason };
  }
  if (decision.kind === 'stuck') {
    const cause = await lastProblem(state, errors);
    const failure = cause ? `${cause} ${decision.reason}` : decision.reason;
    return { status: 'failed', summary: withFiles(failure, state.files), failure_reason: failure };
  }
  if (state.files.length === 0) {
    const reason = `The planner reported the goal met, but no file was stored: ${decision.summary}`;
    return { status: 'failed', summary: reason, failure_reason: reason };
  }

  const summary = summaryWithFiles(decision.summary, state.files);

  return { status: 'completed', summary, failure_reason: null };
}

/**
 * Records the step: its errors and checkpoint at once, its screenshot in the background (see
 * LoopState.shot). A step that only concluded right after a step with a screenshot takes none:
 * it did nothing to the page, which the last screenshot already shows.
 */
async function recordStep(state: LoopState, step: number, errors: RunError[], acted: boolean) {
  const { input } = state;
  state.checkpoint = { ...state.checkpoint, step_count: step, files: state.files };
  state.stepsTaken += 1;
  const takeShot = acted || !state.lastStepShot;
  state.lastStepShot = takeShot;
  await Promise.all([
    input.store.appendErrors(input.run.run_id, errors),
    input.saveCheckpoint(state.checkpoint),
    input.store.update(input.run.run_id, { step_count: step }),
  ]);
  if (takeShot) state.shot = screenshot(state, step);
}

/** Takes the step's screenshot, stores it and adds it to the run (or records why it failed). */
async function screenshot(state: LoopState, step: number): Promise<void> {
  const { input } = state;
  try {
    const image = await input.session.screenshot(input.run.request.max_screenshot_scrolling_times);
    const { key } = await input.artifacts.putBytes(
      runKeys.screenshot(input.run.run_id, step),
      image,
      'image/png',
    );
    const run = await input.store.get(input.run.run_id);
    const keys = (run?.screenshot_keys ?? []).filter((known) => known !== key);
    await input.store.update(input.run.run_id, { screenshot_keys: [...keys, key] });
  } catch (error) {
    const message = `Step screenshot failed: ${firstLineOf(error)}`;
    const failure = { code: 'screenshot_failed', message, step };
    await input.store.appendErrors(input.run.run_id, [failure]).catch(() => undefined);
  }
}
