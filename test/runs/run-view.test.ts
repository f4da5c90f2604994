import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDefaults } from '../../lib/contracts/request.ts';
import { RunSchema } from '../../lib/contracts/run.ts';
import { runKeys } from '../../lib/files/artifact-store.ts';
import { S3ArtifactStore } from '../../lib/files/s3-artifact-store.ts';
import { newRunId } from '../../lib/runs/ids.ts';
import { newRunRecord, type RunRecord } from '../../lib/runs/run-record.ts';
import { toRunView } from '../../lib/runs/run-view.ts';
import { startTestEnvironment, type TestEnvironment } from '../support/embedded.ts';

let env: TestEnvironment;
let artifacts: S3ArtifactStore;

beforeAll(async () => {
  env = await startTestEnvironment();
  artifacts = new S3ArtifactStore(env.clients.s3, env.config.ARTIFACTS_BUCKET);
});
afterAll(() => env.close());

async function storedRun(): Promise<RunRecord> {
  const runId = newRunId();
  const record = newRunRecord({
    runId,
    owner: 'acme',
    request: withDefaults({
      navigation_goal: 'get the statement',
      url: 'https://example.com',
      extra_http_headers: { Cookie: 'session=abc' },
    }),
    now: new Date(),
    aiFallback: false,
  });
  const pdf = await artifacts.putBytes(runKeys.download(runId, 'statement.pdf'), '%PDF-1.7 test');
  const screenshots = [];
  for (let step = 1; step <= 5; step++) {
    screenshots.push(
      (await artifacts.putBytes(runKeys.screenshot(runId, step), `png ${step}`)).key,
    );
  }
  const trace = await artifacts.putBytes(runKeys.trace(runId, 1), 'trace');

  return {
    ...record,
    status: 'completed',
    files: [
      {
        key: pdf.key,
        checksum: pdf.checksum,
        filename: 'Kontoauszug Mai.pdf',
        file_size: pdf.size,
        modified_at: record.created_at,
        source_url: 'https://example.com/statement.pdf',
      },
    ],
    screenshot_keys: screenshots,
    recording_key: trace.key,
    ai_fallback_triggered: false,
  };
}

describe('toRunView', () => {
  it('mints working signed URLs for files, the last three screenshots and the recording', async () => {
    const record = await storedRun();

    const view = await toRunView(record, {
      artifacts,
      downloadUrlTtlS: 3600,
      appUrlBase: '',
    });

    expect(RunSchema.parse(view)).toEqual(view);
    const file = await fetch(view.downloaded_files[0].url);
    expect(await file.text()).toBe('%PDF-1.7 test');
    expect(file.headers.get('content-disposition')).toContain('Kontoauszug Mai.pdf');
    const shots = await Promise.all(
      view.screenshot_urls.map(async (url) => (await fetch(url)).text()),
    );
    expect(shots).toEqual(['png 5', 'png 4', 'png 3']);
    expect(await (await fetch(view.recording_url!)).text()).toBe('trace');
    expect(new URL(view.downloaded_files[0].url).searchParams.get('X-Amz-Expires')).toBe('3600');
  });

  it('shows the request with header values masked and the settings in force', async () => {
    const record = await storedRun();

    const view = await toRunView(record, { artifacts, downloadUrlTtlS: 60, appUrlBase: '' });

    expect(view.run_request.extra_http_headers).toEqual({ Cookie: '***' });
    expect(view.app_url).toBeNull();
    expect(view.max_screenshot_scrolls).toBe(3);
    expect(view.script_run).toEqual({ ai_fallback_triggered: false });
    expect(view.downloaded_files[0]).not.toHaveProperty('source_url');
  });
});
