import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Download } from 'playwright-core';
import { HEAD_BYTES } from '../files/content-check.ts';
import type { GrowingFile, LocalFile, RunFiles } from '../files/run-files.ts';
import { followGrowingFile, headOfGrowingFile, settledFlag } from './growing-file.ts';
import type { CapturedFile } from './types.ts';

const CLAIM_WAIT_MS = 1000;
const CLAIM_POLL_MS = 10;
const PARTIAL_SUFFIX = '.crdownload';

/** Says that a claimed file turned out to belong to another download. */
export const WRONG_FILE = 'the file being read belonged to another download';
/** Says that fewer bytes arrived than the server announced. */
export const INCOMPLETE = 'fewer bytes arrived than the server announced';

export interface ClaimedFile {
  path: string;
  handle: FileHandle;
}

/**
 * Finds the partial file the browser is writing for a download that just started: the one new
 * `.crdownload` file in the folder. Null when there is none, or more than one, or when the
 * download has already ended (then the caller stores the finished file instead).
 */
export async function claimGrowingFile(
  dir: string,
  claimed: Set<string>,
  finished: Promise<unknown>,
): Promise<ClaimedFile | null> {
  const ended = settledFlag(finished);
  const until = Date.now() + CLAIM_WAIT_MS;
  while (Date.now() < until && !ended()) {
    const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
    const fresh = names.filter((n) => n.endsWith(PARTIAL_SUFFIX) && !claimed.has(n));
    if (fresh.length > 1) return null;
    if (fresh.length === 1) {
      const handle = await fs.promises.open(path.join(dir, fresh[0]), 'r').catch(() => null);
      if (!handle) return null;
      claimed.add(fresh[0]);
      return { path: path.join(dir, fresh[0]), handle };
    }
    await new Promise((resolve) => setTimeout(resolve, CLAIM_POLL_MS));
  }

  return null;
}

/**
 * Stores a download while the browser is still writing it: the upload follows the partial file,
 * and once the download has ended the stored bytes are kept only if it completed, and if the
 * file was really this download's.
 */
export async function storeWhileArriving(
  files: RunFiles,
  download: Download,
  claimed: ClaimedFile,
  completion: Promise<string | null>,
  file: Omit<LocalFile, 'path'>,
  expectedSize: () => number | null,
): Promise<CapturedFile> {
  const growing: GrowingFile = {
    ...file,
    head: await headOfGrowingFile(claimed.handle, HEAD_BYTES, completion),
    open: () => followGrowingFile(claimed.handle, completion),
    verify: async (storedSize) => {
      const outcome = await completion;
      if (outcome) return outcome;
      const finalPath = await download.path().catch(() => null);
      if (finalPath !== claimed.path.slice(0, -PARTIAL_SUFFIX.length)) return WRONG_FILE;
      const { size } = await fs.promises.stat(finalPath);
      if (size !== storedSize) return WRONG_FILE;
      const expected = expectedSize();
      return expected !== null && expected !== size ? INCOMPLETE : null;
    },
  };

  return files.storeGrowing(growing);
}
