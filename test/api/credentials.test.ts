import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../lib/aws.ts';
import { DEV_OWNER } from '../../lib/local/local-mode.ts';
import { DynamoCodeStore } from '../../lib/otp/code-store.ts';
import { type LocalApi, QUEUE_ONLY, startLocalApi } from '../support/local-api.ts';

const PUSH = '/v1/credentials/totp';
let api: LocalApi;
let codes: DynamoCodeStore;
let clients: ReturnType<typeof createAwsClients>;

beforeAll(async () => {
  api = await startLocalApi({}, QUEUE_ONLY);
  clients = createAwsClients(api.local.config);
  codes = new DynamoCodeStore(clients.dynamodb, api.local.config.CODES_TABLE);
});
afterAll(async () => {
  clients.dynamodb.destroy();
  clients.s3.destroy();
  await api.close();
});

describe('POST /v1/credentials/totp', () => {
  it('stores a pushed code for the identifier and never echoes it', async () => {
    const { status, json } = await api.call('POST', PUSH, {
      totp_identifier: 'ana@example.com',
      content: '902113',
    });

    expect(status).toBe(200);
    expect(Object.keys(json).sort()).toEqual([
      'code_id',
      'created_at',
      'expires_at',
      'totp_identifier',
    ]);
    expect(JSON.stringify(json)).not.toContain('902113');
    expect(await codes.take(DEV_OWNER, 'ana@example.com')).toBe('902113');
  });

  it('takes the code out of a pushed e-mail text', async () => {
    const content =
      'Hello Ana,\n\nYour one-time code for Acme Billing is 558201.\nIt expires in 10 minutes.';

    const { status } = await api.call('POST', PUSH, { totp_identifier: 'mail', content });

    expect(status).toBe(200);
    expect(await codes.take(DEV_OWNER, 'mail')).toBe('558201');
  });

  it('refuses a message without a code with 400', async () => {
    const { status, json } = await api.call('POST', PUSH, {
      totp_identifier: 'x',
      content: 'Welcome aboard! We are glad to have you with us.',
    });

    expect(status).toBe(400);
    expect(json.detail).toContain('No one-time code found');
  });

  it('reports missing and unknown fields with 422', async () => {
    const { status, json } = await api.call('POST', PUSH, { content: '1234', code: '1234' });

    expect(status).toBe(422);
    expect(json.detail.map((entry: { loc: string[] }) => entry.loc)).toEqual([
      ['body', 'totp_identifier'],
      ['body', 'code'],
    ]);
  });

  it('needs a key', async () => {
    const response = await fetch(`${api.url}${PUSH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ totp_identifier: 'x', content: '1234' }),
    });

    expect(response.status).toBe(403);
  });
});
