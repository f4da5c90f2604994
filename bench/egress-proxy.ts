import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { createAddressPolicy } from '../lib/net/address-policy.ts';
import { startEgressProxy } from '../lib/net/egress-proxy.ts';
import type { Bench, BenchRow } from './report.ts';

const BODY_BYTES = 512 * 1024 ** 2;
const CHUNK = Buffer.alloc(1024 ** 2, 7);

/** A loopback site that streams BODY_BYTES of filler. */
async function startFileSite(): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer(async (_request, response) => {
    response.writeHead(200, { 'content-length': BODY_BYTES });
    for (let sent = 0; sent < BODY_BYTES; sent += CHUNK.length) {
      if (!response.write(CHUNK)) await new Promise((resolve) => response.once('drain', resolve));
    }
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Seconds to read the whole body from a socket that already carries the request. */
function drain(socket: net.Socket): Promise<number> {
  const started = performance.now();
  let bytes = 0;

  return new Promise((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    socket.on('error', reject);
    socket.on('close', () =>
      bytes >= BODY_BYTES
        ? resolve((performance.now() - started) / 1000)
        : reject(new Error('short')),
    );
  });
}

function get(port: number, lines: string): Promise<number> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.write(lines);

  return drain(socket);
}

const mbps = (seconds: number) => BODY_BYTES / 1024 ** 2 / seconds;

const bench: Bench = {
  name: 'egress proxy throughput (512 MiB over loopback)',
  async run(): Promise<BenchRow[]> {
    const site = await startFileSite();
    const proxy = await startEgressProxy({
      policy: createAddressPolicy({ allowLoopback: true, allowedHosts: [] }),
    });
    const proxyPort = Number(new URL(proxy.url).port);
    const origin = `127.0.0.1:${site.port}`;
    try {
      const direct = mbps(
        await get(site.port, `GET /f HTTP/1.1\r\nHost: ${origin}\r\nConnection: close\r\n\r\n`),
      );
      const plain = mbps(
        await get(
          proxyPort,
          `GET http://${origin}/f HTTP/1.1\r\nHost: ${origin}\r\nConnection: close\r\n\r\n`,
        ),
      );
      const tunnel = mbps(
        await get(
          proxyPort,
          `CONNECT ${origin} HTTP/1.1\r\nHost: ${origin}\r\n\r\nGET /f HTTP/1.1\r\nHost: ${origin}\r\nConnection: close\r\n\r\n`,
        ),
      );
      const row = (name: string, value: number): BenchRow => ({
        name,
        value,
        unit: 'MiB/s',
        baseline: direct,
        baselineLabel: 'direct, no proxy',
        target: '>= 50% of direct',
        pass: value >= direct * 0.5,
      });

      return [
        row('plain HTTP through the proxy', plain),
        row('CONNECT tunnel through the proxy', tunnel),
      ];
    } finally {
      await proxy.close();
      await site.close();
    }
  },
};

export default bench;
