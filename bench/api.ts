import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../lib/config.ts';
import { startLocalMode } from '../lib/local/local-mode.ts';
import type { Bench, BenchRow } from './report.ts';

const REQUESTS = 200;
const START_TARGET_S = 15;
const ROOT = path.resolve(import.meta.dirname, '..');
const TASK = {
  url: 'https://example.com/invoices',
  navigation_goal: 'Download the latest invoice',
};

function percentile(samples: number[], share: number): number {
  const sorted = [...samples].sort((a, b) => a - b);

  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];
}

/** Milliseconds of each of REQUESTS sequential calls. */
async function time(call: () => Promise<Response>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    const response = await call();
    await response.arrayBuffer();
    samples.push(performance.now() - started);
  }

  return samples;
}

/** Seconds from spawning `npm start`'s entry until it prints its base URL. */
function timeStart(dataDir: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'WARN' },
  });
  let out = '';

  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (!/API key \(dev\)/.test(out)) return;
      const seconds = (performance.now() - started) / 1000;
      child.once('exit', () => resolve(seconds));
      child.kill('SIGINT');
    });
    child.once('error', reject);
  });
}

const row = (name: string, value: number, baseline: number, target: number | null): BenchRow => ({
  name,
  value,
  unit: 'ms',
  baseline,
  baselineLabel: 'GET /healthz p50, no key or table',
  target: target === null ? null : `< ${target} ms`,
  pass: target === null ? null : value < target,
});

const bench: Bench = {
  name: `API in the local mode (${REQUESTS} sequential requests each)`,
  async run(): Promise<BenchRow[]> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'retriever-bench-'));
    const startS = await timeStart(path.join(dataDir, 'spawned'));
    const local = await startLocalMode({
      config: loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'SILENT' }),
    });
    const headers = { 'x-api-key': local.devKey, 'content-type': 'application/json' };
    try {
      const health = percentile(await time(() => fetch(`${local.url}/healthz`)), 0.5);
      const ids: string[] = [];
      const create = await time(async () => {
        const response = await fetch(`${local.url}/v1/run/tasks/download_files`, {
          method: 'POST',
          headers,
          body: JSON.stringify(TASK),
        });
        ids.push((await response.clone().json()).run_id);
        return response;
      });
      const get = await time(() => fetch(`${local.url}/v1/runs/${ids.pop()}`, { headers }));
      const list = await time(() => fetch(`${local.url}/v1/runs?page_size=20`, { headers }));

      return [
        {
          name: '`npm start` entry: spawn to base URL printed',
          value: startS,
          unit: 's',
          baseline: null,
          baselineLabel: null,
          target: `< ${START_TARGET_S} s`,
          pass: startS < START_TARGET_S,
        },
        row('POST create p50', percentile(create, 0.5), health, null),
        row('POST create p95', percentile(create, 0.95), health, 250),
        row('GET run p95', percentile(get, 0.95), health, 100),
        row('GET runs (page of 20) p95', percentile(list, 0.95), health, 250),
      ];
    } finally {
      await local.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

export default bench;
