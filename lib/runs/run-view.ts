import type { RunRequest } from '../contracts/request.ts';
import type { Run } from '../contracts/run.ts';
import type { ArtifactStore } from '../files/artifact-store.ts';
import type { RunRecord } from './run-record.ts';

/** What the public view of a run needs besides the record. */
export interface RunViewDeps {
  artifacts: Pick<ArtifactStore, 'signedUrl'>;
  /** Lifetime of the signed URLs minted for this view (DOWNLOAD_URL_TTL_S). */
  downloadUrlTtlS: number;
  /** Base URL of the run viewer (APP_URL_BASE); empty when the deployment has none. */
  appUrlBase: string;
}

/** How many step screenshots the run shows. */
const SCREENSHOTS_SHOWN = 3;

/** The request as a caller may see it again: header values are secrets and shown as `***`. */
export function maskRequest(request: RunRequest): RunRequest {
  const headers = request.extra_http_headers;

  return {
    ...request,
    extra_http_headers: headers
      ? Object.fromEntries(Object.keys(headers).map((name) => [name, '***']))
      : null,
  };
}

function appUrlOf(runId: string, base: string): string | null {
  return base ? `${base.replace(/\/+$/, '')}/runs/${runId}` : null;
}

/**
 * The public run (section 3 of the contract) for a stored record. Signed URLs are minted here, at
 * every read, so a caller always gets URLs that are valid for the full TTL.
 */
export async function toRunView(record: RunRecord, deps: RunViewDeps): Promise<Run> {
  const sign = (key: string, name?: string) =>
    deps.artifacts.signedUrl(key, deps.downloadUrlTtlS, name);
  const downloadedFiles = await Promise.all(
    record.files.map(async (file) => ({
      url: await sign(file.key, file.filename),
      checksum: file.checksum,
      filename: file.filename,
      file_size: file.file_size,
      modified_at: file.modified_at,
    })),
  );
  const screenshotKeys = record.screenshot_keys.slice(-SCREENSHOTS_SHOWN).reverse();

  return {
    run_id: record.run_id,
    status: record.status,
    created_at: record.created_at,
    modified_at: record.modified_at,
    queued_at: record.queued_at,
    started_at: record.started_at,
    finished_at: record.finished_at,
    run_type: 'workflow_run',
    output: record.output,
    downloaded_files: downloadedFiles,
    recording_url: record.recording_key ? await sign(record.recording_key) : null,
    screenshot_urls: await Promise.all(screenshotKeys.map((key) => sign(key))),
    failure_reason: record.failure_reason,
    webhook_failure_reason: record.webhook_failure_reason,
    errors: record.errors,
    app_url: appUrlOf(record.run_id, deps.appUrlBase),
    browser_session_id: record.request.browser_session_id,
    browser_profile_id: record.request.browser_profile_id,
    max_screenshot_scrolls: record.request.max_screenshot_scrolling_times,
    script_run:
      record.ai_fallback_triggered === null
        ? null
        : { ai_fallback_triggered: record.ai_fallback_triggered },
    step_count: record.step_count,
    run_with: record.run_with,
    ai_fallback: record.ai_fallback,
    run_request: maskRequest(record.request),
  };
}
