import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createAwsClients } from '../lib/aws.ts';
import { openBrowserSession } from '../lib/browser/index.ts';
import { type Config, loadConfig } from '../lib/config.ts';
import { S3ArtifactStore } from '../lib/files/s3-artifact-store.ts';
import { ensureTables } from '../lib/local/embedded.ts';
import { createLogger } from '../lib/log.ts';
import { newRunId } from '../lib/runs/ids.ts';
import { newRunRecord } from '../lib/runs/run-record.ts';
import { DynamoRunStore } from '../lib/runs/run-store.ts';
import type { Bench, BenchRow } from './report.ts';

const FILE_BYTES = 1024 ** 3;
const MB = 1024 * 1024;
const RSS_LIMIT_MB = 150;
const MIN_THROUGHPUT_RATIO = 0.5;
const SAMPLE_MS = 25;

interface Servers {
  dynamodbEndpoint: string;
  s3Endpoint: string;
  fileUrl: string;
  child: ChildProcess;
}

async function startServers(dataDir: string, bucket: string): Promise<Servers> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(import.meta.dirname, 'support/download-servers.ts'),
      dataDir,
      bucket,
      String(FILE_BYTES),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`benchmark servers exited with ${code}`)));
  });
  return { ...JSON.parse(line), child };
}

/** Runs `work` while sampling this process's RSS; returns its duration and peak RSS growth. */
async function measure(
  work: () => Promise<void>,
): Promise<{ seconds: number; rssGrowthMb: number }> {
  global.gc?.();
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, SAMPLE_MS);
  const started = performance.now();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage.rss());
  return { seconds: (performance.now() - started) / 1000, rssGrowthMb: (peak - baseline) / MB };
}

/** The baseline: a plain HTTP client streaming the file into the same bucket. */
async function plainClient(url: string, artifacts: S3ArtifactStore): Promise<void> {
  const response = await new Promise<http.IncomingMessage>((resolve, reject) =>
    http.get(url, resolve).once('error', reject),
  );
  const put = await artifacts.putStream(
    'bench/baseline/big.bin',
    response,
    'application/octet-stream',
  );
  if (put.size !== FILE_BYTES) throw new Error(`baseline stored ${put.size} bytes`);
}

/** The product: a browser session whose start URL is the file. */
async function browserRun(config: Config, servers: Servers, artifacts: S3ArtifactStore) {
  const clients = createAwsClients(config);
  await ensureTables(clients.dynamodb, {
    runs: config.RUNS_TABLE,
    keys: config.KEYS_TABLE,
    codes: config.CODES_TABLE,
  });
  const runs = new DynamoRunStore(clients.dynamodb, config.RUNS_TABLE);
  const runId = newRunId();
  await runs.create(
    newRunRecord({
      runId,
      owner: 'bench',
      request: benchRequest(servers.fileUrl),
      now: new Date(),
      aiFallback: false,
    }),
  );
  const session = await openBrowserSession(
    {
      runId,
      deadline: Date.now() + 30 * 60_000,
      downloadTimeoutS: 900,
      downloadSuffix: null,
      extraHttpHeaders: null,
      headersOrigin: null,
      browserAddress: null,
      proxyUrl: null,
      existingFiles: [],
      storageState: null,
      startUrl: servers.fileUrl,
    },
    {
      artifacts,
      recordFile: (file) => runs.addFile(runId, file),
      config,
      logger: createLogger('bench', 'ERROR'),
    },
  );
  let storedBytes = 0;
  const result = await measure(async () => {
    const opened = await session.open(servers.fileUrl);
    storedBytes = opened.files[0]?.stored?.file_size ?? 0;
  });
  await session.close();
  if (storedBytes !== FILE_BYTES) throw new Error(`the browser run stored ${storedBytes} bytes`);
  return result;
}

function benchRequest(url: string) {
  return {
    navigation_goal: 'benchmark',
    url,
    webhook_url: null,
    proxy_location: 'NONE' as const,
    totp_identifier: null,
    totp_url: null,
    browser_session_id: null,
    browser_profile_id: null,
    browser_address: null,
    extra_http_headers: null,
    max_screenshot_scrolling_times: 0,
    download_suffix: null,
    download_timeout: 900,
    max_steps_per_run: 1,
  };
}

const bench: Bench = {
  name: 'download (1 GiB from a local server into the embedded S3)',
  async run(): Promise<BenchRow[]> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-download-'));
    const bucket = 'retriever-artifacts';
    const servers = await startServers(dataDir, bucket);
    try {
      const config = loadConfig({
        ARTIFACTS_BUCKET: bucket,
        DYNAMODB_ENDPOINT: servers.dynamodbEndpoint,
        S3_ENDPOINT: servers.s3Endpoint,
        ALLOW_LOOPBACK: 'true',
        LOG_LEVEL: 'ERROR',
        WORK_DIR: path.join(dataDir, 'work'),
        MAX_FILE_BYTES: String(2 * FILE_BYTES),
      });
      const artifacts = new S3ArtifactStore(createAwsClients(config).s3, bucket);
      const baseline = await measure(() => plainClient(servers.fileUrl, artifacts));
      const product = await browserRun(config, servers, artifacts);
      const mbps = (seconds: number) => FILE_BYTES / MB / seconds;
      const ratio = mbps(product.seconds) / mbps(baseline.seconds);
      return [
        {
          name: 'throughput, browser download to S3',
          value: mbps(product.seconds),
          unit: 'MB/s',
          baseline: mbps(baseline.seconds),
          baselineLabel: 'plain HTTP client to S3',
          target: `>= ${MIN_THROUGHPUT_RATIO * 100}% of baseline (${(ratio * 100).toFixed(0)}%)`,
          pass: ratio >= MIN_THROUGHPUT_RATIO,
        },
        {
          name: 'peak RSS growth of the service process',
          value: product.rssGrowthMb,
          unit: 'MB',
          baseline: baseline.rssGrowthMb,
          baselineLabel: 'plain HTTP client to S3',
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
