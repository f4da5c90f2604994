/**
 * One measured download of the benchmark, in a fresh process so that its memory figures are its
 * own: `baseline` streams the file with a plain HTTP client into S3, `browser` runs a browser
 * session whose start URL is the file. Prints one JSON line: seconds and peak RSS growth.
 */
import http from 'node:http';
import { createAwsClients } from '../../lib/aws.ts';
import { openBrowserSession } from '../../lib/browser/index.ts';
import { type Config, loadConfig } from '../../lib/config.ts';
import { S3ArtifactStore } from '../../lib/files/s3-artifact-store.ts';
import { ensureTables } from '../../lib/local/embedded.ts';
import { createLogger } from '../../lib/log.ts';
import { createAddressPolicyFromConfig } from '../../lib/net/address-policy.ts';
import { startEgressProxy } from '../../lib/net/egress-proxy.ts';
import { newRunId } from '../../lib/runs/ids.ts';
import { newRunRecord } from '../../lib/runs/run-record.ts';
import { DynamoRunStore } from '../../lib/runs/run-store.ts';

const MB = 1024 * 1024;
const SAMPLE_MS = 25;

interface Servers {
  dynamodbEndpoint: string;
  s3Endpoint: string;
  fileUrl: string;
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
async function plainClient(url: string, artifacts: S3ArtifactStore, size: number): Promise<void> {
  const response = await new Promise<http.IncomingMessage>((resolve, reject) =>
    http.get(url, resolve).once('error', reject),
  );
  const put = await artifacts.putStream(
    'bench/baseline/big.bin',
    response,
    'application/octet-stream',
  );
  if (put.size !== size) throw new Error(`baseline stored ${put.size} bytes`);
}

/** The product: a browser session whose start URL is the file. */
async function browserRun(
  config: Config,
  servers: Servers,
  artifacts: S3ArtifactStore,
  size: number,
) {
  const clients = createAwsClients(config);
  await ensureTables(clients.dynamodb, {
    runs: config.RUNS_TABLE,
    keys: config.KEYS_TABLE,
    codes: config.CODES_TABLE,
    sessions: config.SESSIONS_TABLE,
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
  // as in a run: the browser reaches the file through this process's egress proxy
  const proxy = await startEgressProxy({ policy: createAddressPolicyFromConfig(config) });
  const session = await openBrowserSession(
    {
      runId,
      deadline: Date.now() + 30 * 60_000,
      downloadTimeoutS: 900,
      downloadSuffix: null,
      extraHttpHeaders: null,
      headersOrigin: null,
      browserAddress: null,
      proxyUrl: proxy.url,
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
  await proxy.close();
  if (storedBytes !== size) throw new Error(`the browser run stored ${storedBytes} bytes`);
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

const [mode, serversJson, bucket, workDir, sizeText] = process.argv.slice(2);
const servers = JSON.parse(serversJson) as Servers;
const size = Number(sizeText);
const config = loadConfig({
  ARTIFACTS_BUCKET: bucket,
  DYNAMODB_ENDPOINT: servers.dynamodbEndpoint,
  S3_ENDPOINT: servers.s3Endpoint,
  ALLOW_LOOPBACK: 'true',
  LOG_LEVEL: 'ERROR',
  WORK_DIR: workDir,
  MAX_FILE_BYTES: String(2 * size),
});
const artifacts = new S3ArtifactStore(createAwsClients(config).s3, bucket);
const result =
  mode === 'baseline'
    ? await measure(() => plainClient(servers.fileUrl, artifacts, size))
    : await browserRun(config, servers, artifacts, size);
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
