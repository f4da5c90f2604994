import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { VALID_TASK } from '../support/local-api.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'retriever-process-'));
const env = { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'WARN' };
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  url: string;
  devKey: string;
  startMs: number;
}

/** Starts the local mode exactly as `npm start` does and reads the URL and key it prints. */
function start(): Promise<Started> {
  const startedAt = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts'], { cwd: ROOT, env });
  children.push(child);
  let out = '';

  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const url = /API base URL:\s+(\S+)/.exec(out);
      const key = /API key \(dev\):\s+(\S+)/.exec(out);
      if (url && key)
        resolve({ child, url: url[1], devKey: key[1], startMs: Date.now() - startedAt });
    });
    child.stderr.on('data', (chunk) => {
      out += chunk;
    });
    child.once('exit', (code) => reject(new Error(`local mode exited with ${code}: ${out}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

async function keys(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'bin/keys.ts', ...args],
    {
      cwd: ROOT,
      env,
    },
  );
  return stdout.trim();
}

async function call(url: string, key: string, method: string, route: string, body?: unknown) {
  const response = await fetch(`${url}${route}`, {
    method,
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

describe('the local mode as a process', () => {
  it('keeps runs and keys across a restart, and the keys tool works with it stopped or running', {
    timeout: 180_000,
  }, async () => {
    const acmeKey = await keys('create', '--owner', 'acme');

    const first = await start();
    const created = await call(
      first.url,
      acmeKey,
      'POST',
      '/v1/run/tasks/download_files',
      VALID_TASK,
    );
    expect(created.status).toBe(200);
    expect(await stop(first.child)).toBe(0);

    const second = await start();
    const read = await call(second.url, acmeKey, 'GET', `/v1/runs/${created.json.run_id}`);
    const listedByDev = await call(second.url, second.devKey, 'GET', '/v1/runs');
    const keyId = (await keys('list', '--owner', 'acme')).split('\n')[1].split('\t')[0];
    await keys('revoke', keyId);
    const revoked = await call(second.url, acmeKey, 'GET', `/v1/runs/${created.json.run_id}`);
    expect(await stop(second.child)).toBe(0);

    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({ run_id: created.json.run_id, status: 'queued' });
    expect(second.devKey).toBe(first.devKey);
    expect(listedByDev.json.runs).toEqual([]);
    expect(revoked.status).toBe(403);
    console.log(
      `local mode answered after ${first.startMs} ms (first start), ${second.startMs} ms (restart)`,
    );
  });
});
