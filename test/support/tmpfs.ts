import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** A small RAM disk standing in for Lambda's /tmp; needs permission to mount (root). */
export interface SmallDisk {
  dir: string;
  unmount(): void;
}

/** Mounts a tmpfs of `bytes` at a fresh folder under `parent`, or null without permission. */
export function mountSmallDisk(parent: string, bytes: number): SmallDisk | null {
  const dir = fs.mkdtempSync(path.join(parent, 'small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], {
      stdio: 'ignore',
    });
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return {
    dir,
    unmount() {
      execFileSync('umount', [dir], { stdio: 'ignore' });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes `bytes` of junk into `dir/name` (a stale profile left by an earlier run). */
export function writeJunk(dir: string, name: string, bytes: number): void {
  fs.mkdirSync(path.join(dir, name), { recursive: true });
  const chunk = Buffer.alloc(1024 * 1024, 7);
  const fd = fs.openSync(path.join(dir, name, 'junk.bin'), 'w');
  for (let left = bytes; left > 0; left -= chunk.length) {
    fs.writeSync(fd, chunk, 0, Math.min(chunk.length, left));
  }
  fs.closeSync(fd);
}

/** Bytes in use on the filesystem holding `dir`. */
export function usedBytes(dir: string): number {
  const stats = fs.statfsSync(dir);
  return (stats.blocks - stats.bfree) * stats.bsize;
}
