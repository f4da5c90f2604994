import type { Run } from '../contracts/run.ts';
import { isTerminal } from '../contracts/run.ts';
import { BadRequestError, ConflictError } from '../errors.ts';
import type { TargetCheck } from '../runs/create-run.ts';
import { getOwnedRun } from '../runs/get-run.ts';
import type { RunRecord } from '../runs/run-record.ts';
import type { RunStore } from '../runs/run-store.ts';
import type { WebhookSender } from './webhook-sender.ts';

export interface RetryWebhookDeps {
  store: RunStore;
  sender: WebhookSender;
  /** Builds the run object that is delivered, as GET would show it. */
  view: (record: RunRecord) => Promise<Run>;
  checkTargets?: TargetCheck;
}

/**
 * Sends an ended run's webhook once more, to `webhookUrl` when given, else to the run's own
 * `webhook_url`. The outcome is kept on the run as `webhook_failure_reason` (null on success).
 */
export async function retryWebhook(
  owner: string,
  runId: string,
  webhookUrl: string | null,
  deps: RetryWebhookDeps,
): Promise<RunRecord> {
  const record = await getOwnedRun(deps.store, owner, runId);
  if (!isTerminal(record.status)) {
    throw new ConflictError(
      `Run ${runId} has not ended (status ${record.status}); its webhook is sent when it ends`,
    );
  }
  const url = webhookUrl ?? record.request.webhook_url;
  if (!url) {
    throw new BadRequestError(
      `Run ${runId} has no webhook_url; pass one as {"webhook_url": "..."}`,
    );
  }
  await deps.checkTargets?.({ webhook_url: url });

  const delivery = await deps.sender.send(await deps.view(record), url);
  const reason = delivery.ok ? null : (delivery.reason ?? 'The webhook was not accepted');
  if (reason) {
    await deps.store.appendErrors(runId, [{ code: 'webhook_failed', message: reason, step: null }]);
  }

  return deps.store.update(runId, { webhook_failure_reason: reason });
}
