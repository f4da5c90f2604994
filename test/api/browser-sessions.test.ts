import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients, documentClientOf } from '../../lib/aws.ts';
import { S3ArtifactStore } from '../../lib/files/s3-artifact-store.ts';
import { newSessionId } from '../../lib/runs/ids.ts';
import { DynamoSessionStore } from '../../lib/sessions/session-store.ts';
import { initialCheckpoint, saveCheckpoint } from '../../lib/workflow/checkpoint.ts';
import { type LocalApi, QUEUE_ONLY, startLocalApi, VALID_TASK } from '../support/local-api.ts';

const SESSIONS = '/v1/browser_sessions';
const CREATE = '/v1/run/tasks/download_files';

let api: LocalApi;
let store: DynamoSessionStore;
let artifacts: S3ArtifactStore;

beforeAll(async () => {
  // runs stay queued here: nothing ends them unless a test does
  api = await startLocalApi({}, QUEUE_ONLY);
  const clients = createAwsClients(api.local.config);
  store = new DynamoSessionStore(clients.dynamodb, api.local.config.SESSIONS_TABLE);
  artifacts = new S3ArtifactStore(clients.s3, api.local.config.ARTIFACTS_BUCKET);
});

/** Moves a run's end into the past, as if it had ended `ms` ago. */
async function endedAgo(runId: string, ms: number): Promise<void> {
  const doc = documentClientOf(createAwsClients(api.local.config).dynamodb);
  await doc.send(
    new UpdateCommand({
      TableName: api.local.config.RUNS_TABLE,
      Key: { run_id: runId },
      UpdateExpression: 'SET finished_at = :at',
      ExpressionAttributeValues: { ':at': new Date(Date.now() - ms).toISOString() },
    }),
  );
}
afterAll(() => api.close());

async function newSession(body?: unknown): Promise<string> {
  const { status, json } = await api.call('POST', SESSIONS, body);
  expect(status).toBe(200);

  return json.browser_session_id;
}

describe('POST /v1/browser_sessions', () => {
  it('opens an active session of 60 minutes by default, with an empty body or none', async () => {
    const before = Date.now();
    const bare = await api.call('POST', SESSIONS);
    const empty = await api.call('POST', SESSIONS, {});

    for (const { status, json } of [bare, empty]) {
      expect(status).toBe(200);
      expect(json).toMatchObject({
        status: 'active',
        timeout: 60,
        closed_at: null,
        active_run_id: null,
        last_run_id: null,
        run_count: 0,
      });
      expect(json.browser_session_id).toMatch(/^pbs_[0-9A-HJKMNP-TV-Z]{26}$/);
      const lasts = Date.parse(json.expires_at) - Date.parse(json.created_at);
      expect(lasts).toBe(60 * 60_000);
      expect(Date.parse(json.created_at)).toBeGreaterThanOrEqual(before - 1000);
    }
  });

  it.each([
    [4, 'too_small'],
    [241, 'too_big'],
    [1.5, 'int_from_float'],
    ['60', 'int_type'],
  ])('refuses timeout %j (422)', async (timeout, _type) => {
    const { status, json } = await api.call('POST', SESSIONS, { timeout });

    expect(status).toBe(422);
    expect(json.detail[0].loc).toEqual(['body', 'timeout']);
  });

  it('keeps a timeout from 5 to 240 minutes, and refuses unknown fields', async () => {
    const short = await api.call('POST', SESSIONS, { timeout: 5 });
    const long = await api.call('POST', SESSIONS, { timeout: 240 });
    const extra = await api.call('POST', SESSIONS, { timeout: 5, proxy: 'x' });

    expect(short.json.timeout).toBe(5);
    expect(long.json.timeout).toBe(240);
    expect(extra.status).toBe(422);
    expect(extra.json.detail[0].loc).toEqual(['body', 'proxy']);
  });
});

describe('reading and closing sessions', () => {
  it("lists the caller's sessions newest first, and hides them from other owners", async () => {
    const { key } = await api.local.keys.create('session-lister');
    const as = { 'x-api-key': key };
    const first = (await api.call('POST', SESSIONS, {}, as)).json.browser_session_id;
    const second = (await api.call('POST', SESSIONS, {}, as)).json.browser_session_id;

    const listed = await api.call('GET', SESSIONS, undefined, as);
    const read = await api.call('GET', `${SESSIONS}/${first}`, undefined, as);
    const stranger = await api.call('GET', `${SESSIONS}/${first}`);
    const strangerClose = await api.call('POST', `${SESSIONS}/${first}/close`);

    expect(
      listed.json.browser_sessions.map((s: { browser_session_id: string }) => s.browser_session_id),
    ).toEqual([second, first]);
    expect(read.json.browser_session_id).toBe(first);
    expect(stranger.status).toBe(404);
    expect(stranger.json.detail).toBe(`Browser session not found: ${first}`);
    expect(strangerClose.status).toBe(404);
  });

  it('closes a session once: it shows closed and takes no more runs', async () => {
    const id = await newSession();
    const closed = await api.call('POST', `${SESSIONS}/${id}/close`);
    const again = await api.call('POST', `${SESSIONS}/${id}/close`);
    const run = await api.call('POST', CREATE, { ...VALID_TASK, browser_session_id: id });

    expect(closed.json.status).toBe('closed');
    expect(again.json.closed_at).toBe(closed.json.closed_at);
    expect(run.status).toBe(400);
    expect(run.json.detail).toContain(
      `Browser session ${id} was closed at ${closed.json.closed_at}`,
    );
  });

  it('shows a session past its timeout as expired, and refuses runs in it', async () => {
    const id = newSessionId();
    await store.create('dev', id, 5, new Date(Date.now() - 6 * 60_000));

    const read = await api.call('GET', `${SESSIONS}/${id}`);
    const run = await api.call('POST', CREATE, { ...VALID_TASK, browser_session_id: id });

    const close = await api.call('POST', `${SESSIONS}/${id}/close`);

    expect(read.json.status).toBe('expired');
    expect(run.status).toBe(400);
    expect(run.json.detail).toContain(`Browser session ${id} expired at`);
    expect(close.json).toMatchObject({ status: 'expired', closed_at: null });
  });
});

describe('runs in a session', () => {
  it('refuses an unknown session (400) and a first run without a url (400)', async () => {
    const unknown = await api.call('POST', CREATE, {
      ...VALID_TASK,
      browser_session_id: 'pbs_01ARZ3NDEKTSV4RRFFQ69G5FAV',
    });
    const id = await newSession();
    const noUrl = await api.call('POST', CREATE, {
      navigation_goal: 'Download the report',
      url: null,
      browser_session_id: id,
    });

    expect(unknown.status).toBe(400);
    expect(unknown.json.detail).toContain('Unknown browser session pbs_01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(noUrl.status).toBe(400);
    expect(noUrl.json.detail).toContain(`Browser session ${id} has no page open yet`);
    expect((await api.call('GET', `${SESSIONS}/${id}`)).json.active_run_id).toBeNull();
  });

  it('gives the session to one run at a time: a second run is a 409 until the first ends', async () => {
    const id = await newSession();
    const first = await api.call('POST', CREATE, { ...VALID_TASK, browser_session_id: id });
    const busy = await api.call('POST', CREATE, { ...VALID_TASK, browser_session_id: id });
    const held = await api.call('GET', `${SESSIONS}/${id}`);
    const runsBefore = await api.countRuns();

    expect(first.status).toBe(200);
    expect(busy.status).toBe(409);
    expect(busy.json.detail).toBe(
      `Browser session ${id} is busy with run ${first.json.run_id}: runs in one session never ` +
        'overlap; start this one when that run has ended',
    );
    expect(held.json).toMatchObject({ active_run_id: first.json.run_id, run_count: 1 });

    // the first run has just ended: it keeps the session until its finalize lets go
    await api.local.runs.finish(first.json.run_id, 'canceled', {});
    const ending = await api.call('POST', CREATE, { ...VALID_TASK, browser_session_id: id });
    expect(ending.status).toBe(409);

    // its finalize was lost: a minute after the run ended, the next run takes the session over,
    // starting from the state the first run left
    await saveCheckpoint(artifacts, {
      ...initialCheckpoint(first.json.run_id, VALID_TASK.url, new Date()),
      storage_state: { cookies: [], origins: [] },
    });
    await endedAgo(first.json.run_id, 61_000);
    const next = await api.call('POST', CREATE, { ...VALID_TASK, browser_session_id: id });

    expect(next.status).toBe(200);
    expect((await api.call('GET', `${SESSIONS}/${id}`)).json).toMatchObject({
      active_run_id: next.json.run_id,
      last_run_id: first.json.run_id,
      run_count: 2,
    });
    expect(await api.countRuns()).toBe(runsBefore + 1);
  });

  it('answers a run without a url in a busy new session with 409, not 400', async () => {
    const id = await newSession();
    await api.call('POST', CREATE, { ...VALID_TASK, browser_session_id: id });
    const second = await api.call('POST', CREATE, {
      navigation_goal: 'Download the report',
      url: null,
      browser_session_id: id,
    });

    expect(second.status).toBe(409);
  });

  it('lets exactly one of many runs created at once have the session', async () => {
    const id = await newSession();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        api.call('POST', CREATE, { ...VALID_TASK, browser_session_id: id }),
      ),
    );

    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
  });
});
