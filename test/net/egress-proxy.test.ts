import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAddressPolicy } from '../../lib/net/address-policy.ts';
import { type EgressProxy, startEgressProxy } from '../../lib/net/egress-proxy.ts';
import type { Resolver } from '../../lib/net/resolve.ts';
import { type Listener, startListener } from './support/listener.ts';
import { getThroughProxy, rawExchange } from './support/raw-client.ts';

// 127.0.0.2 plays a public site: the only address these rules allow. 127.0.0.1 is refused.
const policy = createAddressPolicy({ allowLoopback: false, allowedHosts: ['127.0.0.2'] });
const resolver: Resolver = async (host) =>
  ({ 'site.test': ['127.0.0.2'], 'internal.test': ['127.0.0.1'] })[host] ?? [];
const closers: (() => Promise<void>)[] = [];

async function listen(...args: Parameters<typeof startListener>): Promise<Listener> {
  const listener = await startListener(...args);
  closers.push(listener.close);

  return listener;
}

async function proxy(upstream?: string): Promise<EgressProxy> {
  const started = await startEgressProxy({ policy, resolver, upstream });
  closers.push(started.close);

  return started;
}

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

describe('egress proxy', () => {
  it('forwards a plain HTTP request to an allowed site by name', async () => {
    const site = await listen('127.0.0.2', (_request, response) => response.end('hello'));
    const egress = await proxy();

    const answer = await getThroughProxy(egress.url, `http://site.test:${site.port}/page?q=1`);

    expect(answer).toEqual({ status: 200, body: 'hello' });
    expect(site.requests).toEqual(['GET /page?q=1']);
    expect(egress.blocked()).toEqual([]);
  });

  it('passes a response whose cookies outgrow 16 KiB of headers', async () => {
    const cookies = Array.from({ length: 20 }, (_, i) => `c${i}=${'v'.repeat(2000)}; Path=/`);
    const site = await listen('127.0.0.2', (_request, response) => {
      response.setHeader('set-cookie', cookies);
      response.end('hello');
    });
    const egress = await proxy();

    const answer = await getThroughProxy(egress.url, `http://site.test:${site.port}/`);

    expect(answer).toEqual({ status: 200, body: 'hello' });
  });

  it('refuses a plain HTTP request to a blocked host and records it', async () => {
    const internal = await listen('127.0.0.1');
    const egress = await proxy();

    const answer = await getThroughProxy(egress.url, `http://internal.test:${internal.port}/`);

    expect(answer.status).toBe(403);
    expect(answer.body).toContain('Blocked by the network rules: internal.test');
    expect(egress.blocked()).toEqual([
      {
        host: 'internal.test',
        reason: '127.0.0.1 is a loopback address',
        message: 'Blocked by the network rules: internal.test (127.0.0.1 is a loopback address)',
      },
    ]);
    expect(internal.connections).toBe(0);
  });

  it('tunnels CONNECT to an allowed address and refuses it to a blocked one', async () => {
    const internal = await listen('127.0.0.1');
    const site = await listen('127.0.0.2', (_request, response) => response.end('tunnelled'));
    const egress = await proxy();

    const allowed = await rawExchange(
      egress.url,
      `CONNECT site.test:${site.port} HTTP/1.1\r\nHost: site.test:${site.port}\r\n\r\n` +
        `GET /x HTTP/1.1\r\nHost: site.test\r\nConnection: close\r\n\r\n`,
    );
    const refused = await rawExchange(
      egress.url,
      `CONNECT 2130706433:${internal.port} HTTP/1.1\r\nHost: 2130706433:${internal.port}\r\n\r\n`,
    );

    expect(allowed).toMatch(/^HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 200 OK/);
    expect(allowed).toContain('tunnelled');
    expect(refused).toMatch(/^HTTP\/1\.1 403 Forbidden/);
    expect(refused).toContain('Blocked by the network rules: 127.0.0.1');
    expect(internal.connections).toBe(0);
  });

  it('refuses a request whose Host header disagrees with its target', async () => {
    const site = await listen('127.0.0.2');
    const internal = await listen('127.0.0.1');
    const egress = await proxy();

    const plain = await rawExchange(
      egress.url,
      `GET http://site.test:${site.port}/ HTTP/1.1\r\nHost: internal.test:${internal.port}\r\n\r\n`,
    );
    const tunnel = await rawExchange(
      egress.url,
      `CONNECT site.test:${site.port} HTTP/1.1\r\nHost: internal.test:${internal.port}\r\n\r\n`,
    );

    expect(plain).toMatch(/^HTTP\/1\.1 403/);
    expect(tunnel).toMatch(/^HTTP\/1\.1 403/);
    expect(egress.blocked()).toEqual([
      {
        host: 'site.test',
        reason: 'Host header disagrees with the target',
        message: 'Blocked by the network rules: site.test (Host header disagrees with the target)',
      },
    ]);
    expect(site.connections + internal.connections).toBe(0);
  });

  it('checks WebSocket upgrades sent as plain HTTP', async () => {
    const internal = await listen('127.0.0.1');
    const site = await listen('127.0.0.2');
    const egress = await proxy();
    const upgrade = (origin: string) =>
      `GET http://${origin}/socket HTTP/1.1\r\nHost: ${origin}\r\nConnection: Upgrade\r\n` +
      'Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n\r\n';

    const refused = await rawExchange(egress.url, upgrade(internal.origin));
    await rawExchange(egress.url, upgrade(site.origin));

    expect(refused).toContain('Blocked by the network rules: 127.0.0.1');
    expect(internal.connections).toBe(0);
    expect(site.requests).toEqual(['UPGRADE /socket']);
  });

  it('falls back to the next checked address when the first one does not answer', async () => {
    const site = await listen('127.0.0.2', (_request, response) => response.end('second'));
    const twoAddresses = createAddressPolicy({
      allowLoopback: false,
      allowedHosts: ['127.0.0.2', '127.0.0.3'],
    });
    const egress = await startEgressProxy({
      policy: twoAddresses,
      resolver: async () => ['127.0.0.3', '127.0.0.2'],
    });
    closers.push(egress.close);

    const plain = await getThroughProxy(egress.url, `http://two.test:${site.port}/`);
    const tunnel = await rawExchange(
      egress.url,
      `CONNECT two.test:${site.port} HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nHost: two.test\r\nConnection: close\r\n\r\n`,
    );

    expect(plain.body).toBe('second');
    expect(tunnel).toContain('second');
  });

  it('sends allowed traffic through an upstream proxy, naming the checked address', async () => {
    const site = await listen('127.0.0.2', (_request, response) => response.end('via upstream'));
    const upstream = await startRecordingUpstream();
    closers.push(upstream.close);
    const egress = await proxy(`http://user:p%40ss@127.0.0.1:${upstream.port}`);

    const plain = await getThroughProxy(egress.url, `http://site.test:${site.port}/a`);
    await rawExchange(
      egress.url,
      `CONNECT site.test:${site.port} HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\nHost: site.test\r\nConnection: close\r\n\r\n`,
    );

    expect(plain.body).toBe('via upstream');
    expect(upstream.seen).toEqual([
      `GET http://127.0.0.2:${site.port}/a Basic ${Buffer.from('user:p@ss').toString('base64')}`,
      `CONNECT 127.0.0.2:${site.port} Basic ${Buffer.from('user:p@ss').toString('base64')}`,
    ]);
    expect(site.requests).toEqual(['GET /a', 'GET /b']);
  });
});

/** A minimal forward proxy standing in for a proxy_location's provider; records what it is asked. */
async function startRecordingUpstream() {
  const seen: string[] = [];
  const server = http.createServer((request, response) => {
    seen.push(`${request.method} ${request.url} ${request.headers['proxy-authorization']}`);
    const target = new URL(request.url ?? '');
    const forward = http.request(
      { host: target.hostname, port: target.port, path: target.pathname, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    request.pipe(forward);
  });
  server.on('connect', (request, socket) => {
    seen.push(`CONNECT ${request.url} ${request.headers['proxy-authorization']}`);
    const [host, port] = (request.url ?? '').split(':');
    const remote = net.connect({ host, port: Number(port) }, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      socket.pipe(remote).pipe(socket);
    });
    remote.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
