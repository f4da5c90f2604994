import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserSession, Observation } from '../../lib/browser/types.ts';
import { type HostileSite, startHostileSite } from '../fixtures/hostile/site.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';

/**
 * Hostile pages against the product's browser session: each session must come back on its own,
 * keep every file inside the run's folder and say what it refused. The popup storm is covered as
 * a whole run (hostile-runs.test.ts). The 50 MB page is not here yet: observing it outlasts the
 * session's deadline.
 */
const MAX_FILE_BYTES = 1024 * 1024;
const SESSION_BUDGET_MS = 25_000;

let harness: BrowserHarness;
let site: HostileSite;

beforeAll(async () => {
  harness = await startBrowserHarness({ MAX_FILE_BYTES: String(MAX_FILE_BYTES) });
  site = await startHostileSite();
});

afterAll(async () => {
  await harness?.close();
  await site?.close();
});

async function openSession(): Promise<BrowserSession> {
  const { session } = await harness.open({
    deadline: Date.now() + SESSION_BUDGET_MS,
    downloadTimeoutS: 5,
  });

  return session;
}

function linkTo(observation: Observation, text: string): string {
  const link = observation.elements.find((element) => element.text.includes(text));
  if (!link) throw new Error(`no element with the text "${text}"`);

  return link.id;
}

/** Every path under a folder, relative to it. */
function listTree(root: string): string[] {
  if (!fs.existsSync(root)) return [];

  return fs.readdirSync(root, { recursive: true, encoding: 'utf8' });
}

// Closing a browser whose page loops on dialogs takes about 30 s (Playwright's close).
describe('hostile pages in a run browser', { timeout: 120_000 }, () => {
  it('stops a redirect loop and says why', async () => {
    const session = await openSession();

    const result = await session.open(`${site.url}/redirect-loop`);
    await session.close();

    expect(result.ok).toBe(false);
    expect(result.errors.map((error) => error.message).join(' ')).toMatch(/redirect/i);
  });

  it('answers dialogs that open in a loop and reports them', async () => {
    const session = await openSession();

    await session.open(`${site.url}/alerts`);
    const observation = await session.observe();
    await session.close();

    expect(observation.dialogs.join(' ')).toContain('Your session is about to expire');
  });

  it('does not wait on a page that never finishes loading', async () => {
    const session = await openSession();
    const started = Date.now();

    const result = await session.open(`${site.url}/never-loads`);
    const openMs = Date.now() - started;
    await session.close();

    // the page commits and keeps loading; the step goes on with what has arrived
    expect(result.url).toContain('/never-loads');
    expect(openMs).toBeLessThan(SESSION_BUDGET_MS);
  });

  it('stores files named ../../etc/passwd inside the run, under a plain name', async () => {
    const { runId, session } = await harness.open({
      deadline: Date.now() + SESSION_BUDGET_MS,
      downloadTimeoutS: 5,
    });
    const dataDir = harness.env.dataDir;
    const before = new Set(listTree(dataDir));

    await session.open(`${site.url}/traversal`);
    for (const text of ['passwd file', 'encoded name', 'link name']) {
      await session.act({ kind: 'click', element: linkTo(await session.observe(), text) }, 10_000);
    }
    await session.settle(5_000);
    await session.close();
    const files = await harness.files(runId);
    // the bucket is where files belong; nothing else may remain once the session is closed
    const leftovers = listTree(dataDir).filter(
      (entry) => !before.has(entry) && !entry.startsWith(`s3${path.sep}`),
    );

    expect(files).toHaveLength(3);
    for (const file of files) {
      expect(file.filename).not.toMatch(/[/\\]|^\./);
      expect(file.filename).toContain('passwd');
    }
    expect(leftovers).toEqual([]);
    expect(fs.existsSync(path.resolve(harness.config.workDir, 'etc'))).toBe(false);
  });

  it('refuses an empty file and says so', async () => {
    const session = await openSession();

    await session.open(`${site.url}/empty`);
    const result = await session.act(
      {
        kind: 'click',
        element: linkTo(await session.observe(), 'empty report'),
        expectDownload: true,
      },
      10_000,
    );
    const settled = await session.settle(5_000);
    await session.close();

    const rejected = [...result.files, ...settled.files].map((file) => file.rejected);
    expect(rejected.join(' ')).toContain('0 bytes');
  });

  it('refuses a file over the size limit and reports the limit', async () => {
    const session = await openSession();

    await session.open(`${site.url}/oversize?bytes=${2 * MAX_FILE_BYTES}`);
    const result = await session.act(
      {
        kind: 'click',
        element: linkTo(await session.observe(), 'large export'),
        expectDownload: true,
      },
      10_000,
    );
    const settled = await session.settle(5_000);
    await session.close();

    const rejected = [...result.files, ...settled.files].map((file) => file.rejected).join(' ');
    expect(rejected).toContain(`over the limit of ${MAX_FILE_BYTES} bytes`);
  });
});
