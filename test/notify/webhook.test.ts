import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BlockedAddressError } from '../../lib/errors.ts';
import { createAddressPolicy } from '../../lib/net/address-policy.ts';
import { createSafePost } from '../../lib/notify/post.ts';
import { generateWebhookSecret, StandardWebhookSender } from '../../lib/notify/webhook.ts';
import { runRecordFor, viewOf } from '../support/runs.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

const secret = generateWebhookSecret();
const post = createSafePost(createAddressPolicy({ allowLoopback: true, allowedHosts: [] }));
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function receiver(statuses?: number[]): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver(secret, statuses);
  closers.push(started.close);
  return started;
}

const run = () =>
  viewOf(runRecordFor({ navigation_goal: 'get the invoice', url: 'https://x.test' }));

describe('StandardWebhookSender', () => {
  it('signs the run so that the Standard Webhooks library verifies it', async () => {
    const endpoint = await receiver();
    const view = await run();

    const result = await new StandardWebhookSender({ secret, post }).send(view, endpoint.url);

    expect(result).toEqual({ ok: true });
    expect(endpoint.deliveries).toHaveLength(1);
    const [delivery] = endpoint.deliveries;
    expect(delivery.verified).toBe(true);
    expect(delivery.id).toMatch(/^msg_/);
    expect(Math.abs(Number(delivery.timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(JSON.parse(delivery.body)).toEqual(view);
  });

  it('produces a signature that fails verification with another secret', async () => {
    const endpoint = await startWebhookReceiver(generateWebhookSecret());
    closers.push(endpoint.close);

    await new StandardWebhookSender({ secret, post }).send(await run(), endpoint.url);

    expect(endpoint.deliveries[0].verified).toBe(false);
  });

  it('keeps the delivery id it is given, so retries of one delivery share it', async () => {
    const endpoint = await receiver([500, 200]);
    const sender = new StandardWebhookSender({ secret, post });
    const view = await run();

    await sender.send(view, endpoint.url, 'msg_same');
    await sender.send(view, endpoint.url, 'msg_same');

    expect(endpoint.deliveries.map((delivery) => delivery.id)).toEqual(['msg_same', 'msg_same']);
  });

  it('reports a non-2xx answer as a retryable failure naming the status', async () => {
    const endpoint = await receiver([503]);

    const result = await new StandardWebhookSender({ secret, post }).send(
      await run(),
      endpoint.url,
    );

    expect(result).toEqual({
      ok: false,
      retryable: true,
      reason: 'The webhook endpoint answered HTTP 503',
    });
  });

  it('gives up on an endpoint that does not answer within the timeout', async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    closers.push(async () => {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;

    const sender = new StandardWebhookSender({ secret, post, timeoutMs: 200 });
    const result = await sender.send(await run(), url);

    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result.reason).toContain('did not answer within 0.2 s');
  });

  it('reports a destination refused by the network rules as not retryable', async () => {
    const refusing = async () => {
      throw new BlockedAddressError('10.0.0.5', 'private address');
    };

    const sender = new StandardWebhookSender({ secret, post: refusing });
    const result = await sender.send(await run(), 'http://10.0.0.5/hook');

    expect(result.ok).toBe(false);
    expect(result.retryable).toBe(false);
    expect(result.reason).toContain('10.0.0.5');
  });

  it('fails when the secret is not a whsec_ secret', () => {
    expect(() => new StandardWebhookSender({ secret: 'plain', post })).toThrow(/whsec_/);
  });
});
