import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Bench, BenchRow } from './report.ts';

const FILE_BYTES = 1024 ** 3;
const MB = 1024 * 1024;
const RSS_LIMIT_MB = 150;
const MIN_THROUGHPUT_RATIO = 0.5;
const BUCKET = 'retriever-artifacts';

interface Measured {
  seconds: number;
  rssGrowthMb: number;
}

/** Starts a bench helper script and resolves with the first line it prints. */
async function runScript(
  script: string,
  args: string[],
): Promise<{ line: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'support', script), ...args],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { line, child };
}

async function measureIn(mode: string, servers: string, dataDir: string): Promise<Measured> {
  const workDir = path.join(dataDir, `work-${mode}`);
  const { line } = await runScript('download-worker.ts', [
    mode,
    servers,
    BUCKET,
    workDir,
    String(FILE_BYTES),
  ]);
  return JSON.parse(line) as Measured;
}

const bench: Bench = {
  name: 'download (1 GiB from a local server into the embedded S3)',
  async run(): Promise<BenchRow[]> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-download-'));
    const servers = await runScript('download-servers.ts', [dataDir, BUCKET, String(FILE_BYTES)]);
    try {
      const baseline = await measureIn('baseline', servers.line, dataDir);
      const product = await measureIn('browser', servers.line, dataDir);
      const mbps = (seconds: number) => FILE_BYTES / MB / seconds;
      const ratio = mbps(product.seconds) / mbps(baseline.seconds);
      const label = 'plain HTTP client to S3';
      return [
        {
          name: 'throughput, browser download to S3',
          value: mbps(product.seconds),
          unit: 'MB/s',
          baseline: mbps(baseline.seconds),
          baselineLabel: label,
          target: `>= ${MIN_THROUGHPUT_RATIO * 100}% of baseline (${(ratio * 100).toFixed(0)}%)`,
          pass: ratio >= MIN_THROUGHPUT_RATIO,
        },
        {
          name: 'peak RSS growth of the service process',
          value: product.rssGrowthMb,
          unit: 'MB',
          baseline: baseline.rssGrowthMb,
          baselineLabel: label,
          target: `< ${RSS_LIMIT_MB} MB`,
          pass: product.rssGrowthMb < RSS_LIMIT_MB,
        },
      ];
    } finally {
      servers.child.stdin?.end();
      await new Promise((resolve) => servers.child.once('exit', resolve));
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

export default bench;
