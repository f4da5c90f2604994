import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApi, QUEUE_ONLY, startLocalApi, VALID_TASK } from '../support/local-api.ts';

const SECRET = `whsec_${Buffer.from('a test secret of thirty-two byte').toString('base64')}`;

interface Delivery {
  headers: Record<string, string>;
  body: string;
}

let api: LocalApi;
let receiver: Server;
let receiverUrl: string;
let answerWith = 204;
const deliveries: Delivery[] = [];

beforeAll(async () => {
  api = await startLocalApi({ WEBHOOK_SECRET: SECRET }, QUEUE_ONLY);
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      deliveries.push({ headers: request.headers as Record<string, string>, body });
      response.writeHead(answerWith).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/runs`;
});
afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
  await api.close();
});

async function endedRun(webhookUrl: string | null) {
  const created = await api.call('POST', '/v1/run/tasks/download_files', {
    ...VALID_TASK,
    webhook_url: webhookUrl,
  });
  await api.call('POST', `/v1/runs/${created.json.run_id}/cancel`);

  return created.json.run_id as string;
}

describe('POST /v1/runs/{run_id}/retry_webhook', () => {
  it('sends the ended run again, signed per Standard Webhooks', async () => {
    const runId = await endedRun(receiverUrl);
    answerWith = 204;
    deliveries.length = 0;

    const { status, json } = await api.call('POST', `/v1/runs/${runId}/retry_webhook`);

    expect(status).toBe(200);
    expect(json.webhook_failure_reason).toBeNull();
    expect(deliveries).toHaveLength(1);
    const payload = new Webhook(SECRET).verify(deliveries[0].body, deliveries[0].headers) as {
      run_id: string;
    };
    expect(payload.run_id).toBe(runId);
    expect(JSON.parse(deliveries[0].body).status).toBe('canceled');
  });

  it('sends to the webhook_url of the body instead of the run’s own', async () => {
    const runId = await endedRun(null);
    answerWith = 200;
    deliveries.length = 0;

    const { status } = await api.call('POST', `/v1/runs/${runId}/retry_webhook`, {
      webhook_url: receiverUrl,
    });

    expect(status).toBe(200);
    expect(deliveries).toHaveLength(1);
  });

  it('keeps the failure on the run when the receiver refuses', async () => {
    const runId = await endedRun(receiverUrl);
    answerWith = 500;

    const { json } = await api.call('POST', `/v1/runs/${runId}/retry_webhook`);
    const read = await api.call('GET', `/v1/runs/${runId}`);

    expect(json.webhook_failure_reason).toBe('The webhook endpoint answered HTTP 500');
    expect(read.json.webhook_failure_reason).toBe('The webhook endpoint answered HTTP 500');
    expect(read.json.errors).toContainEqual({
      code: 'webhook_failed',
      message: 'The webhook endpoint answered HTTP 500',
      step: null,
    });
    expect(read.json.status).toBe('canceled');
  });

  it('answers 409 for a run that has not ended', async () => {
    const created = await api.call('POST', '/v1/run/tasks/download_files', {
      ...VALID_TASK,
      webhook_url: receiverUrl,
    });

    const { status, json } = await api.call(
      'POST',
      `/v1/runs/${created.json.run_id}/retry_webhook`,
    );

    expect(status).toBe(409);
    expect(json.detail).toContain('has not ended');
  });

  it('answers 400 when there is no webhook URL to send to', async () => {
    const runId = await endedRun(null);

    const { status, json } = await api.call('POST', `/v1/runs/${runId}/retry_webhook`);

    expect(status).toBe(400);
    expect(json.detail).toContain('has no webhook_url');
  });

  it('validates the optional body', async () => {
    const runId = await endedRun(receiverUrl);

    const bad = await api.call('POST', `/v1/runs/${runId}/retry_webhook`, {
      webhook_url: 'ftp://x',
      x: 1,
    });
    const plain = await api.call('POST', `/v1/runs/${runId}/retry_webhook`, 'webhook', {
      'content-type': 'text/plain',
    });

    const blocked = await api.call('POST', `/v1/runs/${runId}/retry_webhook`, {
      webhook_url: 'http://192.168.0.10/hook',
    });

    expect(blocked.status).toBe(400);
    expect(blocked.json.detail).toContain('192.168.0.10');
    expect(bad.status).toBe(422);
    expect(bad.json.detail.map((entry: { loc: string[] }) => entry.loc)).toEqual([
      ['body', 'webhook_url'],
      ['body', 'x'],
    ]);
    expect(plain.status).toBe(415);
  });
});
