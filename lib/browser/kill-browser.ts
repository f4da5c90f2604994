import fs from 'node:fs';

/**
 * Kills the Chromium processes started with `profileDir` as their user-data directory: the last
 * resort when a browser does not close (a page stuck in a dialog or a popup storm). Linux only;
 * elsewhere nothing is found and nothing is killed.
 */
export async function killBrowserOfProfile(profileDir: string): Promise<number> {
  const marker = `--user-data-dir=${profileDir}`;
  const entries = await fs.promises.readdir('/proc').catch(() => [] as string[]);
  let killed = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await fs.promises.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.split('\0').includes(marker)) continue;
    try {
      process.kill(Number(entry), 'SIGKILL');
      killed += 1;
    } catch {
      // it exited on its own meanwhile
    }
  }

  return killed;
}
