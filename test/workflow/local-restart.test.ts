import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import { type LocalMode, startLocalMode } from '../../lib/local/local-mode.ts';
import { INVOICE, startBillingPortal } from '../fixtures/billing-portal.ts';
import type { Site } from '../fixtures/site.ts';

let portal: Site;
let dataDir: string;

beforeAll(async () => {
  portal = await startBillingPortal();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'retriever-restart-'));
});

afterAll(async () => {
  await portal.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function start(): Promise<LocalMode> {
  return startLocalMode({
    config: loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'SILENT' }),
  });
}

/** The fields of a run this test reads. */
interface RunView {
  run_id: string;
  status: string;
  step_count: number;
  downloaded_files: { checksum: string }[];
}

async function call(
  local: LocalMode,
  method: string,
  route: string,
  body?: unknown,
): Promise<RunView> {
  const response = await fetch(`${local.url.replace(/\/$/, '')}${route}`, {
    method,
    headers: { 'x-api-key': local.devKey, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

async function waitFor(local: LocalMode, runId: string, done: (run: RunView) => boolean) {
  const deadline = Date.now() + 60_000;
  let run = await call(local, 'GET', `/v1/runs/${runId}`);
  while (!done(run) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    run = await call(local, 'GET', `/v1/runs/${runId}`);
  }
  return run;
}

describe('the local mode across a restart', () => {
  it('resumes a run that was under way and takes it to completed', async () => {
    const first = await start();
    const created = await call(first, 'POST', '/v1/run/tasks/download_files', {
      navigation_goal: 'Download the May 2024 invoice as PDF',
      url: `${portal.origin}/`,
    });
    const midway = await waitFor(first, created.run_id, (run) => run.step_count >= 2);
    await first.stop();

    const second = await start();
    const run = await waitFor(second, created.run_id, (current) => current.status === 'completed');
    await second.stop();

    expect(midway.status).toBe('running');
    expect(run.status).toBe('completed');
    expect(run.step_count).toBeGreaterThan(midway.step_count);
    expect(run.downloaded_files.map((file) => file.checksum)).toEqual([INVOICE.sha256]);
  }, 120_000);
});
