import { Command } from 'commander';
import { createAwsClients } from '../lib/aws.ts';
import { type Config, loadConfig } from '../lib/config.ts';
import { ensureTables, startEmbeddedServices } from '../lib/local/embedded.ts';
import { runningLocalMode } from '../lib/local/local-mode.ts';
import { DynamoKeyStore, type KeyStore } from '../lib/runs/key-store.ts';

interface Target {
  keys: KeyStore;
  close(): Promise<void>;
}

/** The keys of AWS (--aws), or of the local mode: the running one, or its data in DATA_DIR. */
async function openTarget(aws: boolean): Promise<Target> {
  const config = loadConfig();
  if (aws || config.DYNAMODB_ENDPOINT) return openConfigured(config);

  const running = runningLocalMode(config.DATA_DIR);
  if (running) return openConfigured({ ...config, DYNAMODB_ENDPOINT: running.dynamodb });

  const services = await startEmbeddedServices({
    dataDir: config.DATA_DIR,
    bucket: config.ARTIFACTS_BUCKET,
  });
  const local = { ...config, DYNAMODB_ENDPOINT: services.dynamodbEndpoint };
  const clients = createAwsClients(local);
  await ensureTables(clients.dynamodb, {
    runs: local.RUNS_TABLE,
    keys: local.KEYS_TABLE,
    codes: local.CODES_TABLE,
    sessions: local.SESSIONS_TABLE,
  });
  const target = await openConfigured(local);

  return {
    keys: target.keys,
    async close() {
      await target.close();
      await services.close();
    },
  };
}

async function openConfigured(config: Config): Promise<Target> {
  const { dynamodb } = createAwsClients(config);

  return {
    keys: new DynamoKeyStore(dynamodb, config.KEYS_TABLE),
    async close() {
      dynamodb.destroy();
    },
  };
}

async function withKeys(aws: boolean, action: (keys: KeyStore) => Promise<void>): Promise<void> {
  const target = await openTarget(aws);
  try {
    await action(target.keys);
  } finally {
    await target.close();
  }
}

const program = new Command('keys')
  .description('Create, list and revoke API keys (local mode data unless --aws)')
  .option('--aws', 'use the DynamoDB table of the AWS account in the environment', false);

program
  .command('create')
  .description('create a key for an owner and print it (it is shown only this once)')
  .requiredOption('--owner <owner>', 'the owner whose runs the key reaches')
  .action(async ({ owner }: { owner: string }) => {
    await withKeys(program.opts().aws, async (keys) => {
      const { key, info } = await keys.create(owner);
      console.log(key);
      console.error(
        `Created key ${info.key_id} for owner ${owner}. Store it now: it is not shown again.`,
      );
    });
  });

program
  .command('list')
  .description('list keys (public ids only)')
  .option('--owner <owner>', 'only this owner')
  .action(async ({ owner }: { owner?: string }) => {
    await withKeys(program.opts().aws, async (keys) => {
      const rows = await keys.list(owner);
      console.log(['KEY_ID', 'OWNER', 'CREATED_AT', 'REVOKED_AT'].join('\t'));
      for (const row of rows) {
        console.log([row.key_id, row.owner, row.created_at, row.revoked_at ?? '-'].join('\t'));
      }
    });
  });

program
  .command('revoke')
  .description('revoke a key by its public id (as `list` shows it)')
  .argument('<key_id>')
  .action(async (keyId: string) => {
    await withKeys(program.opts().aws, async (keys) => {
      if (!(await keys.revoke(keyId))) {
        console.error(`No active key with id ${keyId}.`);
        process.exitCode = 1;
        return;
      }
      console.log(`Revoked ${keyId}.`);
    });
  });

await program.parseAsync();
