import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';

const CHUNK_BYTES = 1024 * 1024;
const POLL_MS = 15;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A flag that turns true once `promise` settles, whichever way. */
export function settledFlag(promise: Promise<unknown>): () => boolean {
  let settled = false;
  const mark = () => {
    settled = true;
  };
  promise.then(mark, mark);

  return () => settled;
}

/**
 * Reads a file the browser is still writing, from start to end, so that the upload runs while the
 * download does. The handle was opened while the file still had its `.crdownload` name, so the
 * browser's final rename does not matter. The stream ends once `finished` has settled and every
 * byte written by then has been read. The caller closes the handle.
 */
export function followGrowingFile(handle: FileHandle, finished: Promise<unknown>): Readable {
  const isDone = settledFlag(finished);
  let position = 0;

  return new Readable({
    highWaterMark: CHUNK_BYTES,
    async read() {
      try {
        for (;;) {
          const wasDone = isDone();
          const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
          const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
          if (bytesRead > 0) {
            position += bytesRead;
            this.push(buffer.subarray(0, bytesRead));
            return;
          }
          if (wasDone) {
            this.push(null);
            return;
          }
          await pause(POLL_MS);
        }
      } catch (error) {
        this.destroy(error as Error);
      }
    },
  });
}

/** The first `bytes` of a growing file, or all of it once `finished` settles shorter. */
export async function headOfGrowingFile(
  handle: FileHandle,
  bytes: number,
  finished: Promise<unknown>,
): Promise<Buffer> {
  const isDone = settledFlag(finished);
  for (;;) {
    const wasDone = isDone();
    const { size } = await handle.stat();
    if (size >= bytes || wasDone) {
      const buffer = Buffer.alloc(bytes);
      const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
      return buffer.subarray(0, bytesRead);
    }
    await pause(POLL_MS);
  }
}
