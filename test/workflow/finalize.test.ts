import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/finalize/handler.ts';
import { S3ArtifactStore } from '../../lib/files/s3-artifact-store.ts';
import { createLogger } from '../../lib/log.ts';
import { DynamoRunStore } from '../../lib/runs/run-store.ts';
import { initialCheckpoint, saveCheckpoint } from '../../lib/workflow/checkpoint.ts';
import type { Finished } from '../../lib/workflow/payloads.ts';
import { startTestEnvironment, type TestEnvironment } from '../support/embedded.ts';
import { runRecordFor } from '../support/runs.ts';

let env: TestEnvironment;
let store: DynamoRunStore;
let artifacts: S3ArtifactStore;
let handler: ReturnType<typeof createHandler>;
const finalize = async (event: unknown) => (await handler(event)) as Finished;

beforeAll(async () => {
  env = await startTestEnvironment();
  store = new DynamoRunStore(env.clients.dynamodb, env.config.RUNS_TABLE);
  artifacts = new S3ArtifactStore(env.clients.s3, env.config.ARTIFACTS_BUCKET);
  handler = createHandler({
    store,
    artifacts,
    view: { downloadUrlTtlS: 60, appUrlBase: '' },
    logger: createLogger('test', 'SILENT'),
    runTimeoutS: 1800,
  });
});
afterAll(() => env.close());

async function runningRun(webhookUrl: string | null = null) {
  const record = runRecordFor({
    navigation_goal: 'get it',
    url: 'https://x.test/',
    webhook_url: webhookUrl,
  });
  await store.create(record);
  await store.transition(record.run_id, ['created'], 'running');
  return record;
}

describe('finalize', () => {
  it('writes the outcome of the loop as the terminal status, once', async () => {
    const record = await runningRun('https://hooks.test/run');
    await saveCheckpoint(artifacts, {
      ...initialCheckpoint(record.run_id, 'https://x.test/done', new Date()),
      title: 'Done',
      outcome: {
        status: 'terminated',
        summary: 'No such invoice.',
        failure_reason: 'No such invoice.',
      },
    });

    const first = await finalize({ run_id: record.run_id, error: null });
    await store.update(record.run_id, { failure_reason: 'changed later' });
    const second = await finalize({ run_id: record.run_id, error: null });

    expect(first).toMatchObject({
      run: { status: 'terminated', failure_reason: 'No such invoice.' },
      webhook: { url: 'https://hooks.test/run' },
    });
    expect(first.run?.output).toEqual({
      downloaded_file_count: 0,
      final_url: 'https://x.test/done',
      final_title: 'Done',
      summary: 'No such invoice.',
    });
    expect(second.run?.failure_reason).toBe('changed later');
    expect(second.webhook?.delivery_id).not.toBe(first.webhook?.delivery_id);
  });

  it('fails the run with the name and message of the error that ended the loop', async () => {
    const record = await runningRun();
    const cause = JSON.stringify({ errorType: 'BrowserLaunchError', errorMessage: 'no Chromium' });

    const finished = await finalize({
      run_id: record.run_id,
      error: { Error: 'BrowserLaunchError', Cause: cause },
    });

    expect(finished.webhook).toBeNull();
    expect(finished.run?.status).toBe('failed');
    expect(finished.run?.failure_reason).toBe('The browser could not be started: no Chromium');
    expect(finished.run?.errors).toEqual([
      { code: 'browser_launch_error', message: 'no Chromium', step: null },
    ]);
  });

  it('keeps a cancelled run canceled and gives it an output', async () => {
    const record = await runningRun();
    await store.finish(record.run_id, 'canceled');

    const finished = await finalize({ run_id: record.run_id, error: null });

    expect(finished.run?.status).toBe('canceled');
    expect(finished.run?.output?.summary).toBe('Cancelled through the API before it finished.');
  });

  it('keeps the output a cancel wrote and adds the page the browser was on', async () => {
    const record = await runningRun();
    await store.finish(record.run_id, 'canceled', {
      output: {
        downloaded_file_count: 0,
        final_url: null,
        final_title: null,
        summary: 'Cancelled by the caller.',
      },
    });
    await saveCheckpoint(artifacts, {
      ...initialCheckpoint(record.run_id, 'https://x.test/invoices', new Date()),
      title: 'Invoices',
    });

    const finished = await finalize({ run_id: record.run_id, error: null });
    const again = await finalize({ run_id: record.run_id, error: null });

    const output = {
      downloaded_file_count: 0,
      final_url: 'https://x.test/invoices',
      final_title: 'Invoices',
      summary: 'Cancelled by the caller.',
    };
    expect(finished.run?.output).toEqual(output);
    expect(again.run?.output).toEqual(output);
    expect((await store.get(record.run_id))?.output).toEqual(output);
  });
});
