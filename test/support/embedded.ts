import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type AwsClients, createAwsClients } from '../../lib/aws.ts';
import { type Config, loadConfig } from '../../lib/config.ts';
import { ensureTables, startEmbeddedServices } from '../../lib/local/embedded.ts';

export interface TestEnvironment {
  config: Config;
  clients: AwsClients;
  dataDir: string;
  close(): Promise<void>;
}

/** Embedded DynamoDB and S3 in a fresh data folder, with the tables and bucket created. */
export async function startTestEnvironment(
  env: Record<string, string> = {},
): Promise<TestEnvironment> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'retriever-test-'));
  const bucket = 'retriever-artifacts';
  const services = await startEmbeddedServices({ dataDir, bucket });
  const config = loadConfig({
    ARTIFACTS_BUCKET: bucket,
    DYNAMODB_ENDPOINT: services.dynamodbEndpoint,
    S3_ENDPOINT: services.s3Endpoint,
    ALLOW_LOOPBACK: 'true',
    LOG_LEVEL: 'SILENT',
    WORK_DIR: path.join(dataDir, 'work'),
    ...env,
  });
  const clients = createAwsClients(config);
  await ensureTables(clients.dynamodb, {
    runs: config.RUNS_TABLE,
    keys: config.KEYS_TABLE,
    codes: config.CODES_TABLE,
    sessions: config.SESSIONS_TABLE,
  });

  return {
    config,
    clients,
    dataDir,
    async close() {
      clients.dynamodb.destroy();
      clients.s3.destroy();
      await services.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
