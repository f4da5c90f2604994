import { createHash } from 'node:crypto';
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html, type Site, sleep, startSite } from '../fixtures/site.ts';
import { runTask } from '../support/e2e.ts';
import { type LocalApi, startLocalApi, VALID_TASK } from '../support/local-api.ts';

const PROFILES = '/v1/browser_profiles';
const CREATE = '/v1/run/tasks/download_files';
const SESSION_COOKIE = 'sid=s-7f3a91';
const TOKEN = 'tok-52c8e0';
const REPORT = Buffer.from('month,total\n2024-05,1200\n');

function hasSession(req: http.IncomingMessage): boolean {
  return (req.headers.cookie ?? '').split(/;\s*/).includes(SESSION_COOKIE);
}

/**
 * A portal that needs both a cookie and a token kept in local storage: /welcome sets them and
 * offers the report; /reports shows the report link only when both are present.
 */
function portal(): Parameters<typeof startSite>[0] {
  const reportLink = `
    <h1>Reports</h1><div id="slot">Your session has expired: sign in again.</div>
    <script>
      const token = localStorage.getItem('api_token');
      if (token) {
        document.getElementById('slot').innerHTML =
          '<a href="/files/report.csv?token=' + token + '">Download the May report</a>';
      }
    </script>`;

  return {
    'GET /welcome': (req, res) => {
      res.setHeader('set-cookie', `${SESSION_COOKIE}; Path=/; HttpOnly; Max-Age=3600`);
      html(`<script>localStorage.setItem('api_token', '${TOKEN}');</script>${reportLink}`)(
        req,
        res,
      );
    },
    'GET /reports': (req, res) => {
      if (!hasSession(req)) {
        res.writeHead(302, { location: '/signin' });
        res.end();
        return;
      }
      html(reportLink)(req, res);
    },
    'GET /signin': html('<h1>Sign in</h1><p>Please sign in to see your reports.</p>'),
    'GET /archive': html('<h1>Archive</h1><a href="/files/archive.bin">Download the archive</a>'),
    'GET /files/archive.bin': slowArchive,
    'GET /files/report.csv': (req, res) => {
      const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
      if (!hasSession(req) || token !== TOKEN) {
        res.writeHead(403, { 'content-type': 'text/plain' });
        res.end('forbidden');
        return;
      }
      res.writeHead(200, {
        'content-type': 'text/csv',
        'content-disposition': 'attachment; filename="report-2024-05.csv"',
        'content-length': String(REPORT.length),
      });
      res.end(REPORT);
    },
  };
}

/** A 30 s download, for cancelling a run in the middle of one. */
async function slowArchive(req: http.IncomingMessage, res: http.ServerResponse) {
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-disposition': 'attachment; filename="archive.bin"',
    'content-length': String(150 * 1024),
  });
  for (let i = 0; i < 150 && !req.destroyed && !res.destroyed; i++) {
    res.write(Buffer.alloc(1024, i));
    await sleep(200);
  }
  res.end();
}

let api: LocalApi;
let site: Site;
// biome-ignore lint/suspicious/noExplicitAny: the run as the API answered it
let firstRun: any;

beforeAll(async () => {
  api = await startLocalApi();
  site = await startSite(portal());
  ({ run: firstRun } = await runTask(api, {
    url: `${site.origin}/welcome`,
    navigation_goal: 'Download the May report',
  }));
}, 120_000);
afterAll(async () => {
  await site?.close();
  await api?.close();
});

describe('browser profiles: a run starts from the state a finished run left', () => {
  it('saves a profile from a finished run, showing counts but never cookie values', async () => {
    expect(firstRun.status).toBe('completed');
    const { status, json } = await api.call('POST', PROFILES, {
      name: 'Portal login',
      run_id: firstRun.run_id,
    });

    expect(status).toBe(200);
    expect(json).toMatchObject({
      name: 'Portal login',
      description: null,
      source_run_id: firstRun.run_id,
      cookie_count: 1,
      origin_count: 1,
    });
    expect(json.browser_profile_id).toMatch(/^bp_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(JSON.stringify(json)).not.toContain('s-7f3a91');
    expect(JSON.stringify(json)).not.toContain(TOKEN);

    const read = await api.call('GET', `${PROFILES}/${json.browser_profile_id}`);
    const listed = await api.call('GET', PROFILES);
    expect(read.json).toEqual(json);
    expect(listed.json.browser_profiles).toContainEqual(json);
  });

  it('starts a run logged in (cookie and local storage) and downloads the file', async () => {
    const profile = await api.call('POST', PROFILES, { name: 'p', run_id: firstRun.run_id });
    const seenBefore = site.log.length;
    const { run, files } = await runTask(api, {
      url: `${site.origin}/reports`,
      navigation_goal: 'Download the May report',
      browser_profile_id: profile.json.browser_profile_id,
    });

    expect(run.status).toBe('completed');
    expect(run.run_request.browser_profile_id).toBe(profile.json.browser_profile_id);
    expect(files).toEqual([
      {
        filename: 'report-2024-05.csv',
        size: REPORT.length,
        sha256: createHash('sha256').update(REPORT).digest('hex'),
      },
    ]);
    // local storage was written without a request to the site's origin itself
    expect(site.log.slice(seenBefore).map((entry) => entry.url)).not.toContain('/');
  });

  it('the same run without the profile is not logged in and fails', async () => {
    const { run, files } = await runTask(api, {
      url: `${site.origin}/reports`,
      navigation_goal: 'Download the May report',
      max_steps_per_run: 3,
    });

    expect(run.status).toBe('failed');
    expect(files).toEqual([]);
  });
});

describe('browser profile endpoints', () => {
  it("answers another owner's profile exactly like an unknown one, on read, use and delete", async () => {
    const profile = await api.call('POST', PROFILES, { name: 'mine', run_id: firstRun.run_id });
    const id = profile.json.browser_profile_id;
    const { key } = await api.local.keys.create('profile-stranger');
    const as = { 'x-api-key': key };

    const read = await api.call('GET', `${PROFILES}/${id}`, undefined, as);
    const removed = await api.call('DELETE', `${PROFILES}/${id}`, undefined, as);
    const used = await api.call('POST', CREATE, { ...VALID_TASK, browser_profile_id: id }, as);
    const listed = await api.call('GET', PROFILES, undefined, as);
    const copied = await api.call('POST', PROFILES, { name: 'x', run_id: firstRun.run_id }, as);

    expect(read.status).toBe(404);
    expect(read.json.detail).toBe(`Browser profile not found: ${id}`);
    expect(removed.status).toBe(404);
    expect(used.status).toBe(400);
    expect(used.json.detail).toContain(`Unknown browser profile ${id}`);
    expect(listed.json).toEqual({ browser_profiles: [] });
    expect(copied.status).toBe(404);
    expect((await api.call('GET', `${PROFILES}/${id}`)).status).toBe(200);
  });

  it('deletes a profile: it can no longer be read or used', async () => {
    const profile = await api.call('POST', PROFILES, { name: 'old', run_id: firstRun.run_id });
    const id = profile.json.browser_profile_id;

    const removed = await api.call('DELETE', `${PROFILES}/${id}`);
    const again = await api.call('DELETE', `${PROFILES}/${id}`);
    const used = await api.call('POST', CREATE, { ...VALID_TASK, browser_profile_id: id });

    expect(removed).toMatchObject({ status: 200, json: { browser_profile_id: id, deleted: true } });
    expect(again.status).toBe(404);
    expect((await api.call('GET', `${PROFILES}/${id}`)).status).toBe(404);
    expect(used.status).toBe(400);
    const listed = await api.call('GET', PROFILES);
    expect(
      listed.json.browser_profiles.map((p: { browser_profile_id: string }) => p.browser_profile_id),
    ).not.toContain(id);
  });
});

describe('browser sessions: each run starts from the state and page the previous run left', () => {
  it('carries cookies, local storage and the open page from run to run, one run at a time', async () => {
    const session = await api.call('POST', '/v1/browser_sessions', { timeout: 5 });
    const id = session.json.browser_session_id;
    const welcome = await api.call('POST', CREATE, {
      url: `${site.origin}/welcome`,
      navigation_goal: 'Download the May report',
      browser_session_id: id,
    });
    // the session is held from the run's creation to its end
    const overlapping = await api.call('POST', CREATE, {
      url: `${site.origin}/reports`,
      navigation_goal: 'Download the May report',
      browser_session_id: id,
    });
    expect(welcome.status).toBe(200);
    expect(overlapping.status).toBe(409);
    const first = await waitForEnd(welcome.json.run_id);

    // logged in by the first run: /reports needs both its cookie and its local storage
    const second = await runTask(api, {
      url: `${site.origin}/reports`,
      navigation_goal: 'Download the May report',
      browser_session_id: id,
    });
    // no url: the run starts on the page the second run left (/reports)
    const third = await runTask(api, {
      url: null,
      navigation_goal: 'Download the May report',
      browser_session_id: id,
    });
    const after = await api.call('GET', `/v1/browser_sessions/${id}`);

    expect(first.status).toBe('completed');
    expect(second.run.status).toBe('completed');
    expect(second.files.map((f) => f.filename)).toEqual(['report-2024-05.csv']);
    expect(third.run.status).toBe('completed');
    expect(third.files.map((f) => f.sha256)).toEqual(second.files.map((f) => f.sha256));
    expect(third.run.output.final_url ?? '').toContain('/reports');
    expect(after.json).toMatchObject({
      status: 'active',
      active_run_id: null,
      last_run_id: third.run.run_id,
      run_count: 3,
    });
  });
});

describe('a run cancelled in the middle of a download, in a session', () => {
  it('leaves the session its logins: the next run is still logged in', async () => {
    const id = (await api.call('POST', '/v1/browser_sessions')).json.browser_session_id;
    const goal = 'Download the May report';
    const first = await runTask(api, {
      url: `${site.origin}/welcome`,
      navigation_goal: goal,
      browser_session_id: id,
    });
    const slow = await api.call('POST', CREATE, {
      url: `${site.origin}/archive`,
      navigation_goal: 'Download the archive',
      browser_session_id: id,
    });
    await until(async () => site.count('GET', '/files/archive.bin') > 0);
    await api.call('POST', `/v1/runs/${slow.json.run_id}/cancel`);
    await until(
      async () => (await api.call('GET', `/v1/browser_sessions/${id}`)).json.active_run_id === null,
    );

    const next = await runTask(api, {
      url: `${site.origin}/reports`,
      navigation_goal: goal,
      browser_session_id: id,
    });

    expect(first.run.status).toBe('completed');
    expect(next.run.status).toBe('completed');
    expect(next.files.map((f) => f.filename)).toEqual(['report-2024-05.csv']);
  });
});

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(100);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: the run as the API answered it
async function waitForEnd(runId: string): Promise<any> {
  for (;;) {
    const { json } = await api.call('GET', `/v1/runs/${runId}`);
    if (['completed', 'failed', 'terminated', 'timed_out', 'canceled'].includes(json.status)) {
      return json;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
