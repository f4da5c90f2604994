import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CALM_CASE,
  HOSTILE_CASES,
  type HostileSite,
  startHostileSite,
} from '../fixtures/hostile/site.ts';
import { type LocalApi, startLocalApi } from '../support/local-api.ts';

/**
 * Every hostile page as a whole run through the local mode's API, all at once, with a well-behaved
 * run started alongside: each run must end on its own with a reason, and the calm one completes.
 */
const MAX_FILE_BYTES = 1024 * 1024;

const CASES = HOSTILE_CASES;
const RUN_BUDGET_MS = 240_000;

let api: LocalApi;
let site: HostileSite;
// biome-ignore lint/suspicious/noExplicitAny: the run as the API answered it, read field by field
type Run = any;
const finished = new Map<string, Run>();
const TERMINAL = ['completed', 'failed', 'terminated', 'timed_out', 'canceled'];

/** Creates a run through the API and polls it until it ends; throws if it does not end in time. */
async function runToEnd(body: Record<string, unknown>): Promise<Run> {
  const created = await api.call('POST', '/v1/run/tasks/download_files', body);
  if (created.status !== 200) throw new Error(`create answered ${created.status}`);
  const until = Date.now() + RUN_BUDGET_MS;
  let run = created.json;
  while (!TERMINAL.includes(run.status)) {
    if (Date.now() > until) throw new Error(`run on ${body.url} still ${run.status}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    run = (await api.call('GET', `/v1/runs/${run.run_id}`)).json;
  }

  return run;
}

beforeAll(async () => {
  api = await startLocalApi({ MAX_FILE_BYTES: String(MAX_FILE_BYTES), RUN_TIMEOUT_S: '120' });
  site = await startHostileSite();
  const runs = [...CASES, CALM_CASE].map(async ({ path, goal }) => {
    const url =
      path === '/oversize'
        ? `${site.url}${path}?bytes=${2 * MAX_FILE_BYTES}`
        : `${site.url}${path}`;
    // 10 s: nine runs share two cores here, and a click may take seconds to be answered
    const body = { url, navigation_goal: goal, max_steps_per_run: 3, download_timeout: 10 };
    finished.set(path, await runToEnd(body));
  });
  await Promise.all(runs);
}, RUN_BUDGET_MS + 30_000);

afterAll(async () => {
  await api?.close();
  await site?.close();
});

const errorsOf = (path: string) =>
  (finished.get(path).errors as { message: string }[]).map((error) => error.message).join(' ');

describe('hostile pages as whole runs', () => {
  it('completes the well-behaved run started alongside them', () => {
    const calm = finished.get(CALM_CASE.path);

    expect(calm.status).toBe('completed');
    expect(calm.downloaded_files.map((file: { filename: string }) => file.filename)).toEqual([
      'report.pdf',
    ]);
  });

  it.each(CASES.filter((c) => c.path !== '/traversal').map((c) => [c.path]))(
    'ends the run on %s on its own, with a reason a person can act on',
    (path) => {
      const run = finished.get(path);

      expect(['failed', 'terminated', 'timed_out']).toContain(run.status);
      expect(run.failure_reason).toEqual(expect.any(String));
    },
  );

  it('stores files named ../../etc/passwd under plain names', () => {
    const run = finished.get('/traversal');

    expect(run.status).toBe('completed');
    for (const file of run.downloaded_files) {
      expect(file.filename).not.toMatch(/[/\\]|^\./);
    }
  });

  it('reports the empty file and the file over the limit in the run errors', () => {
    expect(errorsOf('/empty')).toContain('0 bytes');
    expect(errorsOf('/oversize')).toContain(`over the limit of ${MAX_FILE_BYTES} bytes`);
  });

  it('says in the run errors why the redirect loop ended', () => {
    expect(errorsOf('/redirect-loop')).toContain('ERR_TOO_MANY_REDIRECTS');
  });
});
