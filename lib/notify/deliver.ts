import { RetrieverError, RunNotFoundError, WebhookDeliveryError } from '../errors.ts';
import type { ArtifactStore } from '../files/artifact-store.ts';
import type { Logger } from '../log.ts';
import type { RunStore } from '../runs/run-store.ts';
import { type RunViewDeps, toRunView } from '../runs/run-view.ts';
import { messageOf, type StateError, type WebhookTarget } from '../workflow/payloads.ts';
import type { WebhookSender } from './webhook-sender.ts';

export interface DeliverDeps {
  store: RunStore;
  artifacts: Pick<ArtifactStore, 'signedUrl'>;
  view: Omit<RunViewDeps, 'artifacts'>;
  sender: WebhookSender;
  logger: Logger;
}

/** A webhook destination that no retry can reach (refused by the network rules). */
export class WebhookRefusedError extends RetrieverError {
  constructor(message: string) {
    super('webhook_refused', message);
    this.name = 'WebhookRefusedError';
  }
}

/**
 * One delivery attempt of a run's terminal webhook, with the run as it is now (fresh signed
 * URLs). Throws {@link WebhookDeliveryError} for a failure worth retrying.
 */
export async function deliverWebhook(
  deps: DeliverDeps,
  runId: string,
  target: WebhookTarget,
): Promise<{ delivered: true }> {
  const run = await deps.store.get(runId);
  if (!run) throw new RunNotFoundError(runId);
  const view = await toRunView(run, { ...deps.view, artifacts: deps.artifacts });

  const result = await deps.sender.send(view, target.url, target.delivery_id);
  if (!result.ok) {
    const reason = result.reason ?? 'The webhook delivery failed';
    deps.logger.warn('webhook attempt failed', { run_id: runId, delivery_id: target.delivery_id });
    if (result.retryable === false) throw new WebhookRefusedError(reason);
    throw new WebhookDeliveryError(reason);
  }
  deps.logger.info('webhook delivered', { run_id: runId, delivery_id: target.delivery_id });
  if (run.webhook_failure_reason !== null) {
    await deps.store.update(runId, { webhook_failure_reason: null });
  }

  return { delivered: true };
}

/**
 * Keeps the last webhook failure on the run (webhook_failure_reason and errors). The run's status
 * is never touched: a failed webhook does not change how the run ended.
 */
export async function recordWebhookFailure(
  deps: Pick<DeliverDeps, 'store' | 'logger'>,
  runId: string,
  error: StateError,
): Promise<{ recorded: true }> {
  const reason = messageOf(error);
  await deps.store.update(runId, { webhook_failure_reason: reason });
  await deps.store.appendErrors(runId, [{ code: 'webhook_failed', message: reason, step: null }]);
  deps.logger.error('webhook not delivered', { run_id: runId, error_name: error.Error });

  return { recorded: true };
}
