import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html, type Site, startSite } from '../fixtures/site.ts';
import { runTask } from '../support/e2e.ts';
import { type LocalApi, startLocalApi } from '../support/local-api.ts';

const REPORT = Buffer.from('%PDF-1.7\nquarterly report\n%%EOF\n');

let api: LocalApi;
let site: Site;

beforeAll(async () => {
  api = await startLocalApi();
  site = await startSite({
    'GET /': html('<h1>Reports</h1><a href="/q3.pdf">Q3 report (PDF)</a>'),
    'GET /broken': html('<h1>Reports</h1><a href="/broken.pdf">Broken report (PDF)</a>'),
    'GET /broken.pdf': (_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/pdf',
        'content-disposition': 'attachment; filename="broken.pdf"',
      });
      res.end('<!doctype html><html><body><h1>Please sign in</h1></body></html>');
    },
    'GET /q3.pdf': (_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/pdf',
        'content-disposition': 'attachment; filename="q3-report.pdf"',
      });
      res.end(REPORT);
    },
  });
});
afterAll(async () => {
  await site?.close();
  await api?.close();
});

describe('a run that cannot store its file', () => {
  it('fails with the reason the file was refused', async () => {
    const { run, files } = await runTask(api, {
      url: `${site.origin}/broken`,
      navigation_goal: 'Download the broken report',
    });

    expect(run.status).toBe('failed');
    expect(files).toEqual([]);
    expect(run.failure_reason).toMatch(
      /^The server sent an HTML page, not the file broken\.pdf\. /,
    );
    expect(run.errors.map((e: { code: string }) => e.code)).toContain('file_rejected');
  });
});

describe('max_steps_per_run', () => {
  it('completes a run whose file arrives on its last allowed step', async () => {
    const { run, files } = await runTask(api, {
      url: `${site.origin}/`,
      navigation_goal: 'Download the Q3 report',
      max_steps_per_run: 1,
    });

    expect(run.status, run.failure_reason ?? '').toBe('completed');
    expect(run.step_count).toBe(1);
    expect(files).toEqual([
      {
        filename: 'q3-report.pdf',
        size: REPORT.length,
        sha256: createHash('sha256').update(REPORT).digest('hex'),
      },
    ]);
  });
});
