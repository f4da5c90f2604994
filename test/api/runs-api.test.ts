import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunSchema } from '../../lib/contracts/run.ts';
import { type LocalApi, QUEUE_ONLY, startLocalApi, VALID_TASK } from '../support/local-api.ts';

let api: LocalApi;

beforeAll(async () => {
  api = await startLocalApi({ APP_URL_BASE: 'https://runs.example.com/' }, QUEUE_ONLY);
});
afterAll(() => api.close());

describe('POST /v1/run/tasks/download_files', () => {
  it('creates a queued run with every field of the contract and defaults filled in', async () => {
    const { status, json } = await api.call('POST', '/v1/run/tasks/download_files', VALID_TASK);

    expect(status).toBe(200);
    expect(RunSchema.parse(json)).toEqual(json);
    expect(json.run_id).toMatch(/^tsk_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(json.status).toBe('queued');
    expect(json.queued_at).toMatch(/Z$/);
    expect(json.app_url).toBe(`https://runs.example.com/runs/${json.run_id}`);
    expect(json.run_request).toMatchObject({
      proxy_location: 'NONE',
      max_screenshot_scrolling_times: 3,
      download_timeout: 120,
      max_steps_per_run: 10,
    });
    expect(json.max_screenshot_scrolls).toBe(3);
  });

  it('gives a bare host https:// and keeps explicit values', async () => {
    const { json } = await api.call('POST', '/v1/run/tasks/download_files', {
      ...VALID_TASK,
      url: 'billing.example.com/statements',
      max_screenshot_scrolling_times: 0,
      download_timeout: 2.5,
      max_steps_per_run: 50,
    });

    expect(json.run_request.url).toBe('https://billing.example.com/statements');
    expect(json.max_screenshot_scrolls).toBe(0);
    expect(json.run_request.download_timeout).toBe(2.5);
    expect(json.run_request.max_steps_per_run).toBe(50);
  });

  it('never shows extra_http_headers values again', async () => {
    const created = await api.call('POST', '/v1/run/tasks/download_files', {
      ...VALID_TASK,
      extra_http_headers: { Authorization: 'Bearer s3cr3t', 'X-Tenant': 'acme' },
    });
    const read = await api.call('GET', `/v1/runs/${created.json.run_id}`);

    for (const run of [created.json, read.json]) {
      expect(run.run_request.extra_http_headers).toEqual({
        Authorization: '***',
        'X-Tenant': '***',
      });
    }
    expect(JSON.stringify(read.json)).not.toContain('s3cr3t');
  });

  it('accepts the key as Authorization: Bearer', async () => {
    const { status } = await api.call('POST', '/v1/run/tasks/download_files', VALID_TASK, {
      'x-api-key': '',
      authorization: `Bearer ${api.devKey}`,
    });

    expect(status).toBe(200);
  });
});

describe('GET /v1/runs/{run_id}', () => {
  it('answers the run as it is now', async () => {
    const created = await api.call('POST', '/v1/run/tasks/download_files', VALID_TASK);
    await api.local.runs.transition(created.json.run_id, ['queued'], 'running');

    const { status, json } = await api.call('GET', `/v1/runs/${created.json.run_id}`);

    expect(status).toBe(200);
    expect(json.status).toBe('running');
    expect(json.started_at).not.toBeNull();
  });
});

describe('GET /v1/runs', () => {
  it("lists only the caller's runs, newest first, across pages", async () => {
    const { key } = await api.local.keys.create('lister');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const created = await api.call('POST', '/v1/run/tasks/download_files', VALID_TASK, {
        'x-api-key': key,
      });
      ids.push(created.json.run_id);
    }

    const first = await api.call('GET', '/v1/runs?page_size=2', undefined, { 'x-api-key': key });
    const second = await api.call(
      'GET',
      `/v1/runs?page_size=2&cursor=${first.json.next_cursor}`,
      undefined,
      {
        'x-api-key': key,
      },
    );
    const third = await api.call(
      'GET',
      `/v1/runs?page_size=2&cursor=${second.json.next_cursor}`,
      undefined,
      {
        'x-api-key': key,
      },
    );

    const listed = [...first.json.runs, ...second.json.runs, ...third.json.runs].map(
      (run) => run.run_id,
    );
    expect(listed).toEqual([...ids].reverse());
    expect(third.json.next_cursor).toBeNull();
  });

  it('filters by status and defaults to 20 per page', async () => {
    const { key } = await api.local.keys.create('filter');
    const headers = { 'x-api-key': key };
    const ids: string[] = [];
    for (let i = 0; i < 22; i++) {
      ids.push(
        (await api.call('POST', '/v1/run/tasks/download_files', VALID_TASK, headers)).json.run_id,
      );
    }
    await api.call('POST', `/v1/runs/${ids[3]}/cancel`, undefined, headers);

    const all = await api.call('GET', '/v1/runs', undefined, headers);
    const canceled = await api.call('GET', '/v1/runs?status=canceled', undefined, headers);

    expect(all.json.runs).toHaveLength(20);
    expect(all.json.next_cursor).not.toBeNull();
    expect(canceled.json.runs.map((run: { run_id: string }) => run.run_id)).toEqual([ids[3]]);
    expect(canceled.json.next_cursor).toBeNull();
  });
});

describe('POST /v1/runs/{run_id}/cancel', () => {
  it('cancels a run that has not ended, then answers 409', async () => {
    const created = await api.call('POST', '/v1/run/tasks/download_files', VALID_TASK);

    const first = await api.call('POST', `/v1/runs/${created.json.run_id}/cancel`);
    const second = await api.call('POST', `/v1/runs/${created.json.run_id}/cancel`);

    expect(first.status).toBe(200);
    expect(first.json.status).toBe('canceled');
    expect(first.json.finished_at).not.toBeNull();
    expect(first.json.failure_reason).toBeNull();
    expect(second.status).toBe(409);
    expect(second.json.detail).toContain('already ended with status canceled');
  });
});

describe('public routes', () => {
  it('answers /healthz and /openapi.json without a key', async () => {
    const health = await fetch(`${api.url}/healthz`);
    const doc = await fetch(`${api.url}/openapi.json`);

    expect(health.status).toBe(200);
    expect(doc.status).toBe(200);
    expect((await doc.json()).openapi).toBe('3.1.0');
  });
});

describe('ai_fallback', () => {
  it('stays off while no model planner exists, even where one is configured', async () => {
    const withModel = await startLocalApi(
      { MODEL_PROVIDER: 'openai', MODEL_ID: 'small-model' },
      QUEUE_ONLY,
    );
    try {
      const { json } = await withModel.call('POST', '/v1/run/tasks/download_files', VALID_TASK);
      const without = await api.call('POST', '/v1/run/tasks/download_files', VALID_TASK);

      expect(json.ai_fallback).toBe(false);
      expect(json.run_with).toBe('code');
      expect(without.json.ai_fallback).toBe(false);
    } finally {
      await withModel.close();
    }
  });
});
