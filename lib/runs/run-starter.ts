import type { RunRecord } from './run-record.ts';
import type { RunStore } from './run-store.ts';

/**
 * Starts and stops the work behind a run. In AWS this is a Step Functions execution named after
 * the run; in the local mode, the local state machine runner.
 */
export interface RunStarter {
  /** Starts the run's work; the run is `queued` once this resolves. */
  start(run: RunRecord): Promise<void>;
  /**
   * Stops the work of a run that has just been given a terminal status (a cancel). The status is
   * already written; this only ends the work and announces the end.
   */
  stop(run: RunRecord, reason: string): Promise<void>;
}

/**
 * A starter that only queues runs: the local mode uses it until the state machine can be run
 * locally. Queued runs wait; a cancel ends them.
 */
export class QueueOnlyRunStarter implements RunStarter {
  readonly #store: RunStore;

  constructor(store: RunStore) {
    this.#store = store;
  }

  async start(run: RunRecord): Promise<void> {
    await this.#store.transition(run.run_id, ['created'], 'queued');
  }

  async stop(): Promise<void> {
    // Nothing runs behind a queued run here, so there is no work to end.
  }
}
