import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const GZIP_NAME = /\.(gz|tgz|gzip)$/i;

/**
 * A `.gz` file a server also sent with `Content-Encoding: gzip` reaches the disk decoded: the
 * browser undoes the transfer encoding. Such a file is compressed again, so the stored file is the
 * archive its name promises (the same content, though not byte for byte the server's archive).
 * Returns the path to store: the original, or the compressed copy beside it.
 */
export async function restoreGzip(
  path: string,
  name: string,
  contentEncoding: string | null,
): Promise<string> {
  if (!GZIP_NAME.test(name) || !/^(x-)?gzip$/i.test(contentEncoding?.trim() ?? '')) return path;
  const head = Buffer.alloc(2);
  const handle = await fs.promises.open(path, 'r');
  try {
    await handle.read(head, 0, 2, 0);
  } finally {
    await handle.close();
  }
  if (head.equals(GZIP_MAGIC)) return path;
  const restored = `${path}.gz`;
  await pipeline(fs.createReadStream(path), zlib.createGzip(), fs.createWriteStream(restored));

  return restored;
}
