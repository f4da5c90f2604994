import fs from 'node:fs';

/** What is left in the service's work directory (session folders that were not removed). */
export function workDirEntries(workDir: string): string[] {
  return fs.existsSync(workDir) ? fs.readdirSync(workDir) : [];
}

/** Bytes used under a directory, counted file by file. */
export function directoryBytes(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      total += fs.statSync(`${entry.parentPath}/${entry.name}`).size;
    }
  }
  return total;
}
