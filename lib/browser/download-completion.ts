import fs from 'node:fs';
import type { Download } from 'playwright-core';
import type { RunFiles } from '../files/run-files.ts';

/** The outcome of a download the network cut short (not one the service stopped). */
export const INTERRUPTED = 'the transfer was interrupted';

/** Free space kept on the work disk while a download grows; below it the download is stopped. */
const MIN_FREE_BYTES = 16 * 1024 * 1024;
const DISK_POLL_MS = 250;

async function freeBytes(dir: string): Promise<number> {
  const stats = await fs.promises.statfs(dir);

  return stats.bavail * stats.bsize;
}

/** Why a download of `announced` bytes must not even start: a limit, or too little disk. */
export async function precheckDownload(
  files: RunFiles,
  downloadsDir: string,
  announced: number,
): Promise<string | null> {
  const limit = files.limitProblem(announced);
  if (limit) return limit;
  const free = await freeBytes(downloadsDir);
  if (free - announced < MIN_FREE_BYTES) {
    return `insufficient disk space (${announced} bytes announced, ${free} bytes free)`;
  }

  return null;
}

export interface CompletionLimits {
  downloadTimeoutMs: number;
  deadline: number;
  downloadsDir: string;
}

/**
 * Waits for a download to end, stopping it when download_timeout (or the deadline) passes or the
 * work disk runs out of space. Null when it completed; otherwise why it did not.
 */
export async function awaitDownload(
  download: Download,
  limits: CompletionLimits,
): Promise<string | null> {
  const { downloadTimeoutMs, deadline, downloadsDir } = limits;
  const waitMs = Math.max(0, Math.min(downloadTimeoutMs, deadline - Date.now()));
  let stopped: string | null = null;
  const stop = (reason: string) => {
    stopped ??= reason;
    download.cancel().catch(() => undefined);
  };
  const timer = setTimeout(
    () => stop(`it did not finish within ${Math.round(waitMs / 1000)} s`),
    waitMs,
  );
  const disk = setInterval(() => {
    freeBytes(downloadsDir)
      .then((free) => {
        if (free < MIN_FREE_BYTES) stop('insufficient disk space on the work disk');
      })
      .catch(() => undefined);
  }, DISK_POLL_MS);
  try {
    const failure = await download.failure();
    if (stopped) return stopped;
    return failure ? INTERRUPTED : null;
  } finally {
    clearTimeout(timer);
    clearInterval(disk);
  }
}
