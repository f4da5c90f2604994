import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalApi, QUEUE_ONLY, startLocalApi, VALID_TASK } from '../support/local-api.ts';

const HEADER_SECRET = 'hdr-secret-6b1f0c';
const CODE = '918273';
let api: LocalApi;
let logged = '';

beforeAll(async () => {
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk, ...rest) => {
    logged += String(chunk);
    return write(chunk, ...(rest as []));
  });
  api = await startLocalApi({ LOG_LEVEL: 'DEBUG' }, QUEUE_ONLY);
});
afterAll(async () => {
  await api.close();
  vi.restoreAllMocks();
});

describe('logs', () => {
  it('carry requests but no key, header value or one-time code', async () => {
    await api.call('POST', '/v1/run/tasks/download_files', {
      ...VALID_TASK,
      extra_http_headers: { Authorization: `Bearer ${HEADER_SECRET}` },
    });
    await api.call('POST', '/v1/credentials/totp', {
      totp_identifier: 'ana',
      content: `Your code is ${CODE}`,
    });
    await api.call('GET', '/v1/runs', undefined, { 'x-api-key': 'rtv_wrong-key-7f3e' });

    expect(logged).toContain('Request served');
    for (const secret of [api.devKey, 'rtv_wrong-key-7f3e', HEADER_SECRET, CODE]) {
      expect(logged).not.toContain(secret);
    }
  });
});
