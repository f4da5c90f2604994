import { createHash } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { documentClientOf } from '../aws.ts';
import { newApiKey } from './ids.ts';

/** Longest key the service looks up; longer values cannot be keys it issued. */
const MAX_KEY_LENGTH = 256;

/** How many leading characters of a key make its public id. */
const KEY_ID_LENGTH = 12;

export const ApiKeyRecordSchema = z.strictObject({
  key_hash: z.string(),
  key_id: z.string(),
  owner: z.string(),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
});

/** An API key as stored: only its SHA-256 hash, never the key. */
export type ApiKeyRecord = z.infer<typeof ApiKeyRecordSchema>;

/** The public view of a key: what `keys list` shows. */
export type ApiKeyInfo = Omit<ApiKeyRecord, 'key_hash'>;

/** Where API keys live. Keys are stored hashed; the plain key exists only in `create`'s answer. */
export interface KeyStore {
  /** Issues a key for `owner`; the returned `key` cannot be read back later. */
  create(owner: string): Promise<{ key: string; info: ApiKeyInfo }>;
  /** The owner of a valid key, or null for an unknown or revoked one. */
  authenticate(key: string): Promise<string | null>;
  list(owner?: string): Promise<ApiKeyInfo[]>;
  /** Revokes the key with this public id; false when there is no such active key. */
  revoke(keyId: string): Promise<boolean>;
}

/** SHA-256 of a key, lower-case hex: the form in which keys are stored. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The public id of a key: its first characters, enough to recognise it in a list. */
export function keyIdOf(key: string): string {
  return key.slice(0, KEY_ID_LENGTH);
}

function toInfo(item: Record<string, unknown>): ApiKeyInfo {
  const { key_hash: _hash, ...info } = ApiKeyRecordSchema.parse(item);

  return info;
}

/** The key store on a DynamoDB table with partition key `key_hash`. */
export class DynamoKeyStore implements KeyStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #clock: () => Date;

  constructor(client: DynamoDBClient, table: string, clock: () => Date = () => new Date()) {
    this.#doc = documentClientOf(client);
    this.#table = table;
    this.#clock = clock;
  }

  async create(owner: string): Promise<{ key: string; info: ApiKeyInfo }> {
    const key = newApiKey();
    const record: ApiKeyRecord = {
      key_hash: hashApiKey(key),
      key_id: keyIdOf(key),
      owner,
      created_at: this.#clock().toISOString(),
      revoked_at: null,
    };
    await this.#doc.send(
      new PutCommand({
        TableName: this.#table,
        Item: record,
        ConditionExpression: 'attribute_not_exists(key_hash)',
      }),
    );

    return { key, info: toInfo(record) };
  }

  async authenticate(key: string): Promise<string | null> {
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) return null;
    const { Item } = await this.#doc.send(
      new GetCommand({ TableName: this.#table, Key: { key_hash: hashApiKey(key) } }),
    );
    if (!Item || Item.revoked_at != null) return null;

    return String(Item.owner);
  }

  async list(owner?: string): Promise<ApiKeyInfo[]> {
    const keys: ApiKeyInfo[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#doc.send(
        new ScanCommand({ TableName: this.#table, ExclusiveStartKey: startKey }),
      );
      keys.push(...(page.Items ?? []).map(toInfo));
      startKey = page.LastEvaluatedKey;
    } while (startKey);

    return keys
      .filter((key) => owner === undefined || key.owner === owner)
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  async revoke(keyId: string): Promise<boolean> {
    const hashes = await this.#hashesOf(keyId);
    let revoked = false;
    for (const keyHash of hashes) {
      try {
        await this.#doc.send(
          new UpdateCommand({
            TableName: this.#table,
            Key: { key_hash: keyHash },
            UpdateExpression: 'SET revoked_at = :now',
            ConditionExpression: 'attribute_type(revoked_at, :null_type)',
            ExpressionAttributeValues: {
              ':now': this.#clock().toISOString(),
              ':null_type': 'NULL',
            },
          }),
        );
        revoked = true;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }

    return revoked;
  }

  // The table is keyed by hash only; revoking is rare, so a scan for the public id is enough.
  async #hashesOf(keyId: string): Promise<string[]> {
    const hashes: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#doc.send(
        new ScanCommand({
          TableName: this.#table,
          FilterExpression: 'key_id = :id',
          ExpressionAttributeValues: { ':id': keyId },
          ExclusiveStartKey: startKey,
        }),
      );
      hashes.push(...(page.Items ?? []).map((item) => String(item.key_hash)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);

    return hashes;
  }
}
