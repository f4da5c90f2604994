import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOICE, PORTAL_CODE, startBillingPortal } from '../fixtures/billing-portal.ts';
import { sha256 } from '../fixtures/bytes.ts';
import type { Site } from '../fixtures/site.ts';
import { type LocalApi, startLocalApi } from '../support/local-api.ts';

let portal: Site;
let api: LocalApi;

beforeAll(async () => {
  portal = await startBillingPortal();
  api = await startLocalApi();
});

afterAll(async () => {
  // the cancelled run's last states (and its loop's run watch, every 2 s) may still be reading the
  // store when its output shows: let them end before the embedded database closes under them
  await new Promise((resolve) => setTimeout(resolve, 2500));
  await api.close();
  await portal.close();
});

const TERMINAL = ['completed', 'failed', 'terminated', 'timed_out', 'canceled'];

/** Polls a run until `done` holds for it, or a minute has passed. */
async function pollRun(runId: string, done: (run: { status: string; output: unknown }) => boolean) {
  const deadline = Date.now() + 60_000;
  let run = (await api.call('GET', `/v1/runs/${runId}`)).json;
  while (!done(run) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    run = (await api.call('GET', `/v1/runs/${runId}`)).json;
  }

  return run;
}

describe('the local mode', () => {
  it('takes a POSTed task to completed with its file, through the state machine', async () => {
    const created = await api.call('POST', '/v1/run/tasks/download_files', {
      navigation_goal: 'Download the May 2024 invoice as PDF',
      url: `${portal.origin}/`,
    });
    const run = await pollRun(created.json.run_id, (current) => TERMINAL.includes(current.status));
    const bytes = Buffer.from(await (await fetch(run.downloaded_files[0].url)).arrayBuffer());

    expect(created.json.status).toBe('queued');
    expect(run.status).toBe('completed');
    expect(run.downloaded_files.map((file: { filename: string }) => file.filename)).toEqual([
      INVOICE.filename,
    ]);
    expect(sha256(bytes)).toBe(INVOICE.sha256);
    expect(run.downloaded_files[0].checksum).toBe(INVOICE.sha256);
    expect(run.step_count).toBeGreaterThan(1);
    expect(run.output.downloaded_file_count).toBe(1);
    expect(run.started_at).not.toBeNull();
    expect(run.screenshot_urls.length).toBeGreaterThan(0);
    expect(run.recording_url).not.toBeNull();
  }, 120_000);

  it('enters a one-time code pushed through the API where the site asks for one', async () => {
    const created = await api.call('POST', '/v1/run/tasks/download_files', {
      navigation_goal: 'Download the May 2024 invoice as PDF',
      url: `${portal.origin}/verify`,
      totp_identifier: 'billing@acme.test',
    });
    const pushed = await api.call('POST', '/v1/credentials/totp', {
      totp_identifier: 'billing@acme.test',
      content: `Your Acme verification code is ${PORTAL_CODE}.`,
    });
    const run = await pollRun(created.json.run_id, (current) => TERMINAL.includes(current.status));

    expect(pushed.status).toBe(200);
    expect(run.status).toBe('completed');
    expect(run.downloaded_files[0].checksum).toBe(INVOICE.sha256);
    expect(portal.count('POST', '/verify')).toBe(1);
    expect(JSON.stringify(run)).not.toContain(PORTAL_CODE);
  }, 120_000);

  it('cancels a running run through the API and ends it canceled', async () => {
    const created = await api.call('POST', '/v1/run/tasks/download_files', {
      navigation_goal: 'Download the May 2024 invoice as PDF',
      url: `${portal.origin}/`,
    });
    const runId = created.json.run_id;

    const canceled = await api.call('POST', `/v1/runs/${runId}/cancel`);
    const run = await pollRun(runId, (current) => current.output !== null);

    expect(canceled.status).toBe(200);
    expect(run.status).toBe('canceled');
    expect(run.output.summary).toContain('Cancelled');
  }, 90_000);
});
