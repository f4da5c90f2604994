import type { Run } from '../contracts/run.ts';

/** The outcome of one delivery attempt; `reason` says why it failed, for `webhook_failure_reason`. */
export interface WebhookDelivery {
  ok: boolean;
  reason?: string;
  /** False when another attempt cannot succeed (a destination the network rules refuse). */
  retryable?: boolean;
}

/**
 * Delivers the terminal run to a webhook URL, signed per section 5 of the contract. One call is
 * one delivery attempt, bounded by the 10 s timeout; retrying is the caller's business (the
 * state machine's Webhook state, or the caller of retry_webhook).
 */
export interface WebhookSender {
  /** `deliveryId` is the same for every attempt of one delivery (the `webhook-id` header). */
  send(run: Run, url: string, deliveryId?: string): Promise<WebhookDelivery>;
}
