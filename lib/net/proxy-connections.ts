import type http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { TransientError } from '../errors.ts';
import type { CheckedTarget } from './resolve.ts';

/** `host:port` as it goes on a request line, with IPv6 addresses in brackets. */
export function formatAuthority(host: string, port: number): string {
  return net.isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Reads the `host:port` of a CONNECT request. The host goes through the WHATWG URL parser, so
 * numeric and hex IPv4 spellings become the dotted address the rules judge. Null when unreadable.
 */
export function parseAuthority(authority: string): { host: string; port: number } | null {
  const match = /^(.+):(\d{1,5})$/.exec(authority);
  if (match === null) return null;
  const port = Number(match[2]);
  if (port < 1 || port > 65_535) return null;
  try {
    const url = new URL(`http://${match[1]}/`);
    if (url.username !== '' || url.password !== '' || url.port !== '' || url.pathname !== '/') {
      return null;
    }
    return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port };
  } catch {
    return null;
  }
}

/** Header fields that belong to one hop and are never passed on. */
const HOP_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** The request headers to send on: no hop-by-hop fields, nor any the client named in Connection. */
export function forwardHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const named = String(headers.connection ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase());

  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !HOP_HEADERS.has(name) && !named.includes(name)),
  );
}

/**
 * A site's response headers as a flat raw list, less the hop-by-hop ones: this proxy frames the
 * body to the browser itself.
 */
export function responseHeaders(answer: http.IncomingMessage): string[] {
  const kept: string[] = [];
  for (let index = 0; index < answer.rawHeaders.length; index += 2) {
    const name = answer.rawHeaders[index];
    if (!HOP_HEADERS.has(name.toLowerCase())) kept.push(name, answer.rawHeaders[index + 1]);
  }

  return kept;
}

/** The Proxy-Authorization value for an upstream proxy URL with credentials, or null. */
export function upstreamAuthorization(upstream: URL): string | null {
  if (upstream.username === '') return null;
  const user = decodeURIComponent(upstream.username);
  const password = decodeURIComponent(upstream.password);

  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** Opens a TCP (or TLS, for an https:// proxy) connection to the upstream proxy itself. */
function connectToUpstream(upstream: URL): net.Socket {
  const port = Number(upstream.port || (upstream.protocol === 'https:' ? 443 : 80));
  const host = upstream.hostname.replace(/^\[(.*)\]$/, '$1');

  return upstream.protocol === 'https:'
    ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host })
    : net.connect({ host, port });
}

/**
 * A tunnel to the checked address through the upstream proxy. The CONNECT names the checked
 * address, not the host name, so the upstream cannot resolve the name to something else.
 */
function tunnelThroughUpstream(
  upstream: URL,
  target: CheckedTarget,
  timeoutMs: number,
): Promise<net.Socket> {
  const socket = connectToUpstream(upstream);
  const authority = formatAuthority(target.address, target.port);
  const auth = upstreamAuthorization(upstream);
  const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`];
  if (auth !== null) lines.push(`Proxy-Authorization: ${auth}`);

  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const fail = (why: string) => {
      socket.destroy();
      reject(new TransientError(`Upstream proxy refused the tunnel to ${target.host}: ${why}`));
    };
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end === -1) return received.length > 16_384 ? fail('answer too long') : undefined;
      socket.off('data', onData);
      socket.setTimeout(0);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(received.toString('latin1'))?.[1];
      if (status !== '200') return fail(`status ${status ?? 'unreadable'}`);
      const rest = received.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      resolve(socket);
    };
    socket.setTimeout(timeoutMs, () => fail('timed out'));
    socket.once('error', (error) => fail(error.message));
    socket.on('data', onData);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

/** A connection to the checked address, direct or through the upstream proxy. */
export async function openConnection(
  target: CheckedTarget,
  upstream: URL | null,
  timeoutMs: number,
  track: (socket: Duplex) => void,
): Promise<net.Socket> {
  if (upstream !== null) {
    const socket = await tunnelThroughUpstream(upstream, target, timeoutMs);
    track(socket);
    return socket;
  }

  return connectToAny(target.addresses, target.port, timeoutMs, track);
}

/** Connects to the first of the checked addresses that answers, in order. */
async function connectToAny(
  addresses: string[],
  port: number,
  timeoutMs: number,
  track: (socket: Duplex) => void,
): Promise<net.Socket> {
  let lastError: unknown;
  for (const address of addresses) {
    try {
      return await connectTo(address, port, timeoutMs, track);
    } catch (error) {
      lastError = error;
    }
  }

  throw lastError;
}

function connectTo(
  address: string,
  port: number,
  timeoutMs: number,
  track: (socket: Duplex) => void,
): Promise<net.Socket> {
  const socket = net.connect({ host: address, port });
  track(socket);

  return new Promise((resolve, reject) => {
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`connect to ${address} timed out`)),
    );
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.setNoDelay(true);
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

/** Pipes two sockets into each other; when either side ends or fails, both are closed. */
export function splice(client: Duplex, remote: Duplex, head: Buffer): void {
  if (head.length > 0) remote.write(head);
  client.pipe(remote);
  remote.pipe(client);
  const closeBoth = () => {
    client.destroy();
    remote.destroy();
  };
  client.once('close', closeBoth);
  remote.once('close', closeBoth);
}

/** The upgrade request as the site must see it: origin-form target, no proxy headers. */
export function upgradeHead(request: http.IncomingMessage, url: URL): string {
  const lines = [`${request.method} ${url.pathname}${url.search} HTTP/1.1`];
  for (let index = 0; index < request.rawHeaders.length; index += 2) {
    const name = request.rawHeaders[index];
    if (!name.toLowerCase().startsWith('proxy-')) {
      lines.push(`${name}: ${request.rawHeaders[index + 1]}`);
    }
  }

  return `${lines.join('\r\n')}\r\n\r\n`;
}
