import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { documentClientOf } from '../aws.ts';

/** A pushed code is usable for this long (section 6 of the contract). */
export const CODE_TTL_S = 600;

/** A pushed code as the API describes it back; the code itself is never shown again. */
export interface PushedCode {
  totp_identifier: string;
  code_id: string;
  created_at: string;
  expires_at: string;
}

/** One-time codes pushed through `POST /v1/credentials/totp`, per owner and identifier. */
export interface CodeStore {
  push(owner: string, identifier: string, code: string): Promise<PushedCode>;
  /** Takes the newest unused, unexpired code, marking it used; null when there is none. */
  take(owner: string, identifier: string): Promise<string | null>;
}

/**
 * The code store on a DynamoDB table with partition key `totp_identifier` and sort key `code_id`
 * (a ULID, so newest sorts last). `expires_at` (Unix seconds) is the table's TTL attribute; reads
 * also check it because TTL deletion is lazy.
 */
export class DynamoCodeStore implements CodeStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #clock: () => Date;

  constructor(client: DynamoDBClient, table: string, clock: () => Date = () => new Date()) {
    this.#doc = documentClientOf(client);
    this.#table = table;
    this.#clock = clock;
  }

  async push(owner: string, identifier: string, code: string): Promise<PushedCode> {
    const now = this.#clock();
    const expiresAt = Math.floor(now.getTime() / 1000) + CODE_TTL_S;
    const codeId = ulid(now.getTime());
    await this.#doc.send(
      new PutCommand({
        TableName: this.#table,
        Item: {
          totp_identifier: identifier,
          code_id: codeId,
          owner,
          code,
          created_at: now.toISOString(),
          expires_at: expiresAt,
          used_at: null,
        },
      }),
    );

    return {
      totp_identifier: identifier,
      code_id: codeId,
      created_at: now.toISOString(),
      expires_at: new Date(expiresAt * 1000).toISOString(),
    };
  }

  async take(owner: string, identifier: string): Promise<string | null> {
    const nowS = Math.floor(this.#clock().getTime() / 1000);
    const { Items = [] } = await this.#doc.send(
      new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: 'totp_identifier = :id',
        FilterExpression:
          '#owner = :owner AND expires_at > :now AND attribute_type(used_at, :null)',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: {
          ':id': identifier,
          ':owner': owner,
          ':now': nowS,
          ':null': 'NULL',
        },
        ScanIndexForward: false,
      }),
    );
    for (const item of Items) {
      if (await this.#markUsed(identifier, String(item.code_id))) return String(item.code);
    }

    return null;
  }

  // Conditional, so two runs waiting on one identifier never both use the same code.
  async #markUsed(identifier: string, codeId: string): Promise<boolean> {
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { totp_identifier: identifier, code_id: codeId },
          UpdateExpression: 'SET used_at = :at',
          ConditionExpression: 'attribute_type(used_at, :null)',
          ExpressionAttributeValues: { ':at': this.#clock().toISOString(), ':null': 'NULL' },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
