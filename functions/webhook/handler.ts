import { loadConfig } from '../../lib/config.ts';
import { createAddressPolicyFromConfig } from '../../lib/net/address-policy.ts';
import {
  type DeliverDeps,
  deliverWebhook,
  recordWebhookFailure,
} from '../../lib/notify/deliver.ts';
import { createSafePost } from '../../lib/notify/post.ts';
import { StandardWebhookSender } from '../../lib/notify/webhook.ts';
import { WebhookEventSchema } from '../../lib/workflow/payloads.ts';
import { createWorkflowServices } from '../../lib/workflow/services.ts';

/**
 * The Webhook and RecordWebhookFailure states: one signed delivery attempt, or, after the retries,
 * the failure kept on the run.
 */
export function createHandler(deps: DeliverDeps) {
  return async (event: unknown): Promise<unknown> => {
    const parsed = WebhookEventSchema.parse(event);
    if (parsed.action === 'record_failure') {
      return recordWebhookFailure(deps, parsed.run_id, parsed.error);
    }

    return deliverWebhook(deps, parsed.run_id, parsed.webhook);
  };
}

let real: ReturnType<typeof createHandler> | undefined;

export const handler = (event: unknown): Promise<unknown> => {
  if (!real) {
    const services = createWorkflowServices(loadConfig(), 'webhook');
    const sender = new StandardWebhookSender({
      secret: services.config.WEBHOOK_SECRET,
      post: createSafePost(createAddressPolicyFromConfig(services.config, services.logger)),
    });
    real = createHandler({ ...services, sender });
  }

  return real(event);
};
