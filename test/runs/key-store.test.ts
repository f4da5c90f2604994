import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoKeyStore, hashApiKey } from '../../lib/runs/key-store.ts';
import { startTestEnvironment, type TestEnvironment } from '../support/embedded.ts';

let env: TestEnvironment;
let keys: DynamoKeyStore;

beforeAll(async () => {
  env = await startTestEnvironment();
  keys = new DynamoKeyStore(env.clients.dynamodb, env.config.KEYS_TABLE);
});
afterAll(() => env.close());

describe('DynamoKeyStore', () => {
  it('stores only the SHA-256 of a key and finds its owner by it', async () => {
    const { key, info } = await keys.create('acme');
    const { Items = [] } = await env.clients.dynamodb.send(
      new ScanCommand({ TableName: env.config.KEYS_TABLE }),
    );

    expect(await keys.authenticate(key)).toBe('acme');
    expect(JSON.stringify(Items)).not.toContain(key);
    expect(JSON.stringify(Items)).toContain(hashApiKey(key));
    expect(key.startsWith(info.key_id)).toBe(true);
  });

  it('refuses unknown, empty and oversized keys', async () => {
    expect(await keys.authenticate('rtv_unknown')).toBeNull();
    expect(await keys.authenticate('')).toBeNull();
    expect(await keys.authenticate('x'.repeat(10_000))).toBeNull();
  });

  it('revokes a key by its public id, once', async () => {
    const { key, info } = await keys.create('globex');

    expect(await keys.revoke(info.key_id)).toBe(true);
    expect(await keys.revoke(info.key_id)).toBe(false);
    expect(await keys.authenticate(key)).toBeNull();
    expect((await keys.list('globex'))[0].revoked_at).not.toBeNull();
  });

  it('lists keys without their hashes', async () => {
    await keys.create('initech');

    const listed = await keys.list('initech');

    expect(listed).toHaveLength(1);
    expect(Object.keys(listed[0]).sort()).toEqual(['created_at', 'key_id', 'owner', 'revoked_at']);
  });
});
