import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/log.ts';
import { createAddressPolicy } from '../../lib/net/address-policy.ts';
import { createSigner, generateWebhookSecret } from '../../lib/notify/webhook.ts';
import { createCodeSource, TOTP_URL_POLL_LIMIT_MS } from '../../lib/otp/code-source.ts';
import { DynamoCodeStore } from '../../lib/otp/code-store.ts';
import { startTestEnvironment, type TestEnvironment } from '../support/embedded.ts';
import { runRecordFor } from '../support/runs.ts';

const secret = generateWebhookSecret();
let env: TestEnvironment;
let codes: DynamoCodeStore;
let server: http.Server;
let totpUrl: string;
const answers: string[] = [];
const asked: { body: unknown; verified: boolean }[] = [];
let now = Date.now();

beforeAll(async () => {
  env = await startTestEnvironment();
  codes = new DynamoCodeStore(env.clients.dynamodb, env.config.CODES_TABLE);
  server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let verified = true;
      try {
        new Webhook(secret).verify(body, request.headers as Record<string, string>);
      } catch {
        verified = false;
      }
      asked.push({ body: JSON.parse(body), verified });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ verification_code: answers.shift() ?? '' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  totpUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/codes`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await env.close();
});

function sourceFor(request: { totp_url?: string; totp_identifier?: string }) {
  const run = runRecordFor({ navigation_goal: 'log in', url: 'https://x.test/', ...request });
  const deps = {
    codes,
    policy: createAddressPolicy({ allowLoopback: true, allowedHosts: [] }),
    sign: createSigner(secret),
    clock: () => now,
    logger: createLogger('test', 'SILENT'),
  };
  return { run, source: createCodeSource(deps, run) };
}

describe('the one-time code source', () => {
  it('is absent for a run with neither totp_url nor totp_identifier', () => {
    expect(sourceFor({}).source).toBeUndefined();
  });

  it('asks the totp_url with a signed request until it answers a code', async () => {
    const { run, source } = sourceFor({ totp_url: totpUrl, totp_identifier: 'bank' });
    answers.push('', '493021');

    const first = await source!();
    const second = await source!();

    expect([first, second]).toEqual([null, '493021']);
    expect(asked.at(-1)).toEqual({
      body: { run_id: run.run_id, totp_identifier: 'bank' },
      verified: true,
    });
  });

  it('takes a pushed code for its identifier once, the newest first', async () => {
    const { run, source } = sourceFor({ totp_identifier: 'mail' });
    await codes.push(run.owner, 'mail', '111111');
    await codes.push(run.owner, 'mail', '222222');

    expect(await source!()).toBe('222222');
    expect(await source!()).toBe('111111');
    expect(await source!()).toBeNull();
  });

  it('stops asking the totp_url after 15 minutes and falls back to pushed codes', async () => {
    const { run, source } = sourceFor({ totp_url: totpUrl, totp_identifier: 'late' });
    await source!();
    const before = asked.length;
    now += TOTP_URL_POLL_LIMIT_MS + 1;
    await codes.push(run.owner, 'late', '333333');

    expect(await source!()).toBe('333333');
    expect(asked.length).toBe(before);
  });
});
