import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ArtifactStore } from '../../lib/files/s3-artifact-store.ts';
import { startTestEnvironment, type TestEnvironment } from '../support/embedded.ts';

let env: TestEnvironment;
let store: S3ArtifactStore;

beforeAll(async () => {
  env = await startTestEnvironment();
  store = new S3ArtifactStore(env.clients.s3, env.config.ARTIFACTS_BUCKET);
});
afterAll(() => env.close());

describe('S3ArtifactStore', () => {
  it('streams a multi-part body intact and reports its SHA-256', async () => {
    const bytes = randomBytes(40 * 1024 * 1024 + 123);
    const expected = createHash('sha256').update(bytes).digest('hex');

    const result = await store.putStream('runs/t/downloads/big.bin', Readable.from([bytes]));

    expect(result).toEqual({
      key: 'runs/t/downloads/big.bin',
      size: bytes.length,
      checksum: expected,
    });
    const url = await store.signedUrl(result.key, 60, 'résumé big.bin');
    const response = await fetch(url);
    const fetched = Buffer.from(await response.arrayBuffer());
    expect(createHash('sha256').update(fetched).digest('hex')).toBe(expected);
    expect(response.headers.get('content-disposition')).toContain(
      "filename*=UTF-8''r%C3%A9sum%C3%A9",
    );
  });

  it('answers null for a missing key', async () => {
    expect(await store.getBytes('runs/none/checkpoint.json')).toBeNull();
  });
});
