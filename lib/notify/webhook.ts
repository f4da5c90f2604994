import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { ulid } from 'ulid';
import type { Run } from '../contracts/run.ts';
import { BlockedAddressError, RetrieverError } from '../errors.ts';
import type { WebhookDelivery, WebhookSender } from './webhook-sender.ts';

/** How long one delivery attempt may take (section 5 of the contract). */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * Sends one POST and answers its HTTP status. Implementations apply the network rules to the URL
 * (and to every redirect) and throw {@link BlockedAddressError} for a refused destination.
 */
export type PostFn = (
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
) => Promise<{ status: number }>;

/** A delivery id: the same for every attempt of one delivery, so receivers can de-duplicate. */
export function newDeliveryId(): string {
  return `msg_${ulid()}`;
}

/** A new webhook secret in the Standard Webhooks format: `whsec_` and 32 random bytes, base64. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export interface WebhookSenderOptions {
  /** `whsec_…` secret (WEBHOOK_SECRET). */
  secret: string;
  post: PostFn;
  clock?: () => Date;
  /** @default WEBHOOK_TIMEOUT_MS */
  timeoutMs?: number;
}

/** Delivers a run to a webhook URL, signed per the Standard Webhooks convention. */
export class StandardWebhookSender implements WebhookSender {
  readonly #signer: Webhook;
  readonly #post: PostFn;
  readonly #clock: () => Date;
  readonly #timeoutMs: number;

  constructor(options: WebhookSenderOptions) {
    if (!options.secret.startsWith('whsec_')) {
      throw new Error('WEBHOOK_SECRET must be a whsec_ secret (base64 after the prefix)');
    }
    this.#signer = new Webhook(options.secret);
    this.#post = options.post;
    this.#clock = options.clock ?? (() => new Date());
    this.#timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  }

  /** One delivery attempt, bounded by the timeout. Never throws. */
  async send(run: Run, url: string, deliveryId = newDeliveryId()): Promise<WebhookDelivery> {
    const body = JSON.stringify(run);
    const now = this.#clock();
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Retriever-Webhooks/1',
      'webhook-id': deliveryId,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': this.#signer.sign(deliveryId, now, body),
    };
    try {
      const { status } = await this.#post(url, body, headers, this.#timeoutMs);
      if (status >= 200 && status < 300) return { ok: true };

      return { ok: false, retryable: true, reason: `The webhook endpoint answered HTTP ${status}` };
    } catch (error) {
      return failureOf(error, url, this.#timeoutMs);
    }
  }
}

function failureOf(error: unknown, url: string, timeoutMs: number): WebhookDelivery {
  if (error instanceof BlockedAddressError) {
    return { ok: false, retryable: false, reason: `The webhook URL is refused: ${error.message}` };
  }
  if (error instanceof RetrieverError && error.code === 'too_many_redirects') {
    const reason = `The webhook endpoint ${safeHost(url)} answered with a redirect, which is not followed`;
    return { ok: false, retryable: false, reason };
  }
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError' || /timed out/.test(String(error))) {
    const reason = `The webhook endpoint did not answer within ${timeoutMs / 1000} s`;
    return { ok: false, retryable: true, reason };
  }
  const detail = error instanceof Error ? error.message : String(error);

  return {
    ok: false,
    retryable: true,
    reason: `The webhook endpoint ${safeHost(url)} could not be reached (${detail})`,
  };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'URL';
  }
}
