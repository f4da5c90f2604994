import { Webhook } from 'standardwebhooks';
import { ulid } from 'ulid';
import type { Run } from '../contracts/run.ts';
import type { WebhookDelivery, WebhookSender } from './webhook-sender.ts';

/** How long one delivery may take (section 5 of the contract). */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * Delivers runs signed per the Standard Webhooks convention (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`). Redirects are not followed: the destination was checked against the
 * network rules, and a redirect could lead past them.
 */
export class SignedWebhookSender implements WebhookSender {
  readonly #webhook: Webhook;
  readonly #clock: () => Date;

  /** `secret` is the deployment's WEBHOOK_SECRET: `whsec_` and base64 bytes. */
  constructor(secret: string, clock: () => Date = () => new Date()) {
    this.#webhook = new Webhook(secret);
    this.#clock = clock;
  }

  async send(run: Run, url: string): Promise<WebhookDelivery> {
    const id = `msg_${ulid()}`;
    const at = this.#clock();
    const body = JSON.stringify(run);
    try {
      const response = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': this.#webhook.sign(id, at, body),
        },
        body,
      });
      await response.body?.cancel();
      if (response.ok) return { ok: true };

      return { ok: false, reason: `The webhook answered HTTP ${response.status}` };
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      const reason = timedOut
        ? `The webhook did not answer within ${WEBHOOK_TIMEOUT_MS / 1000} s`
        : 'The webhook could not be reached';

      return { ok: false, reason };
    }
  }
}
