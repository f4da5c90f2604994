import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { documentClientOf } from '../aws.ts';
import { SESSION_ID_PATTERN, type Session } from '../contracts/session.ts';
import { OWNER_INDEX } from '../runs/run-store.ts';

/** How long an ended session stays readable before the table's TTL removes it. */
const KEEP_AFTER_END_S = 86_400;
/** The most sessions a listing shows, newest first. */
export const MAX_LISTED_SESSIONS = 100;

/** A session as stored: the API's fields, its owner and the table's TTL (Unix seconds). */
export interface SessionRecord {
  browser_session_id: string;
  owner: string;
  timeout: number;
  created_at: string;
  /** When the session stops accepting runs (ISO). */
  ends_at: string;
  closed_at: string | null;
  active_run_id: string | null;
  /** When the current holder took the session (ISO), or null. */
  held_at?: string | null;
  last_run_id: string | null;
  run_count: number;
  expires_at: number;
}

/** A run that ended holding a session; `leftState` when its checkpoint holds a browser state. */
export interface StaleHolder {
  holder: string;
  leftState: boolean;
}

/** The status a session shows at `now`. */
export function statusOf(record: SessionRecord, now: Date): Session['status'] {
  if (record.closed_at) return 'closed';

  return now.getTime() >= Date.parse(record.ends_at) ? 'expired' : 'active';
}

export function sessionView(record: SessionRecord, now: Date): Session {
  return {
    browser_session_id: record.browser_session_id,
    status: statusOf(record, now),
    timeout: record.timeout,
    created_at: record.created_at,
    expires_at: record.ends_at,
    closed_at: record.closed_at,
    active_run_id: record.active_run_id,
    last_run_id: record.last_run_id,
    run_count: record.run_count,
  };
}

/** Browser sessions (section 7 of the contract); which run holds one is a conditional write. */
export interface SessionStore {
  create(owner: string, id: string, timeoutMin: number, now: Date): Promise<SessionRecord>;
  get(id: string): Promise<SessionRecord | null>;
  list(owner: string): Promise<SessionRecord[]>;
  /** Marks the session closed (once); the record as it is afterwards, or null if unknown. */
  close(id: string, now: Date): Promise<SessionRecord | null>;
  /**
   * Gives the session to `runId` if it is open and free, or still held by `stale.holder` (a run
   * that ended without letting go). True when the run now holds it.
   */
  hold(id: string, runId: string, now: Date, stale?: StaleHolder): Promise<boolean>;
  /**
   * Lets go of the session if `runId` holds it. `leftState` records the run as the one the next
   * run starts from (it saved a browser state).
   */
  release(id: string, runId: string, leftState: boolean): Promise<void>;
}

/** The session store on a DynamoDB table with partition key `browser_session_id`. */
export class DynamoSessionStore implements SessionStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(client: DynamoDBClient, table: string) {
    this.#doc = documentClientOf(client);
    this.#table = table;
  }

  async create(owner: string, id: string, timeoutMin: number, now: Date) {
    const ends = now.getTime() + timeoutMin * 60_000;
    const record: SessionRecord = {
      browser_session_id: id,
      owner,
      timeout: timeoutMin,
      created_at: now.toISOString(),
      ends_at: new Date(ends).toISOString(),
      closed_at: null,
      active_run_id: null,
      last_run_id: null,
      run_count: 0,
      expires_at: Math.floor(ends / 1000) + KEEP_AFTER_END_S,
    };
    await this.#doc.send(
      new PutCommand({
        TableName: this.#table,
        Item: record,
        ConditionExpression: 'attribute_not_exists(browser_session_id)',
      }),
    );

    return record;
  }

  async get(id: string): Promise<SessionRecord | null> {
    if (!SESSION_ID_PATTERN.test(id)) return null;
    const { Item } = await this.#doc.send(
      new GetCommand({
        TableName: this.#table,
        Key: { browser_session_id: id },
        ConsistentRead: true,
      }),
    );

    return (Item as SessionRecord | undefined) ?? null;
  }

  async list(owner: string): Promise<SessionRecord[]> {
    const { Items } = await this.#doc.send(
      new QueryCommand({
        TableName: this.#table,
        IndexName: OWNER_INDEX,
        KeyConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner },
        ScanIndexForward: false,
        Limit: MAX_LISTED_SESSIONS,
      }),
    );

    return (Items ?? []) as SessionRecord[];
  }

  async close(id: string, now: Date): Promise<SessionRecord | null> {
    // closing a closed or expired session changes nothing; a closed one is kept one more day
    await this.#conditionalUpdate(
      id,
      'SET closed_at = :now, expires_at = :keep',
      'closed_at = :null AND ends_at > :now',
      {
        ':now': now.toISOString(),
        ':null': null,
        ':keep': Math.floor(now.getTime() / 1000) + KEEP_AFTER_END_S,
      },
    );

    return this.get(id);
  }

  hold(id: string, runId: string, now: Date, stale?: StaleHolder): Promise<boolean> {
    const keep = stale?.leftState ? ', last_run_id = :holder' : '';
    return this.#conditionalUpdate(
      id,
      `SET active_run_id = :run, held_at = :now, run_count = run_count + :one${keep}`,
      'closed_at = :null AND ends_at > :now AND active_run_id = :holder',
      {
        ':run': runId,
        ':one': 1,
        ':null': null,
        ':now': now.toISOString(),
        ':holder': stale?.holder ?? null,
      },
    );
  }

  async release(id: string, runId: string, leftState: boolean): Promise<void> {
    await this.#conditionalUpdate(
      id,
      leftState ? 'SET active_run_id = :null, last_run_id = :run' : 'SET active_run_id = :null',
      'active_run_id = :run',
      { ':run': runId, ':null': null },
    );
  }

  async #conditionalUpdate(
    id: string,
    update: string,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { browser_session_id: id },
          UpdateExpression: update,
          ConditionExpression: `attribute_exists(browser_session_id) AND ${condition}`,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
