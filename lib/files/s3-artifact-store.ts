import { createHash } from 'node:crypto';
import { PassThrough, type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import contentDisposition from 'content-disposition';
import type { ArtifactStore, PutResult } from './artifact-store.ts';

/** Parts of 8 MiB (up to 78 GiB per object), two in flight: about 16 MiB of part buffers per upload. */
const PART_SIZE_BYTES = 8 * 1024 * 1024;
const QUEUE_SIZE = 2;

function sha256Tap(): { tap: Transform; digest: () => { checksum: string; size: number } } {
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });

  return { tap, digest: () => ({ checksum: hash.digest('hex'), size }) };
}

/** An attachment header with an ASCII fallback name and the exact name in `filename*`. */
function attachmentHeader(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_');

  return contentDisposition(name, { fallback });
}

/** The artifacts bucket on S3 (or the embedded stand-in). */
export class S3ArtifactStore implements ArtifactStore {
  readonly #s3: S3Client;
  readonly #bucket: string;

  constructor(s3: S3Client, bucket: string) {
    this.#s3 = s3;
    this.#bucket = bucket;
  }

  async putStream(key: string, body: Readable, contentType?: string): Promise<PutResult> {
    const { tap, digest } = sha256Tap();
    const out = new PassThrough();
    const upload = new Upload({
      client: this.#s3,
      params: { Bucket: this.#bucket, Key: key, Body: out, ContentType: contentType },
      partSize: PART_SIZE_BYTES,
      queueSize: QUEUE_SIZE,
    });
    await Promise.all([pipeline(body, tap, out), upload.done()]);

    return { key, ...digest() };
  }

  async putBytes(key: string, body: Buffer | string, contentType?: string): Promise<PutResult> {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    await this.#s3.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: key,
        Body: bytes,
        ContentType: contentType,
      }),
    );

    return {
      key,
      size: bytes.length,
      checksum: createHash('sha256').update(bytes).digest('hex'),
    };
  }

  async getBytes(key: string): Promise<Buffer | null> {
    try {
      const result = await this.#s3.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
      return Buffer.from(await result.Body!.transformToByteArray());
    } catch (error) {
      if (error instanceof NoSuchKey) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.#s3.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.#s3.send(
        new ListObjectsV2Command({
          Bucket: this.#bucket,
          Prefix: prefix,
          ContinuationToken: token,
        }),
      );
      for (const entry of page.Contents ?? []) if (entry.Key) keys.push(entry.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);

    return keys.sort();
  }

  signedUrl(key: string, ttlSeconds: number, downloadName?: string): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.#bucket,
      Key: key,
      ResponseContentDisposition: downloadName ? attachmentHeader(downloadName) : undefined,
    });

    return getSignedUrl(this.#s3, command, { expiresIn: ttlSeconds });
  }
}
