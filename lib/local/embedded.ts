import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { OWNER_INDEX } from '../runs/run-store.ts';

export interface EmbeddedServices {
  dynamodbEndpoint: string;
  s3Endpoint: string;
  close(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder for the data; a missing one is created. Data persists across restarts. */
  dataDir: string;
  bucket: string;
}

/** Starts the embedded DynamoDB (dynalite) and S3 (s3rver) on loopback ports. */
export async function startEmbeddedServices(options: EmbeddedOptions): Promise<EmbeddedServices> {
  const dynamoDir = path.join(options.dataDir, 'dynamodb');
  const s3Dir = path.join(options.dataDir, 's3');
  fs.mkdirSync(dynamoDir, { recursive: true });
  fs.mkdirSync(s3Dir, { recursive: true });

  const dynamo: Server = dynalite({ path: dynamoDir, createTableMs: 0 });
  await new Promise<void>((resolve) => dynamo.listen(0, '127.0.0.1', resolve));
  const dynamoPort = (dynamo.address() as AddressInfo).port;

  const s3 = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: s3Dir,
    configureBuckets: [{ name: options.bucket }],
  });
  const { port: s3Port } = await s3.run();

  return {
    dynamodbEndpoint: `http://127.0.0.1:${dynamoPort}`,
    s3Endpoint: `http://127.0.0.1:${s3Port}`,
    async close() {
      await s3.close();
      await new Promise<void>((resolve) => dynamo.close(() => resolve()));
    },
  };
}

export interface TableNames {
  runs: string;
  keys: string;
  codes: string;
  sessions: string;
}

/** The tables the service uses, as the CDK stack declares them. */
export function tableDefinitions(names: TableNames): CreateTableCommandInput[] {
  return [
    {
      TableName: names.runs,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'run_id', AttributeType: 'S' },
        { AttributeName: 'owner', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'run_id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: OWNER_INDEX,
          KeySchema: [
            { AttributeName: 'owner', KeyType: 'HASH' },
            { AttributeName: 'run_id', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    },
    {
      TableName: names.keys,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'key_hash', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'key_hash', KeyType: 'HASH' }],
    },
    {
      TableName: names.codes,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'totp_identifier', AttributeType: 'S' },
        { AttributeName: 'code_id', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'totp_identifier', KeyType: 'HASH' },
        { AttributeName: 'code_id', KeyType: 'RANGE' },
      ],
    },
    {
      TableName: names.sessions,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'browser_session_id', AttributeType: 'S' },
        { AttributeName: 'owner', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'browser_session_id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: OWNER_INDEX,
          KeySchema: [
            { AttributeName: 'owner', KeyType: 'HASH' },
            { AttributeName: 'browser_session_id', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    },
  ];
}

/** Creates the service's tables; tables that already exist are left as they are. */
export async function ensureTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  for (const definition of tableDefinitions(names)) {
    try {
      await client.send(new CreateTableCommand(definition));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
}
