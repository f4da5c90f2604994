import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toApiRequest } from '../../functions/api/handler.ts';
import { type LocalApi, QUEUE_ONLY, startLocalApi, VALID_TASK } from '../support/local-api.ts';

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
const CREATE = '/v1/run/tasks/download_files';

let api: LocalApi;

beforeAll(async () => {
  api = await startLocalApi({}, QUEUE_ONLY);
});
afterAll(() => api.close());

describe('names that Object.prototype also has', () => {
  it.each(NAMES)('ignores a query parameter named %s', async (name) => {
    for (const path of ['/healthz', '/v1/runs']) {
      const { status, headers } = await api.call('GET', `${path}?${name}=x&${name}=y`);

      expect(status).toBe(200);
      expect(headers.get('x-request-id')).toBeTruthy();
    }
  });

  it.each(NAMES)('ignores a request header named %s', async (name) => {
    const { status, headers } = await api.call('GET', '/v1/runs', undefined, { [name]: 'x' });

    expect(status).toBe(200);
    expect(headers.get('x-request-id')).toBeTruthy();
  });

  it('still refuses a wrong key when such a header is sent', async () => {
    const wrong = { 'x-api-key': 'not-a-key' };
    const plain = await api.call('GET', '/v1/runs', undefined, wrong);
    const odd = await api.call('GET', '/v1/runs', undefined, { ...wrong, constructor: 'x' });

    expect([401, 403]).toContain(plain.status);
    expect(odd.status).toBe(plain.status);
  });

  it('reads an API Gateway event with such names as plain headers and query values', () => {
    const request = toApiRequest({
      httpMethod: 'GET',
      path: '/v1/runs',
      headers: { __proto__: 'x', Constructor: 'y' },
      queryStringParameters: JSON.parse('{"__proto__":"a","toString":"b"}'),
      body: null,
      isBase64Encoded: false,
      requestContext: { requestId: 'r-1' },
    } as never);

    expect(Object.keys(request.query).sort()).toEqual(['__proto__', 'toString']);
    expect(request.query.toString).toBe('b');
    expect(request.headers.constructor).toBe('y');
    expect(request.headers.authorization).toBeUndefined();
  });

  it('creates a run while a query parameter named constructor is present', async () => {
    const { status } = await api.call('POST', `${CREATE}?constructor=1`, VALID_TASK);

    expect(status).toBe(200);
  });
});

describe('extra_http_headers named like Object.prototype members', () => {
  it('stores such headers with their values and shows them masked', async () => {
    const body = `{"url":"${VALID_TASK.url}","navigation_goal":"${VALID_TASK.navigation_goal}",
      "extra_http_headers":{"constructor":"v","toString":"t","valueOf":"w"}}`;
    const created = await api.call('POST', CREATE, body);

    expect(created.status).toBe(200);
    const names = ['constructor', 'toString', 'valueOf'];
    const shown = created.json.run_request.extra_http_headers;
    expect(Object.keys(shown).sort()).toEqual(names);
    expect(Object.values(shown)).toEqual(['***', '***', '***']);

    const read = await api.call('GET', `/v1/runs/${created.json.run_id}`);
    expect(read.status).toBe(200);
    expect(Object.keys(read.json.run_request.extra_http_headers).sort()).toEqual(names);

    const record = await api.local.runs.get(created.json.run_id);
    const stored = record?.request.extra_http_headers ?? {};
    expect(Object.entries(stored).sort()).toEqual([
      ['constructor', 'v'],
      ['toString', 't'],
      ['valueOf', 'w'],
    ]);
  });

  it('refuses a header named __proto__ with a 422 that names it', async () => {
    const body = `{"url":"${VALID_TASK.url}","navigation_goal":"${VALID_TASK.navigation_goal}",
      "extra_http_headers":{"__proto__":"w"}}`;
    const { status, json } = await api.call('POST', CREATE, body);

    expect(status).toBe(422);
    expect(json.detail[0].loc).toEqual(['body', 'extra_http_headers', '__proto__']);
  });
});
