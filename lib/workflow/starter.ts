import type { RunRecord } from '../runs/run-record.ts';
import type { RunStarter } from '../runs/run-starter.ts';

/** A run starter that can also deliver a run's terminal webhook again (retry_webhook). */
export interface WorkflowStarter extends RunStarter {
  /** Delivers the run's terminal webhook to `webhookUrl`, with the webhook state's retries. */
  notify(run: RunRecord, webhookUrl: string): Promise<void>;
}
