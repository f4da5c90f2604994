import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html, type Site, startSite } from '../fixtures/site.ts';
import { runTask } from '../support/e2e.ts';
import { type LocalApi, startLocalApi } from '../support/local-api.ts';

/** How long the server of each statement takes to answer its request (headers included). */
const SLOW_MS = 40_000;
const PROMPT_MS = 3_000;

let api: LocalApi;
let site: Site;
const held = new Set<ServerResponse>();

/** A statement whose server sends nothing, not even headers, for `delayMs`. */
function answeringAfter(delayMs: number) {
  return (_req: unknown, res: ServerResponse) => {
    held.add(res);
    const timer = setTimeout(() => {
      res.writeHead(200, {
        'content-type': 'application/pdf',
        'content-disposition': 'attachment; filename="statement.pdf"',
      });
      res.end('%PDF-1.7\n%%EOF\n');
    }, delayMs);
    res.once('close', () => clearTimeout(timer));
  };
}

beforeAll(async () => {
  api = await startLocalApi();
  site = await startSite({
    'GET /slow': html('<h1>Statements</h1><a href="/slow.pdf">Download statement.pdf</a>'),
    'GET /scripted': html(
      '<h1>Statements</h1><button onclick="setTimeout(() => { location.href = \'/slow.pdf\'; }, 50)">' +
        'Download statement.pdf</button>',
    ),
    'GET /prompt': html('<h1>Statements</h1><a href="/prompt.pdf">Download statement.pdf</a>'),
    'GET /slow.pdf': answeringAfter(SLOW_MS),
    'GET /prompt.pdf': answeringAfter(PROMPT_MS),
  });
});
afterAll(async () => {
  for (const res of held) res.destroy();
  await site?.close();
  await api?.close();
});

describe('download_timeout bounds the wait for a click to start a download', () => {
  it('fails the run saying no download started, long before the server answers', async () => {
    const started = Date.now();
    const { run } = await runTask(api, {
      url: `${site.origin}/slow`,
      navigation_goal: 'Download statement.pdf',
      download_timeout: 3,
    });
    const elapsed = Date.now() - started;

    expect(run.status).toBe('failed');
    expect(run.downloaded_files).toEqual([]);
    expect(run.failure_reason).toMatch(
      /No download started: .*did not answer within download_timeout \(3 s\)/,
    );
    // every wait for the download to start ends at download_timeout, not when the server answers
    expect(elapsed).toBeLessThan(SLOW_MS - 10_000);
  }, 90_000);

  it('does the same when the page script starts the download after the click', async () => {
    const started = Date.now();
    const { run } = await runTask(api, {
      url: `${site.origin}/scripted`,
      navigation_goal: 'Download statement.pdf',
      download_timeout: 3,
    });

    expect(run.status).toBe('failed');
    expect(run.downloaded_files).toEqual([]);
    expect(run.failure_reason).toMatch(/No download started: .*download_timeout \(3 s\)/);
    expect(Date.now() - started).toBeLessThan(SLOW_MS - 10_000);
  }, 90_000);

  it('waits for a server that answers within download_timeout', async () => {
    const { run, files } = await runTask(api, {
      url: `${site.origin}/prompt`,
      navigation_goal: 'Download statement.pdf',
      download_timeout: 10,
    });

    expect(run.status).toBe('completed');
    expect(files.map((f) => f.filename)).toEqual(['statement.pdf']);
  }, 90_000);
});
