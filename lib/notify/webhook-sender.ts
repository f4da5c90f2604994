import type { Run } from '../contracts/run.ts';

/** The outcome of one delivery attempt; `reason` says why it failed, for `webhook_failure_reason`. */
export interface WebhookDelivery {
  ok: boolean;
  reason?: string;
}

/**
 * Delivers the terminal run to a webhook URL, signed per section 5 of the contract. One call is
 * one delivery attempt, bounded by the 10 s timeout; retrying is the caller's business.
 */
export interface WebhookSender {
  send(run: Run, url: string): Promise<WebhookDelivery>;
}
