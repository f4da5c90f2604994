import './promise-polyfill.ts';
import { ExecutionTimeoutError, type RunOptions, StateMachine } from 'aws-local-stepfunctions';
import { isTerminal } from '../contracts/run.ts';
import type { Logger } from '../log.ts';
import { newDeliveryId } from '../notify/webhook.ts';
import type { RunRecord } from '../runs/run-record.ts';
import type { RunStore } from '../runs/run-store.ts';
import { STATE } from './definition.ts';
import { type ExecutionInput, executionInput } from './payloads.ts';
import type { RunJournal } from './run-journal.ts';
import type { WorkflowStarter } from './starter.ts';
import { endAbandonedRun } from './sweep.ts';

type TaskHandler = (input: unknown) => Promise<unknown>;
type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

/** The in-process handlers of the Task states. */
export interface LocalTaskHandlers {
  prepare: TaskHandler;
  browserStep: TaskHandler;
  finalize: TaskHandler;
  webhook: TaskHandler;
  publishEvent: TaskHandler;
}

export interface LocalRunnerOptions {
  /** The state machine definition (from buildDefinition or a synthesized template). */
  definition: Record<string, unknown>;
  handlers: LocalTaskHandlers;
  store: RunStore;
  logger: Logger;
  runTimeoutS: number;
  /** Milliseconds each Retry waits, per state name, instead of the definition's backoff. */
  retryIntervalOverrides?: Record<string, number | number[]>;
  /** Keeps the runs under way, so that {@link LocalRunner.resume} can take them up again. */
  journal?: RunJournal;
}

/** The handlers keyed by the name of the Task state they stand for. */
function bindTaskStates(handlers: LocalTaskHandlers): LocalHandlers {
  const byState: Record<string, TaskHandler> = {
    [STATE.prepare]: handlers.prepare,
    [STATE.browserStep]: handlers.browserStep,
    [STATE.finalize]: handlers.finalize,
    [STATE.webhook]: handlers.webhook,
    [STATE.recordWebhookFailure]: handlers.webhook,
    [STATE.publishEvent]: handlers.publishEvent,
  };

  return byState as unknown as LocalHandlers;
}

/**
 * Runs the state machine of runs in this process with aws-local-stepfunctions, each Task state
 * bound to its handler: the local mode's stand-in for Step Functions.
 */
export class LocalRunner implements WorkflowStarter {
  readonly #machine: StateMachine;
  readonly #options: LocalRunnerOptions;
  readonly #loops = new Map<string, Promise<void>>();
  readonly #all = new Set<Promise<void>>();
  #closed = false;

  constructor(options: LocalRunnerOptions) {
    // biome-ignore lint/suspicious/noExplicitAny: the library's definition type is a closed union
    this.#machine = new StateMachine(options.definition as any);
    this.#options = options;
  }

  async start(run: RunRecord): Promise<void> {
    await this.#options.store.transition(run.run_id, ['created'], 'queued');
    this.#runLoop(run.run_id);
  }

  /**
   * Takes up the runs of the journal that have not ended (their process stopped mid-run): each
   * resumes from its checkpoint. Returns their ids.
   */
  async resume(): Promise<string[]> {
    const { journal, store } = this.#options;
    const resumed: string[] = [];
    for (const runId of journal?.read() ?? []) {
      const run = await store.get(runId);
      if (!run || isTerminal(run.status)) {
        journal?.remove(runId);
        continue;
      }
      this.#runLoop(runId);
      resumed.push(runId);
    }

    return resumed;
  }

  /**
   * Stops taking up work: executions still under way are left as they are (the process is about
   * to end), and their runs are resumed by {@link resume} at the next start.
   */
  close(): void {
    this.#closed = true;
  }

  /**
   * A running loop sees the cancel before its next step and then finalizes and notifies; a run
   * with no loop in this process (queued before a restart) is finalized and notified here.
   */
  async stop(run: RunRecord, reason: string): Promise<void> {
    this.#options.logger.info('run stop requested', { run_id: run.run_id, reason });
    if (this.#loops.has(run.run_id)) return;
    void this.#launch(executionInput(run.run_id, 'finish'));
  }

  async notify(run: RunRecord, webhookUrl: string): Promise<void> {
    const webhook = { url: webhookUrl, delivery_id: newDeliveryId() };
    void this.#launch(executionInput(run.run_id, 'webhook', { run: null, webhook }));
  }

  /** Resolves when every execution started so far has ended (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.#all.size > 0) await Promise.all([...this.#all]);
  }

  /** Resolves when the run's loop (not its notifications) has ended. */
  async loopEnded(runId: string): Promise<void> {
    await this.#loops.get(runId);
  }

  #runLoop(runId: string): void {
    this.#options.journal?.add(runId);
    const loop = this.#launch(executionInput(runId, 'run'));
    this.#loops.set(runId, loop);
    void loop.finally(() => {
      this.#loops.delete(runId);
      if (!this.#closed) this.#options.journal?.remove(runId);
    });
  }

  #launch(input: ExecutionInput): Promise<void> {
    const { handlers, retryIntervalOverrides } = this.#options;
    const execution = this.#machine.run(input, {
      overrides: {
        taskResourceLocalHandlers: bindTaskStates(handlers),
        retryIntervalOverrides,
      },
    });
    const ended = execution.result
      .then(
        () => undefined,
        (error: unknown) => this.#onFailed(input, error),
      )
      .catch((error: unknown) => {
        this.#options.logger.error('run could not be ended', {
          run_id: input.run_id,
          error_message: error instanceof Error ? error.message : String(error),
        });
      });
    this.#all.add(ended);
    void ended.finally(() => this.#all.delete(ended));

    return ended;
  }

  async #onFailed(input: ExecutionInput, error: unknown): Promise<void> {
    const timedOut = error instanceof ExecutionTimeoutError;
    this.#options.logger.error('execution ended without finalizing', {
      run_id: input.run_id,
      stage: input.stage,
      timed_out: timedOut,
      error_message: error instanceof Error ? error.message : String(error),
    });
    if (input.stage === 'webhook' || this.#closed) return;
    const { store, runTimeoutS } = this.#options;
    const ended = await endAbandonedRun(
      store,
      input.run_id,
      timedOut ? 'timed_out' : 'failed',
      runTimeoutS,
    );
    if (ended) void this.#launch(executionInput(input.run_id, 'finish'));
  }
}
