import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { documentClientOf } from '../aws.ts';
import type { RunError, RunStatus, StoredFile } from '../contracts/run.ts';
import { RUN_ID_PATTERN, TERMINAL_STATUSES } from '../contracts/run.ts';
import { InvalidCursorError } from '../errors.ts';
import { type RunPatch, type RunRecord, RunRecordSchema } from './run-record.ts';

export const OWNER_INDEX = 'by-owner';

export interface ListRunsQuery {
  owner: string;
  status?: RunStatus;
  pageSize: number;
  cursor?: string;
}

export interface RunPage {
  runs: RunRecord[];
  nextCursor: string | null;
}

/** Where runs live. Status changes are conditional: a terminal status never changes again. */
export interface RunStore {
  create(record: RunRecord): Promise<void>;
  get(runId: string): Promise<RunRecord | null>;
  list(query: ListRunsQuery): Promise<RunPage>;
  /** Moves the run to `to` if its status is one of `from`; null when it was not. */
  transition(
    runId: string,
    from: readonly RunStatus[],
    to: RunStatus,
    patch?: RunPatch,
  ): Promise<RunRecord | null>;
  /** Ends the run with a terminal status unless it has already ended; null when it had. */
  finish(runId: string, status: RunStatus, patch?: RunPatch): Promise<RunRecord | null>;
  /** Changes fields without touching the status. */
  update(runId: string, patch: RunPatch): Promise<RunRecord>;
  appendErrors(runId: string, errors: RunError[]): Promise<void>;
  /**
   * Records a stored file unless one with the same checksum is already recorded or the run has
   * ended; false if so (the caller then removes the object).
   */
  addFile(runId: string, file: StoredFile): Promise<boolean>;
}

const CursorSchema = z.strictObject({
  owner: z.string(),
  run_id: z.string().regex(RUN_ID_PATTERN),
});

function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

function decodeCursor(cursor: string, owner: string): Record<string, string> {
  try {
    const key = CursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString()));
    if (key.owner !== owner) throw new Error('cursor of another owner');
    return key;
  } catch {
    throw new InvalidCursorError();
  }
}

function patchExpression(patch: RunPatch & Record<string, unknown>, now: string) {
  const names: Record<string, string> = { '#modified_at': 'modified_at' };
  const values: Record<string, unknown> = { ':modified_at': now };
  const sets = ['#modified_at = :modified_at'];
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    sets.push(`#${field} = :${field}`);
  }

  return { names, values, sets };
}

/** The run store on a DynamoDB table with partition key `run_id` and an owner index. */
export class DynamoRunStore implements RunStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #clock: () => Date;

  constructor(client: DynamoDBClient, table: string, clock: () => Date = () => new Date()) {
    this.#doc = documentClientOf(client);
    this.#table = table;
    this.#clock = clock;
  }

  async create(record: RunRecord): Promise<void> {
    await this.#doc.send(
      new PutCommand({
        TableName: this.#table,
        Item: { ...record, checksums: undefined },
        ConditionExpression: 'attribute_not_exists(run_id)',
      }),
    );
  }

  async get(runId: string): Promise<RunRecord | null> {
    const { Item } = await this.#doc.send(
      new GetCommand({ TableName: this.#table, Key: { run_id: runId }, ConsistentRead: true }),
    );

    return Item ? toRecord(Item) : null;
  }

  async list(query: ListRunsQuery): Promise<RunPage> {
    const runs: RunRecord[] = [];
    let startKey = query.cursor ? decodeCursor(query.cursor, query.owner) : undefined;
    do {
      const page = await this.#doc.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: OWNER_INDEX,
          KeyConditionExpression: '#owner = :owner',
          FilterExpression: query.status ? '#status = :status' : undefined,
          ExpressionAttributeNames: {
            '#owner': 'owner',
            ...(query.status ? { '#status': 'status' } : {}),
          },
          ExpressionAttributeValues: {
            ':owner': query.owner,
            ...(query.status ? { ':status': query.status } : {}),
          },
          ScanIndexForward: false,
          Limit: query.pageSize - runs.length,
          ExclusiveStartKey: startKey,
        }),
      );
      runs.push(...(page.Items ?? []).map(toRecord));
      startKey = page.LastEvaluatedKey
        ? { owner: query.owner, run_id: String(page.LastEvaluatedKey.run_id) }
        : undefined;
    } while (startKey && runs.length < query.pageSize);

    return { runs, nextCursor: encodeCursor(startKey) };
  }

  async transition(
    runId: string,
    from: readonly RunStatus[],
    to: RunStatus,
    patch: RunPatch = {},
  ): Promise<RunRecord | null> {
    const now = this.#clock().toISOString();
    const stamps: Record<string, string> = {};
    if (to === 'queued') stamps.queued_at = now;
    if (to === 'running') stamps.started_at = now;
    if (TERMINAL_STATUSES.includes(to)) stamps.finished_at = now;

    return this.#conditionalStatus(runId, from, to, { ...patch, ...stamps }, now);
  }

  finish(runId: string, status: RunStatus, patch: RunPatch = {}): Promise<RunRecord | null> {
    const open = (['created', 'queued', 'running'] as const).filter((s) => s !== status);

    return this.transition(runId, open, status, patch);
  }

  async update(runId: string, patch: RunPatch): Promise<RunRecord> {
    const { names, values, sets } = patchExpression(patch, this.#clock().toISOString());
    const { Attributes } = await this.#doc.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { run_id: runId },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_exists(run_id)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );

    return toRecord(Attributes ?? {});
  }

  async appendErrors(runId: string, errors: RunError[]): Promise<void> {
    if (errors.length === 0) return;
    await this.#doc.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { run_id: runId },
        UpdateExpression: 'SET #errors = list_append(#errors, :errors), #m = :now',
        ConditionExpression: 'attribute_exists(run_id)',
        ExpressionAttributeNames: { '#errors': 'errors', '#m': 'modified_at' },
        ExpressionAttributeValues: { ':errors': errors, ':now': this.#clock().toISOString() },
      }),
    );
  }

  async addFile(runId: string, file: StoredFile): Promise<boolean> {
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { run_id: runId },
          UpdateExpression:
            'SET #files = list_append(#files, :file), #m = :now ADD #checksums :checksum, #bytes :size',
          // a run that has ended (a cancel while a download was in flight) gains no files
          ConditionExpression:
            'attribute_exists(run_id) AND NOT contains(#checksums, :checksumValue) AND ' +
            '#status IN (:created, :queued, :running)',
          ExpressionAttributeNames: {
            '#files': 'files',
            '#checksums': 'checksums',
            '#bytes': 'bytes_stored',
            '#m': 'modified_at',
            '#status': 'status',
          },
          ExpressionAttributeValues: {
            ':created': 'created',
            ':queued': 'queued',
            ':running': 'running',
            ':file': [file],
            ':checksum': new Set([file.checksum]),
            ':checksumValue': file.checksum,
            ':size': file.file_size,
            ':now': this.#clock().toISOString(),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async #conditionalStatus(
    runId: string,
    from: readonly RunStatus[],
    to: RunStatus,
    patch: Record<string, unknown>,
    now: string,
  ): Promise<RunRecord | null> {
    const { names, values, sets } = patchExpression(patch, now);
    const fromKeys = from.map((_, index) => `:from${index}`);
    from.forEach((status, index) => {
      values[`:from${index}`] = status;
    });
    try {
      const { Attributes } = await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { run_id: runId },
          UpdateExpression: `SET ${[...sets, '#status = :to'].join(', ')}`,
          ConditionExpression: `#status IN (${fromKeys.join(', ')})`,
          ExpressionAttributeNames: { ...names, '#status': 'status' },
          ExpressionAttributeValues: { ...values, ':to': to },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toRecord(Attributes ?? {});
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return null;
      throw error;
    }
  }
}

function toRecord(item: Record<string, unknown>): RunRecord {
  const { checksums: _checksums, ...rest } = item;

  return RunRecordSchema.parse(rest);
}
