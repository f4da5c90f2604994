import { createHash } from 'node:crypto';
import type { FetchedFile } from './browser-harness.ts';
import type { LocalApi } from './local-api.ts';

const TERMINAL = ['completed', 'failed', 'terminated', 'timed_out', 'canceled'];
const POLL_MS = 250;

export interface FinishedRun {
  // biome-ignore lint/suspicious/noExplicitAny: the run as the API answered it, read field by field
  run: any;
  /** The run's files fetched from their signed URLs, as a caller would. */
  files: FetchedFile[];
  /** The fetched bytes by filename, for magic-byte and content checks. */
  bytes: Map<string, Buffer>;
}

/**
 * POSTs a download task to the local API, polls the run until it ends, and fetches every file
 * from its signed URL.
 */
export async function runTask(
  api: LocalApi,
  body: Record<string, unknown>,
  timeoutMs = 120_000,
): Promise<FinishedRun> {
  const created = await api.call('POST', '/v1/run/tasks/download_files', body);
  if (created.status !== 200) {
    throw new Error(`create answered ${created.status}: ${JSON.stringify(created.json)}`);
  }
  const deadline = Date.now() + timeoutMs;
  let run = created.json;
  while (!TERMINAL.includes(run.status)) {
    if (Date.now() > deadline) {
      throw new Error(`run ${run.run_id} still ${run.status} after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    run = (await api.call('GET', `/v1/runs/${run.run_id}`)).json;
  }

  const files: FetchedFile[] = [];
  const bytes = new Map<string, Buffer>();
  for (const file of run.downloaded_files) {
    const data = Buffer.from(await (await fetch(file.url)).arrayBuffer());
    bytes.set(file.filename, data);
    files.push({
      filename: file.filename,
      size: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
    });
  }

  return { run, files, bytes };
}
