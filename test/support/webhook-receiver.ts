import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedDelivery {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  /** Whether the signature verified with the Standard Webhooks library. */
  verified: boolean;
  /** The status this receiver answered. */
  answered: number;
}

export interface WebhookReceiver {
  url: string;
  deliveries: ReceivedDelivery[];
  /** Deliveries answered 2xx. */
  accepted(): ReceivedDelivery[];
  close(): Promise<void>;
}

/**
 * A webhook endpoint on 127.0.0.1 that verifies each delivery with the Standard Webhooks library
 * and answers from `statuses` in turn (the last one repeats).
 */
export async function startWebhookReceiver(
  secret: string,
  statuses: number[] = [200],
): Promise<WebhookReceiver> {
  const verifier = new Webhook(secret);
  const deliveries: ReceivedDelivery[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = {
        'webhook-id': String(request.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(request.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(request.headers['webhook-signature'] ?? ''),
      };
      let verified = true;
      try {
        verifier.verify(body, headers);
      } catch {
        verified = false;
      }
      const answered = statuses[Math.min(deliveries.length, statuses.length - 1)];
      deliveries.push({
        id: headers['webhook-id'],
        timestamp: headers['webhook-timestamp'],
        signature: headers['webhook-signature'],
        body,
        verified,
        answered,
      });
      response.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hooks/retriever`,
    deliveries,
    accepted: () => deliveries.filter((delivery) => delivery.answered < 300),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
