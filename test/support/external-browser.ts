import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromiumArgs, chromiumExecutable } from '../../lib/browser/launcher.ts';
import { loadConfig } from '../../lib/config.ts';

/** A Chromium the test launches itself, as a caller would, with a remote-debugging port. */
export interface ExternalBrowser {
  /** The CDP address to give as browser_address (`http://127.0.0.1:<port>`). */
  address: string;
  process: ChildProcess;
  profileDir: string;
  /** The pages the browser reports over its HTTP endpoint. */
  tabs(): Promise<{ type: string; url: string }[]>;
  alive(): boolean;
  close(): Promise<void>;
}

/** Launches the packaged Chromium with a fresh profile and a free remote-debugging port. */
export async function launchExternalBrowser(startUrl = 'about:blank'): Promise<ExternalBrowser> {
  const executable = await chromiumExecutable(loadConfig({}));
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'external-profile-'));
  const args = chromiumArgs(null).filter((a) => a !== '--single-process');
  const child = spawn(
    executable,
    [...args, '--remote-debugging-port=0', `--user-data-dir=${profileDir}`, startUrl],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`no DevTools port: ${seen.slice(-500)}`)),
      15_000,
    );
    child.stderr?.on('data', (data: Buffer) => {
      seen += data.toString();
      const match = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', () => reject(new Error(`browser exited: ${seen.slice(-500)}`)));
  });
  const address = `http://127.0.0.1:${port}`;
  return {
    address,
    process: child,
    profileDir,
    async tabs() {
      const response = await fetch(`${address}/json/list`);
      return (await response.json()) as { type: string; url: string }[];
    },
    alive: () => child.exitCode === null && child.signalCode === null,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(profileDir, { recursive: true, force: true });
    },
  };
}
