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
