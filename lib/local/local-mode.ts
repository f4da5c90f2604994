import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createHandler } from '../../functions/api/handler.ts';
import { type AwsClients, createAwsClients } from '../aws.ts';
import type { Config } from '../config.ts';
import { S3ArtifactStore } from '../files/s3-artifact-store.ts';
import { type ApiDeps, apiSettingsOf } from '../http/api-deps.ts';
import { createLogger, type Logger } from '../log.ts';
import { createAddressPolicyFromConfig } from '../net/address-policy.ts';
import { checkCallbackTargets } from '../net/request-targets.ts';
import { type Resolver, systemResolver } from '../net/resolve.ts';
import { createSafePost } from '../notify/post.ts';
import { StandardWebhookSender } from '../notify/webhook.ts';
import type { WebhookSender } from '../notify/webhook-sender.ts';
import { DynamoCodeStore } from '../otp/code-store.ts';
import { DynamoKeyStore, type KeyStore } from '../runs/key-store.ts';
import type { RunStarter } from '../runs/run-starter.ts';
import { DynamoRunStore, type RunStore } from '../runs/run-store.ts';
import { DynamoSessionStore } from '../sessions/session-store.ts';
import type { LocalRunner } from '../workflow/local-runner.ts';
import { createLocalStarter } from '../workflow/local-starter.ts';
import { type EmbeddedServices, ensureTables, startEmbeddedServices } from './embedded.ts';
import { startLocalHttpServer } from './http-server.ts';

/** The owner of the development key that the local mode creates. */
export const DEV_OWNER = 'dev';

export interface LocalModeOptions {
  /** The configuration; its DATA_DIR holds the data and PORT the API's port (0: any free port). */
  config: Config;
  host?: string;
  logger?: Logger;
  /** Replaces the local state machine runner that runs each run to its end. */
  createStarter?: (parts: { runs: RunStore; config: Config }) => RunStarter;
  webhooks?: WebhookSender;
  /** Resolves host names for the network rules; tests pass one that answers without DNS. */
  resolver?: Resolver;
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
  try {
    return await serveApi(options, dataDir, services);
  } catch (error) {
    await services.close();
    throw error;
  }
}

/** The API's dependencies in the local mode: the real stores on the embedded services. */
function createLocalDeps(
  config: Config,
  clients: AwsClients,
  options: LocalModeOptions,
  logger: Logger,
): { deps: ApiDeps; workflow: LocalRunner | null } {
  const runs = new DynamoRunStore(clients.dynamodb, config.RUNS_TABLE);
  const artifacts = new S3ArtifactStore(clients.s3, config.ARTIFACTS_BUCKET);
  // Logs that loopback is open: the local mode sets ALLOW_LOOPBACK so local sites can be used.
  const policy = createAddressPolicyFromConfig(config, logger);
  const resolver = options.resolver ?? systemResolver;
  const webhookSecret = localWebhookSecret(config);
  const webhooks =
    options.webhooks ??
    new StandardWebhookSender({
      secret: webhookSecret,
      post: createSafePost(policy, config.INSECURE_TLS_HOSTS),
    });
  const codes = new DynamoCodeStore(clients.dynamodb, config.CODES_TABLE);
  const sessions = new DynamoSessionStore(clients.dynamodb, config.SESSIONS_TABLE);
  const workflow = options.createStarter
    ? null
    : createLocalStarter({
        runs,
        artifacts,
        config,
        logger,
        sender: webhooks,
        codes,
        sessions,
        webhookSecret,
      });
  const deps: ApiDeps = {
    runs,
    keys: new DynamoKeyStore(clients.dynamodb, config.KEYS_TABLE),
    codes,
    sessions,
    artifacts,
    starter: options.createStarter?.({ runs, config }) ?? workflow!,
    webhooks,
    logger,
    clock: () => new Date(),
    settings: apiSettingsOf(config),
    checkTargets: (targets) => checkCallbackTargets(targets, policy, resolver),
  };

  return { deps, workflow };
}

async function serveApi(
  options: LocalModeOptions,
  dataDir: string,
  services: EmbeddedServices,
): Promise<LocalMode> {
  const config: Config = Object.freeze({
    ...options.config,
    DATA_DIR: dataDir,
    DYNAMODB_ENDPOINT: services.dynamodbEndpoint,
    S3_ENDPOINT: services.s3Endpoint,
    ALLOW_LOOPBACK: true,
  });
  const logger = options.logger ?? createLogger('retriever-local', config.LOG_LEVEL);

  const clients = createAwsClients(config);
  await ensureTables(clients.dynamodb, {
    runs: config.RUNS_TABLE,
    keys: config.KEYS_TABLE,
    codes: config.CODES_TABLE,
    sessions: config.SESSIONS_TABLE,
  });
  const { deps, workflow } = createLocalDeps(config, clients, options, logger);
  const { runs, keys } = deps;
  const devKey = await ensureDevKey(keys, dataDir);
  const server = await startLocalHttpServer(createHandler(deps), {
    host: options.host ?? '127.0.0.1',
    port: config.PORT,
    onError: (error) => logger.error('Local server failed a request', { error }),
  }).catch((error) => {
    clients.dynamodb.destroy();
    clients.s3.destroy();
    throw error;
  });
  const resumed = (await workflow?.resume()) ?? [];
  if (resumed.length > 0) logger.info('Runs resumed', { run_ids: resumed });
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
      workflow?.close();
      await server.close();
      fs.rmSync(endpointsFile(dataDir), { force: true });
      clients.dynamodb.destroy();
      clients.s3.destroy();
      await services.close();
    },
  };
}
