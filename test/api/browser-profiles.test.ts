import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../lib/aws.ts';
import { S3ArtifactStore } from '../../lib/files/s3-artifact-store.ts';
import { createProfile } from '../../lib/profiles/profile-operations.ts';
import { ProfileStore } from '../../lib/profiles/profile-store.ts';
import {
  initialCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
} from '../../lib/workflow/checkpoint.ts';
import { prepareRun } from '../../lib/workflow/prepare.ts';
import { type LocalApi, QUEUE_ONLY, startLocalApi, VALID_TASK } from '../support/local-api.ts';

const PROFILES = '/v1/browser_profiles';
const CREATE = '/v1/run/tasks/download_files';
const UNKNOWN_RUN = 'tsk_01ARZ3NDEKTSV4RRFFQ69G5FAV';
const STATE = {
  cookies: [
    {
      name: 'sid',
      value: 'secret-session',
      domain: 'portal.example.com',
      path: '/',
      expires: -1,
      httpOnly: true,
      secure: true,
      sameSite: 'Lax',
    },
  ],
  origins: [
    {
      origin: 'https://portal.example.com',
      localStorage: [{ name: 'token', value: 'secret-token' }],
    },
  ],
};

let api: LocalApi;
let artifacts: S3ArtifactStore;

beforeAll(async () => {
  api = await startLocalApi({}, QUEUE_ONLY);
  artifacts = new S3ArtifactStore(
    createAwsClients(api.local.config).s3,
    api.local.config.ARTIFACTS_BUCKET,
  );
});
afterAll(() => api.close());

/** A queued run (runs never start here); `state` gives it the checkpoint a browser step writes. */
async function queuedRun(state?: unknown, headers?: Record<string, string>): Promise<string> {
  const { json } = await api.call('POST', CREATE, VALID_TASK, headers);
  if (state !== undefined) {
    const checkpoint = initialCheckpoint(json.run_id, VALID_TASK.url, new Date());
    await saveCheckpoint(artifacts, { ...checkpoint, storage_state: state, step_count: 2 });
  }

  return json.run_id;
}

async function finishedRun(state?: unknown, headers?: Record<string, string>): Promise<string> {
  const runId = await queuedRun(state, headers);
  await api.local.runs.finish(runId, 'completed', {});

  return runId;
}

describe('POST /v1/browser_profiles', () => {
  it.each([
    ['no name', { run_id: UNKNOWN_RUN }, 'name'],
    ['a blank name', { name: '  ', run_id: UNKNOWN_RUN }, 'name'],
    ['a name of 201 characters', { name: 'n'.repeat(201), run_id: UNKNOWN_RUN }, 'name'],
    ['no run', { name: 'n' }, 'run_id'],
    ['an unknown field', { name: 'n', run_id: UNKNOWN_RUN, cookies: [] }, 'cookies'],
  ])('refuses a body with %s (422, naming the field)', async (_label, body, field) => {
    const { status, json } = await api.call('POST', PROFILES, body);

    expect(status).toBe(422);
    expect(json.detail.map((d: { loc: string[] }) => d.loc.at(-1))).toContain(field);
  });

  it('refuses an unknown run (404)', async () => {
    const { status, json } = await api.call('POST', PROFILES, { name: 'n', run_id: UNKNOWN_RUN });

    expect(status).toBe(404);
    expect(json.detail).toBe(`Run not found: ${UNKNOWN_RUN}`);
  });

  it('refuses a run that has not ended (409) and one that left no browser state (400)', async () => {
    const running = await queuedRun(STATE);
    const stateless = await queuedRun();
    await api.call('POST', `/v1/runs/${stateless}/cancel`);

    const early = await api.call('POST', PROFILES, { name: 'n', run_id: running });
    const empty = await api.call('POST', PROFILES, { name: 'n', run_id: stateless });

    expect(early.status).toBe(409);
    expect(early.json.detail).toBe(
      `Run ${running} is queued: a profile is saved from a run that has ended`,
    );
    expect(empty.status).toBe(400);
    expect(empty.json.detail).toContain(`Run ${stateless} left no browser state to save`);
  });

  it('keeps the name trimmed and the description, and lists newest first', async () => {
    const runId = await finishedRun(STATE);
    const { key } = await api.local.keys.create('profile-lister');
    const as = { 'x-api-key': key };
    const first = await api.call('POST', PROFILES, { name: 'a', run_id: runId });
    const own = await finishedRun(STATE, as);
    const older = await api.call('POST', PROFILES, { name: ' Older ', run_id: own }, as);
    const newer = await api.call(
      'POST',
      PROFILES,
      { name: 'Newer', run_id: own, description: 'after the password change' },
      as,
    );
    const listed = await api.call('GET', PROFILES, undefined, as);

    expect(first.status).toBe(200);
    expect(older.json).toMatchObject({ name: 'Older', description: null, cookie_count: 1 });
    expect(newer.json.description).toBe('after the password change');
    expect(listed.json.browser_profiles.map((p: { name: string }) => p.name)).toEqual([
      'Newer',
      'Older',
    ]);
    expect(JSON.stringify(listed.json)).not.toContain('secret');
  });
});

describe('the limit of profiles per owner', () => {
  it('holds when saves race: of 6 saves at once with room for 3, exactly 3 are kept', async () => {
    const owner = 'profile-racer';
    const { key } = await api.local.keys.create(owner);
    const runId = await finishedRun(STATE, { 'x-api-key': key });
    const profiles = new ProfileStore(artifacts);
    const deps = {
      runs: api.local.runs,
      profiles,
      artifacts,
      clock: () => new Date(),
      maxProfiles: 3,
    };

    const answers = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        createProfile(owner, { name: `p${i}`, run_id: runId }, deps),
      ),
    );

    expect(answers.filter((a) => a.status === 'fulfilled')).toHaveLength(3);
    for (const refused of answers.filter((a) => a.status === 'rejected')) {
      expect(String(refused.reason)).toContain('You already have 3 browser profiles');
    }
    expect(await profiles.list(owner)).toHaveLength(3);
  });
});

describe('a run that starts from a profile', () => {
  const deps = () => ({
    store: api.local.runs,
    artifacts,
    clock: () => Date.now(),
    runTimeoutS: 600,
  });

  it("starts from the profile's cookies and local storage", async () => {
    const profile = await api.call('POST', PROFILES, {
      name: 'p',
      run_id: await finishedRun(STATE),
    });
    const created = await api.call('POST', CREATE, {
      ...VALID_TASK,
      browser_profile_id: profile.json.browser_profile_id,
    });

    const prepared = await prepareRun(deps(), created.json.run_id);
    const checkpoint = await loadCheckpoint(artifacts, created.json.run_id);

    expect(prepared.done).toBe(false);
    expect(checkpoint?.storage_state).toEqual(STATE);
  });

  it('fails, saying so, when the profile was deleted before the first step', async () => {
    const profile = await api.call('POST', PROFILES, {
      name: 'p',
      run_id: await finishedRun(STATE),
    });
    const id = profile.json.browser_profile_id;
    const created = await api.call('POST', CREATE, { ...VALID_TASK, browser_profile_id: id });
    await api.call('DELETE', `${PROFILES}/${id}`);

    const prepared = await prepareRun(deps(), created.json.run_id);
    const checkpoint = await loadCheckpoint(artifacts, created.json.run_id);

    expect(prepared.done).toBe(true);
    expect(checkpoint?.storage_state).toBeNull();
    expect(checkpoint?.outcome).toMatchObject({
      status: 'failed',
      failure_reason: `The browser profile ${id} was deleted before the run started`,
    });
  });

  it('refuses an unknown profile id at create (400), and a malformed one (422)', async () => {
    const unknown = await api.call('POST', CREATE, {
      ...VALID_TASK,
      browser_profile_id: 'bp_01ARZ3NDEKTSV4RRFFQ69G5FAV',
    });
    const malformed = await api.call('POST', CREATE, { ...VALID_TASK, browser_profile_id: 'bp_' });

    expect(unknown.status).toBe(400);
    expect(unknown.json.detail).toContain('Unknown browser profile bp_01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(malformed.status).toBe(422);
  });
});
