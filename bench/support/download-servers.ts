/**
 * The servers of the download benchmark, run in a process of their own so that their memory and
 * CPU do not count against the service process being measured: the embedded S3 and DynamoDB,
 * and a file server for one generated file. Prints one JSON line with the endpoints.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { startEmbeddedServices } from '../../lib/local/embedded.ts';
import { seededStream } from '../../test/fixtures/bytes.ts';

const [dataDir, bucket, sizeText] = process.argv.slice(2);
const size = Number(sizeText);
const filePath = path.join(dataDir, 'big.bin');

if (!fs.existsSync(filePath) || fs.statSync(filePath).size !== size) {
  await pipeline(seededStream(1024, size), fs.createWriteStream(filePath));
}
const services = await startEmbeddedServices({ dataDir: path.join(dataDir, 'services'), bucket });
const files = http.createServer((_req, res) => {
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-disposition': 'attachment; filename="big.bin"',
    'content-length': String(size),
  });
  fs.createReadStream(filePath, { highWaterMark: 1024 * 1024 }).pipe(res);
});
await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
const fileUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/big.bin`;
process.stdout.write(
  `${JSON.stringify({ dynamodbEndpoint: services.dynamodbEndpoint, s3Endpoint: services.s3Endpoint, fileUrl })}\n`,
);
process.stdin.resume();
process.stdin.on('end', async () => {
  files.close();
  await services.close();
  process.exit(0);
});
