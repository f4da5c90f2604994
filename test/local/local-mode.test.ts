import fs from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import { startLocalMode } from '../../lib/local/local-mode.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'retriever-local-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const config = (port: number) =>
  loadConfig({ DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'SILENT' });

describe('startLocalMode', () => {
  it('fails on a busy port and leaves its data free for the next start', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busyPort = (blocker.address() as { port: number }).port;

    await expect(startLocalMode({ config: config(busyPort) })).rejects.toThrow(/EADDRINUSE/);
    blocker.close();

    const local = await startLocalMode({ config: config(0) });
    const health = await fetch(`${local.url}/healthz`);
    await local.stop();
    expect(health.status).toBe(200);
  });

  it('refuses a data folder that a running local mode uses, and names it', async () => {
    const local = await startLocalMode({ config: config(0) });
    try {
      const endpoints = JSON.parse(fs.readFileSync(path.join(dataDir, 'endpoints.json'), 'utf8'));
      // The running instance is this very process, which the check skips; pose as another one.
      fs.writeFileSync(
        path.join(dataDir, 'endpoints.json'),
        JSON.stringify({ ...endpoints, pid: process.ppid }),
      );

      await expect(startLocalMode({ config: config(0) })).rejects.toThrow(
        `is in use by the local mode at ${local.url}`,
      );
    } finally {
      await local.stop();
    }
  });
});
