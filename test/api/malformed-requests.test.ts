import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_STATUSES } from '../../lib/contracts/run.ts';
import { type LocalApi, QUEUE_ONLY, startLocalApi, VALID_TASK } from '../support/local-api.ts';
import { invalidBody, validBody } from '../support/malformed.ts';

const CREATE = '/v1/run/tasks/download_files';
const REQUESTS = 1200;
const PUBLIC_OR_LIST = ['/healthz', '/openapi.json', '/v1/runs'];

interface Probe {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

let api: LocalApi;
let endedRunId: string;

beforeAll(async () => {
  api = await startLocalApi({}, QUEUE_ONLY);
  endedRunId = (await api.call('POST', CREATE, VALID_TASK)).json.run_id;
  await api.call('POST', `/v1/runs/${endedRunId}/cancel`);
});
afterAll(() => api.close());

const printable = (max: number) => fc.stringMatching(new RegExp(`^[\\x21-\\x7e]{1,${max}}$`));

function looksValid(text: string): boolean {
  try {
    const value = JSON.parse(text);
    return typeof value === 'object' && value !== null && 'navigation_goal' in value;
  } catch {
    return false;
  }
}

function probes(devKey: string): fc.Arbitrary<Probe> {
  const json = { 'content-type': 'application/json', 'x-api-key': devKey };
  const post = (body: string, headers: Record<string, string> = json): Probe => ({
    method: 'POST',
    path: CREATE,
    headers,
    body,
  });

  return fc.oneof(
    { weight: 4, arbitrary: invalidBody.map((body) => post(JSON.stringify(body))) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.jsonValue().map((value) => JSON.stringify(value)),
          fc.string({ minLength: 1 }),
        )
        .filter((text) => !looksValid(text))
        .map((text) => post(text)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          validBody,
          fc.stringMatching(/^[a-z]{1,12}\/[a-z0-9.+-]{1,20}$/).filter((t) => !t.includes('json')),
        )
        .map(([body, type]) =>
          post(JSON.stringify(body), { 'content-type': type, 'x-api-key': devKey }),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          validBody,
          fc.constantFrom('x-api-key', 'authorization', 'x-api-key-2'),
          printable(80),
        )
        .filter(([, , key]) => key !== devKey && key !== `Bearer ${devKey}`)
        .map(([body, name, key]) =>
          post(JSON.stringify(body), { 'content-type': 'application/json', [name]: key }),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
          fc.oneof(
            fc.webPath(),
            fc.webSegment().map((id) => `/v1/runs/${id}`),
            fc.webSegment().map((id) => `/v1/runs/${id}/cancel`),
            fc.webSegment().map((id) => `/v1/runs/${id}/retry_webhook`),
            fc.constantFrom('/v1/run/tasks', '/v1/credentials/totp', CREATE),
          ),
        )
        .filter(
          ([method, path]) =>
            !(method === 'GET' && PUBLIC_OR_LIST.includes(path.replace(/(.)\/$/, '$1'))),
        )
        .map(([method, path]) => ({ method, path, headers: { 'x-api-key': devKey } })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record(
          {
            status: fc.string().filter((s) => !(RUN_STATUSES as readonly string[]).includes(s)),
            page_size: fc.oneof(
              fc.integer({ max: 0 }),
              fc.integer({ min: 101 }),
              fc.string({ minLength: 1 }),
            ),
            cursor: fc.string({ minLength: 1 }),
          },
          { requiredKeys: [] },
        )
        .filter((query) => Object.keys(query).length > 0)
        .map((query) => ({
          method: 'GET',
          path: `/v1/runs?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`,
          headers: { 'x-api-key': devKey },
        })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record(
          { totp_identifier: fc.jsonValue(), content: fc.jsonValue(), extra: fc.jsonValue() },
          { requiredKeys: ['extra'] },
        )
        .map((body) => ({ ...post(JSON.stringify(body)), path: '/v1/credentials/totp' })),
    },
    {
      weight: 1,
      // The ended run has no webhook_url, so only a body naming one could send anything.
      arbitrary: fc
        .jsonValue()
        .filter((body) => !(body && typeof body === 'object' && 'webhook_url' in body))
        .map((body) => ({
          ...post(JSON.stringify(body)),
          path: `/v1/runs/${endedRunId}/retry_webhook`,
        })),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 257 * 1024, max: 400 * 1024 })
        .map((size) => post(JSON.stringify({ ...VALID_TASK, navigation_goal: 'x'.repeat(size) }))),
    },
  );
}

describe('malformed requests', () => {
  it(`answers ${REQUESTS} generated malformed bodies, headers and paths with a JSON 4xx and writes no run`, async () => {
    const before = await api.countRuns();
    const statuses = new Map<number, number>();

    await fc.assert(
      fc.asyncProperty(probes(api.devKey), async (probe) => {
        const response = await fetch(`${api.url}${probe.path}`, {
          method: probe.method,
          headers: probe.headers,
          body: probe.body,
        });
        const text = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);

        expect(
          response.status,
          `${probe.method} ${probe.path}: ${text.slice(0, 300)}`,
        ).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(response.headers.get('content-type')).toContain('application/json');
        expect(JSON.parse(text)).toHaveProperty('detail');
      }),
      { numRuns: REQUESTS },
    );

    expect(await api.countRuns()).toBe(before);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(REQUESTS);
    console.log('answers by status:', Object.fromEntries([...statuses].sort()));
  });
});
