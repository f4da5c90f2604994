import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApi, QUEUE_ONLY, startLocalApi, VALID_TASK } from '../support/local-api.ts';

const CREATE = '/v1/run/tasks/download_files';
let api: LocalApi;

beforeAll(async () => {
  api = await startLocalApi({ PROXY_URLS: '{"US-CA":"http://127.0.0.1:3128"}' }, QUEUE_ONLY);
});
afterAll(() => api.close());

async function problems(body: unknown) {
  const { status, json } = await api.call('POST', CREATE, body);
  expect(status).toBe(422);
  return json.detail as { loc: (string | number)[]; msg: string; type: string }[];
}

describe('422: schema errors, one entry each', () => {
  it('reports a missing navigation_goal the way FastAPI does', async () => {
    expect(await problems({ url: 'https://example.com' })).toEqual([
      { loc: ['body', 'navigation_goal'], msg: 'Field required', type: 'missing' },
    ]);
  });

  it('reports every unknown field as extra_forbidden', async () => {
    const detail = await problems({ ...VALID_TASK, prompt: 'x', engine: 'y' });

    expect(detail).toEqual([
      { loc: ['body', 'prompt'], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' },
      { loc: ['body', 'engine'], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' },
    ]);
  });

  it.each([
    ['navigation_goal', 'string_too_short', ''],
    ['navigation_goal', 'string_too_long', 'x'.repeat(10_001)],
    ['url', 'string_too_long', `https://example.com/${'a'.repeat(2084)}`],
    ['max_screenshot_scrolling_times', 'greater_than_equal', -1],
    ['max_screenshot_scrolling_times', 'less_than_equal', 21],
    ['max_screenshot_scrolling_times', 'int_from_float', 1.5],
    ['download_timeout', 'greater_than_equal', 0.5],
    ['download_timeout', 'less_than_equal', 900.5],
    ['max_steps_per_run', 'greater_than_equal', 0],
    ['max_steps_per_run', 'less_than_equal', 51],
    ['proxy_location', 'enum', 'MARS'],
    ['download_suffix', 'string_too_short', ''],
    ['navigation_goal', 'string_type', 42],
    ['download_timeout', 'float_type', '120'],
  ])('rejects a bad %s with one %s entry on its loc', async (field, type, value) => {
    const detail = await problems({ ...VALID_TASK, [field]: value });

    expect(detail).toHaveLength(1);
    expect(detail[0]).toMatchObject({ loc: ['body', field], type });
  });

  it.each([
    ['url', 'ftp://files.example.com/a.pdf'],
    ['url', 'javascript:alert(1)'],
    ['webhook_url', 'example.com/hook'],
    ['totp_url', 'file:///etc/passwd'],
    ['browser_address', 'tcp://127.0.0.1:9222'],
    ['browser_session_id', 'session-1'],
    ['browser_profile_id', 'pbs_abc'],
  ])('rejects %s = %j as a pattern mismatch', async (field, value) => {
    const detail = await problems({ ...VALID_TASK, [field]: value });

    expect(detail).toEqual([
      expect.objectContaining({ loc: ['body', field], type: 'string_pattern_mismatch' }),
    ]);
  });

  it('names the header that may not be set', async () => {
    const detail = await problems({
      ...VALID_TASK,
      extra_http_headers: { Host: 'internal', 'X-Ok': 'fine', 'X-Bad': 'a\r\nb' },
    });
    const proto = await problems(
      `{"navigation_goal": "x", "url": "a.com", "extra_http_headers": {"__proto__": "x"}}`,
    );

    expect(detail.map((entry) => entry.loc)).toEqual([
      ['body', 'extra_http_headers', 'Host'],
      ['body', 'extra_http_headers', 'X-Bad'],
    ]);
    expect(proto.map((entry) => entry.loc)).toEqual([['body', 'extra_http_headers', '__proto__']]);
  });

  it('gives each problem of one body its own entry', async () => {
    const detail = await problems({ url: 5, max_steps_per_run: 99, color: 'red' });

    expect(detail.map((entry) => entry.loc)).toEqual([
      ['body', 'navigation_goal'],
      ['body', 'url'],
      ['body', 'max_steps_per_run'],
      ['body', 'color'],
    ]);
  });

  it('requires url unless a session or browser address gives the start page', async () => {
    expect(await problems({ navigation_goal: 'x', url: null })).toEqual([
      expect.objectContaining({ loc: ['body', 'url'], type: 'value_error' }),
    ]);
  });

  it('allows only one of session, profile and browser address', async () => {
    const detail = await problems({
      ...VALID_TASK,
      browser_profile_id: 'bp_1',
      browser_address: 'ws://127.0.0.1:9222/devtools/browser/x',
    });

    expect(detail).toEqual([expect.objectContaining({ loc: ['body', 'browser_address'] })]);
  });

  it('rejects a body that is not an object, malformed JSON and an empty body', async () => {
    expect(await problems([VALID_TASK])).toEqual([expect.objectContaining({ loc: ['body'] })]);
    expect(await problems('{"navigation_goal": ')).toEqual([
      { loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' },
    ]);
    const empty = await api.call('POST', CREATE, undefined);
    expect(empty.status).toBe(422);
    expect(empty.json.detail).toEqual([{ loc: ['body'], msg: 'Field required', type: 'missing' }]);
  });

  it('answers a body nested 100,000 levels deep with 422', async () => {
    const deep = `{"navigation_goal": "x", "url": "a.com", "extra": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;

    expect(await problems(deep)).toEqual([expect.objectContaining({ loc: ['body', 'extra'] })]);
  });

  it.each([
    ['status=bogus', 'status'],
    ['page_size=0', 'page_size'],
    ['page_size=101', 'page_size'],
    ['page_size=ten', 'page_size'],
    ['cursor=not-a-cursor', 'cursor'],
  ])('rejects the list query %s on its loc', async (query, field) => {
    const { status, json } = await api.call('GET', `/v1/runs?${query}`);

    expect(status).toBe(422);
    expect(json.detail).toEqual([expect.objectContaining({ loc: ['query', field] })]);
  });

  it("rejects another owner's cursor", async () => {
    const { key } = await api.local.keys.create('cursor-owner');
    for (let i = 0; i < 2; i++) await api.call('POST', CREATE, VALID_TASK, { 'x-api-key': key });
    const page = await api.call('GET', '/v1/runs?page_size=1', undefined, { 'x-api-key': key });

    const { status } = await api.call('GET', `/v1/runs?cursor=${page.json.next_cursor}`);

    expect(status).toBe(422);
  });
});

describe('400: well-formed but unusable', () => {
  it('refuses a proxy location without a configured proxy, and accepts a configured one', async () => {
    const refused = await api.call('POST', CREATE, {
      ...VALID_TASK,
      proxy_location: 'RESIDENTIAL_DE',
    });
    const accepted = await api.call('POST', CREATE, { ...VALID_TASK, proxy_location: 'US-CA' });

    expect(refused.status).toBe(400);
    expect(refused.json.detail).toContain('RESIDENTIAL_DE has no proxy configured');
    expect(accepted.status).toBe(200);
  });

  it.each([
    ['webhook_url', 'http://10.0.0.8/hooks', '10.0.0.8'],
    ['webhook_url', 'http://169.254.169.254/latest/meta-data', '169.254.169.254'],
    ['totp_url', 'https://otp.corp.internal/code', 'otp.corp.internal'],
    [
      'browser_address',
      'ws://[::ffff:192.168.1.4]:9222/devtools',
      'IPv4-mapped form of 192.168.1.4',
    ],
  ])('refuses a %s the network rules block, naming the host', async (field, value, host) => {
    const before = await api.countRuns();

    const { status, json } = await api.call('POST', CREATE, { ...VALID_TASK, [field]: value });

    expect(status).toBe(400);
    expect(json.detail).toContain(host);
    expect(await api.countRuns()).toBe(before);
  });

  it('refuses a webhook host that does not exist', async () => {
    const { status, json } = await api.call('POST', CREATE, {
      ...VALID_TASK,
      webhook_url: 'https://hooks.nowhere.invalid/x',
    });

    expect(status).toBe(400);
    expect(json.detail).toContain('hooks.nowhere.invalid');
  });

  it('leaves the start URL to the browser, which checks it on every connection', async () => {
    const { status } = await api.call('POST', CREATE, { ...VALID_TASK, url: 'http://10.0.0.8/' });

    expect(status).toBe(200);
  });

  it('refuses an unknown browser session or profile and says why', async () => {
    const session = await api.call('POST', CREATE, {
      ...VALID_TASK,
      browser_session_id: 'pbs_123',
    });
    const profile = await api.call('POST', CREATE, { ...VALID_TASK, browser_profile_id: 'bp_123' });

    expect(session.status).toBe(400);
    expect(session.json.detail).toContain('Unknown browser session pbs_123');
    expect(profile.status).toBe(400);
    expect(profile.json.detail).toContain('Unknown browser profile bp_123');
  });
});

describe('403: credentials', () => {
  it.each([
    ['no key', {}],
    ['a wrong key', { 'x-api-key': 'rtv_wrong' }],
    ['a wrong bearer', { authorization: 'Bearer rtv_wrong' }],
    ['a malformed authorization', { authorization: 'Basic abc' }],
  ])('refuses %s', async (_name, headers) => {
    const response = await fetch(`${api.url}/v1/runs`, { headers });

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ detail: 'Invalid credentials' });
  });

  it('refuses a revoked key that worked before', async () => {
    const { key, info } = await api.local.keys.create('revoked');
    const before = await api.call('GET', '/v1/runs', undefined, { 'x-api-key': key });
    await api.local.keys.revoke(info.key_id);

    const after = await api.call('GET', '/v1/runs', undefined, { 'x-api-key': key });

    expect(before.status).toBe(200);
    expect(after.status).toBe(403);
  });

  it('checks the key before looking at the body', async () => {
    const response = await fetch(`${api.url}${CREATE}`, {
      method: 'POST',
      body: 'x'.repeat(300 * 1024),
    });

    expect(response.status).toBe(403);
  });
});

describe('404: unknown runs and routes', () => {
  it("answers another owner's run exactly like an unknown one", async () => {
    const created = await api.call('POST', CREATE, VALID_TASK);
    const { key } = await api.local.keys.create('stranger');
    const headers = { 'x-api-key': key };
    const unknown = 'tsk_01ARZ3NDEKTSV4RRFFQ69G5FAV';

    for (const id of [created.json.run_id, unknown]) {
      const read = await api.call('GET', `/v1/runs/${id}`, undefined, headers);
      const cancel = await api.call('POST', `/v1/runs/${id}/cancel`, undefined, headers);
      const retry = await api.call('POST', `/v1/runs/${id}/retry_webhook`, undefined, headers);
      for (const answer of [read, cancel, retry]) {
        expect(answer.status).toBe(404);
        expect(answer.json).toEqual({ detail: `Run not found: ${id}` });
      }
    }
    expect((await api.call('GET', `/v1/runs/${created.json.run_id}`)).json.status).toBe('queued');
  });

  it('answers a malformed run id and an unknown path with 404', async () => {
    expect((await api.call('GET', '/v1/runs/not-a-run')).status).toBe(404);
    expect((await api.call('GET', `/v1/runs/${'x'.repeat(5000)}`)).json).toEqual({
      detail: `Run not found: ${'x'.repeat(64)}...`,
    });
    expect((await api.call('GET', '/v2/anything')).json).toEqual({ detail: 'Not Found' });
  });

  it('answers a known path with the wrong method with 405', async () => {
    const { status, headers } = await api.call('DELETE', '/v1/runs');

    expect(status).toBe(405);
    expect(headers.get('allow')).toBe('GET');
  });
});

describe('413 and 415: bodies', () => {
  it('refuses a 300 KiB body with 413', async () => {
    const big = { ...VALID_TASK, navigation_goal: 'x'.repeat(300 * 1024) };

    const { status, json } = await api.call('POST', CREATE, big);

    expect(status).toBe(413);
    expect(json.detail).toContain('262144 bytes');
  });

  it('refuses text/plain and a body without a content type with 415', async () => {
    const plain = await api.call('POST', CREATE, JSON.stringify(VALID_TASK), {
      'content-type': 'text/plain',
    });
    const none = await fetch(`${api.url}${CREATE}`, {
      method: 'POST',
      headers: { 'x-api-key': api.devKey },
      body: new Blob([JSON.stringify(VALID_TASK)]),
    });

    expect(plain.status).toBe(415);
    expect(plain.json.detail).toContain('text/plain');
    expect(none.status).toBe(415);
  });

  it('accepts JSON with a charset and a +json media type', async () => {
    const charset = await api.call('POST', CREATE, VALID_TASK, {
      'content-type': 'application/json; charset=utf-8',
    });
    const vendor = await api.call('POST', CREATE, VALID_TASK, {
      'content-type': 'application/vnd.api+json',
    });

    expect([charset.status, vendor.status]).toEqual([200, 200]);
  });
});

describe('500: unexpected failures', () => {
  it('answers only a request id, and marks the run that could not start as failed', async () => {
    const broken = await startLocalApi(
      {},
      {
        createStarter: () => ({
          start: async () => {
            throw new Error('state machine unreachable: arn:aws:states:secret-detail');
          },
          stop: async () => {},
        }),
      },
    );
    try {
      const { status, json, headers } = await broken.call('POST', CREATE, VALID_TASK);
      const listed = await broken.call('GET', '/v1/runs');

      expect(status).toBe(500);
      expect(Object.keys(json).sort()).toEqual(['detail', 'request_id']);
      expect(json.detail).toBe('Internal error');
      expect(json.request_id).toBe(headers.get('x-request-id'));
      expect(listed.json.runs).toHaveLength(1);
      expect(listed.json.runs[0].status).toBe('failed');
      expect(listed.json.runs[0].failure_reason).toContain('could not be started');
    } finally {
      await broken.close();
    }
  });
});
