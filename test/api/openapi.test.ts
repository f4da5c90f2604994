import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApi, QUEUE_ONLY, startLocalApi, VALID_TASK } from '../support/local-api.ts';
import { invalidBody, validBody } from '../support/malformed.ts';

let api: LocalApi;
// biome-ignore lint/suspicious/noExplicitAny: the document is read as plain JSON
let doc: Record<string, any>;

beforeAll(async () => {
  api = await startLocalApi({}, QUEUE_ONLY);
  doc = await (await fetch(`${api.url}/openapi.json`)).json();
});
afterAll(() => api.close());

/** Whether the API accepts a body: anything but a 422 got past the schema. */
async function apiAccepts(body: unknown): Promise<boolean> {
  const { status } = await api.call('POST', '/v1/run/tasks/download_files', body);
  expect([200, 400, 422]).toContain(status);

  return status !== 422;
}

function documentSchemaFor(name: string) {
  const ajv = new Ajv2020({ allErrors: true });
  // The component schemas are reached as in the document, through #/components/schemas/.
  ajv.addKeyword('components');
  ajv.addSchema({ $id: 'retriever', components: doc.components });

  return ajv.compile({ $ref: `retriever#/components/schemas/${name}` });
}

const SAMPLES: unknown[] = [
  VALID_TASK,
  { ...VALID_TASK, url: 'example.com' },
  { ...VALID_TASK, url: 'localhost:8080/report' },
  { navigation_goal: 'x', url: null, browser_address: 'ws://127.0.0.1:9222/devtools/browser/1' },
  { navigation_goal: 'x', browser_session_id: 'pbs_abc' },
  { ...VALID_TASK, extra_http_headers: { 'X-Tenant': 'acme', Cookie: 'a=b' } },
  {
    ...VALID_TASK,
    max_steps_per_run: 50,
    max_screenshot_scrolling_times: 20,
    download_timeout: 900,
  },
  { ...VALID_TASK, proxy_location: 'RESIDENTIAL_JP' },
  {},
  [],
  'a string',
  { url: 'https://example.com' },
  { ...VALID_TASK, unknown: 1 },
  { ...VALID_TASK, url: 'ftp://example.com' },
  { ...VALID_TASK, url: null },
  { ...VALID_TASK, webhook_url: 'example.com/hook' },
  { ...VALID_TASK, max_steps_per_run: 51 },
  { ...VALID_TASK, max_steps_per_run: 2.5 },
  { ...VALID_TASK, download_timeout: 0 },
  { ...VALID_TASK, max_screenshot_scrolling_times: 21 },
  { ...VALID_TASK, proxy_location: 'MOON' },
  { ...VALID_TASK, extra_http_headers: { Host: 'internal' } },
  { ...VALID_TASK, extra_http_headers: { 'Proxy-Authorization': 'x' } },
  { ...VALID_TASK, extra_http_headers: { 'bad name': 'x' } },
  {
    ...VALID_TASK,
    extra_http_headers: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`X-${i}`, 'v'])),
  },
  { ...VALID_TASK, browser_profile_id: 'bp_1', browser_address: 'http://127.0.0.1:9222' },
  { ...VALID_TASK, navigation_goal: '' },
];

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document, and the validator refuses a broken one', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc);
    const broken = await new Validator().validate({
      ...doc,
      paths: { '/x': { get: { responses: 5 } } },
    });

    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(broken.valid).toBe(false);
  });

  it('documents every operation of the contract', () => {
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/healthz',
      '/openapi.json',
      '/v1/browser_profiles',
      '/v1/browser_profiles/{profile_id}',
      '/v1/browser_sessions',
      '/v1/browser_sessions/{session_id}',
      '/v1/browser_sessions/{session_id}/close',
      '/v1/credentials/totp',
      '/v1/run/tasks/download_files',
      '/v1/runs',
      '/v1/runs/{run_id}',
      '/v1/runs/{run_id}/cancel',
      '/v1/runs/{run_id}/retry_webhook',
    ]);
  });

  it('has a request schema that accepts and rejects the same sample bodies as the API', async () => {
    const validate = documentSchemaFor('TaskRequest');
    const verdicts = { accepted: 0, rejected: 0 };

    for (const sample of SAMPLES) {
      const accepted = await apiAccepts(sample);
      expect(validate(sample), JSON.stringify(sample).slice(0, 200)).toBe(accepted);
      verdicts[accepted ? 'accepted' : 'rejected']++;
    }

    expect(verdicts.accepted).toBeGreaterThanOrEqual(8);
    expect(verdicts.rejected).toBeGreaterThanOrEqual(15);
  });

  it('agrees with the API on 200 generated valid and invalid bodies', async () => {
    const validate = documentSchemaFor('TaskRequest');

    await fc.assert(
      fc.asyncProperty(fc.oneof(validBody, invalidBody), async (body) => {
        expect(validate(body)).toBe(await apiAccepts(body));
      }),
      { numRuns: 200 },
    );
  });

  it('describes the runs the API answers with', async () => {
    const validate = documentSchemaFor('Run');
    const created = await api.call('POST', '/v1/run/tasks/download_files', {
      ...VALID_TASK,
      extra_http_headers: { 'X-A': 'b' },
    });
    const listed = await api.call('GET', '/v1/runs?page_size=3');

    expect(validate(created.json), JSON.stringify(validate.errors)).toBe(true);
    expect(documentSchemaFor('RunList')(listed.json)).toBe(true);
    expect(validate({ ...created.json, status: 'paused' })).toBe(false);
  });
});
