import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_TTL_S, DynamoCodeStore } from '../../lib/otp/code-store.ts';
import { startTestEnvironment, type TestEnvironment } from '../support/embedded.ts';

let env: TestEnvironment;
let now: Date;
let store: DynamoCodeStore;

beforeAll(async () => {
  env = await startTestEnvironment();
  now = new Date('2026-05-01T10:00:00Z');
  store = new DynamoCodeStore(env.clients.dynamodb, env.config.CODES_TABLE, () => now);
});
afterAll(() => env.close());

const later = (seconds: number) => {
  now = new Date(now.getTime() + seconds * 1000);
};

describe('DynamoCodeStore', () => {
  it('hands out the newest unused code once', async () => {
    await store.push('acme', 'ana@example.com', '111111');
    later(1);
    await store.push('acme', 'ana@example.com', '222222');

    expect(await store.take('acme', 'ana@example.com')).toBe('222222');
    expect(await store.take('acme', 'ana@example.com')).toBe('111111');
    expect(await store.take('acme', 'ana@example.com')).toBeNull();
  });

  it('lets a code expire ten minutes after it was pushed', async () => {
    const pushed = await store.push('acme', 'expiry', '333333');

    later(CODE_TTL_S);

    expect(new Date(pushed.expires_at).getTime() - new Date(pushed.created_at).getTime()).toBe(
      600_000,
    );
    expect(await store.take('acme', 'expiry')).toBeNull();
  });

  it("never hands one owner's code to another owner", async () => {
    await store.push('acme', 'shared-id', '444444');

    expect(await store.take('globex', 'shared-id')).toBeNull();
    expect(await store.take('acme', 'shared-id')).toBe('444444');
  });

  it('gives a code to only one of two concurrent takers', async () => {
    await store.push('acme', 'race', '555555');

    const taken = await Promise.all([store.take('acme', 'race'), store.take('acme', 'race')]);

    expect(taken.filter(Boolean)).toEqual(['555555']);
  });
});
