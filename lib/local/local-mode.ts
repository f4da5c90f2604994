import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createHandler } from '../../functions/api/handler.ts';
import { createAwsClients } from '../aws.ts';
import type { Config } from '../config.ts';
import { S3ArtifactStore } from '../files/s3-artifact-store.ts';
import { type ApiDeps, apiSettingsOf } from '../http/api-deps.ts';
import { createLogger, type Logger } from '../log.ts';
import { SignedWebhookSender } from '../notify/signed-webhook-sender.ts';
import type { WebhookSender } from '../notify/webhook-sender.ts';
import { DynamoCodeStore } from '../otp/code-store.ts';
import { DynamoKeyStore, type KeyStore } from '../runs/key-store.ts';
import { QueueOnlyRunStarter, type RunStarter } from '../runs/run-starter.ts';
import { DynamoRunStore, type RunStore } from '../runs/run-store.ts';
import { ensureTables, startEmbeddedServices } from './embedded.ts';
import { startLocalHttpServer } from './http-server.ts';

/** The owner of the development key that the local mode creates. */
export const DEV_OWNER = 'dev';

export interface LocalModeOptions {
  /** The configuration; its DATA_DIR holds the data and PORT the API's port (0: any free port). */
  config: Config;
  host?: string;
  logger?: Logger;
  /** Replaces the starter that only queues runs, for example with the local state machine. */
  createStarter?: (parts: { runs: RunStore; config: Config }) => RunStarter;
  webhooks?: WebhookSender;
}

export interface LocalMode {
  url: string;
  /** The development key (owner `dev`), kept in DATA_DIR/dev-key across restarts. */
  devKey: string;
  config: Config;
  runs: RunStore;
  keys: KeyStore;
  stop(): Promise<void>;
}

/** Where a running local mode writes its endpoints, so `npm run keys` can reach its data. */
export function endpointsFile(dataDir: string): string {
  return path.join(dataDir, 'endpoints.json');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The running local mode that uses this data folder, if any: its data can be opened only once. */
export function runningLocalMode(
  dataDir: string,
): { pid: number; api: string; dynamodb: string } | null {
  const file = endpointsFile(dataDir);
  if (!fs.existsSync(file)) return null;
  try {
    const running = JSON.parse(fs.readFileSync(file, 'utf8'));
    return running.pid !== process.pid && isAlive(running.pid) ? running : null;
  } catch {
    return null;
  }
}

async function ensureDevKey(keys: KeyStore, dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'dev-key');
  const kept = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
  if (kept && (await keys.authenticate(kept))) return kept;
  const { key } = await keys.create(DEV_OWNER);
  fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });

  return key;
}

// A stable local secret, so webhooks sent by the local mode can be verified across restarts.
function localWebhookSecret(config: Config): string {
  if (config.WEBHOOK_SECRET) return config.WEBHOOK_SECRET;
  const file = path.join(config.DATA_DIR, 'webhook-secret');
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, `whsec_${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  }

  return fs.readFileSync(file, 'utf8').trim();
}

/**
 * Runs the service on this machine: embedded DynamoDB and S3 with their data under DATA_DIR, the
 * api Lambda's handler behind a local HTTP server, and a run starter. Loopback addresses are
 * allowed (ALLOW_LOOPBACK), so local test sites work.
 */
export async function startLocalMode(options: LocalModeOptions): Promise<LocalMode> {
  const dataDir = path.resolve(options.config.DATA_DIR);
  fs.mkdirSync(dataDir, { recursive: true });
  const running = runningLocalMode(dataDir);
  if (running) {
    throw new Error(
      `${dataDir} is in use by the local mode at ${running.api} (pid ${running.pid}); ` +
        'stop it or set another DATA_DIR',
    );
  }
  const services = await startEmbeddedServices({
    dataDir,
    bucket: options.config.ARTIFACTS_BUCKET,
  });
  const config: Config = Object.freeze({
    ...options.config,
    DATA_DIR: dataDir,
    DYNAMODB_ENDPOINT: services.dynamodbEndpoint,
    S3_ENDPOINT: services.s3Endpoint,
    ALLOW_LOOPBACK: true,
  });
  const logger = options.logger ?? createLogger('retriever-local', config.LOG_LEVEL);
  logger.info('Loopback addresses are allowed in local mode', { allow_loopback: true });

  const clients = createAwsClients(config);
  await ensureTables(clients.dynamodb, {
    runs: config.RUNS_TABLE,
    keys: config.KEYS_TABLE,
    codes: config.CODES_TABLE,
  });
  const runs = new DynamoRunStore(clients.dynamodb, config.RUNS_TABLE);
  const keys = new DynamoKeyStore(clients.dynamodb, config.KEYS_TABLE);
  const deps: ApiDeps = {
    runs,
    keys,
    codes: new DynamoCodeStore(clients.dynamodb, config.CODES_TABLE),
    artifacts: new S3ArtifactStore(clients.s3, config.ARTIFACTS_BUCKET),
    starter: options.createStarter?.({ runs, config }) ?? new QueueOnlyRunStarter(runs),
    webhooks: options.webhooks ?? new SignedWebhookSender(localWebhookSecret(config)),
    logger,
    clock: () => new Date(),
    settings: apiSettingsOf(config),
  };
  const devKey = await ensureDevKey(keys, dataDir);
  const server = await startLocalHttpServer(createHandler(deps), {
    host: options.host ?? '127.0.0.1',
    port: config.PORT,
    onError: (error) => logger.error('Local server failed a request', { error }),
  });
  fs.writeFileSync(
    endpointsFile(dataDir),
    JSON.stringify({ pid: process.pid, api: server.url, dynamodb: services.dynamodbEndpoint }),
  );

  return {
    url: server.url,
    devKey,
    config,
    runs,
    keys,
    async stop() {
      await server.close();
      fs.rmSync(endpointsFile(dataDir), { force: true });
      clients.dynamodb.destroy();
      clients.s3.destroy();
      await services.close();
    },
  };
}
