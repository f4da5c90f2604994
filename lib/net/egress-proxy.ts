import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { BlockedAddressError, describeError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { AddressPolicy } from './address-policy.ts';
import {
  formatAuthority,
  forwardHeaders,
  openConnection,
  parseAuthority,
  responseHeaders,
  splice,
  upgradeHead,
  upstreamAuthorization,
} from './proxy-connections.ts';
import {
  type CheckedTarget,
  pinnedLookup,
  type Resolver,
  resolveChecked,
  systemResolver,
} from './resolve.ts';

/**
 * Largest header block passed either way, as large as the browser's own limit: sites that set
 * many cookies send far more than Node's default of 16 KiB, and the browser sends them back.
 */
const MAX_HEADER_BYTES = 256 * 1024;

/** A request the network rules refused. */
export interface BlockedAttempt {
  host: string;
  reason: string;
  /** `Blocked by the network rules: <host> (<reason>)`, ready for a run's errors. */
  message: string;
}

export interface EgressProxyOptions {
  policy: AddressPolicy;
  /** Proxy to send every allowed connection through (a proxy_location's URL). @default direct */
  upstream?: string | null;
  /** @default the system resolver */
  resolver?: Resolver;
  logger?: Logger;
  /** Time to open a connection to a site or the upstream proxy. @default 15 s */
  connectTimeoutMs?: number;
}

/** The browser's only way out: an HTTP proxy on loopback that enforces the network rules. */
export interface EgressProxy {
  /** `http://127.0.0.1:<port>`, for Chromium's --proxy-server. */
  url: string;
  /** Distinct refused hosts, oldest first (at most 100). */
  blocked(): BlockedAttempt[];
  close(): Promise<void>;
}

const MAX_BLOCKED_RECORDS = 100;
const MAX_CLIENT_CONNECTIONS = 512;

/**
 * Starts the egress proxy of one browser. It resolves every target itself, checks each address,
 * and connects to the checked address; the browser never resolves a name, so a name that answers
 * differently the second time (DNS rebinding) cannot lead it anywhere the rules did not check.
 * Handles plain HTTP (absolute-form requests, WebSocket upgrades included) and CONNECT tunnels
 * (HTTPS, and WebSockets, which Chromium always tunnels through a proxy).
 */
export async function startEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const context = createContext(options);
  const server = http.createServer({ requestTimeout: 0, maxHeaderSize: MAX_HEADER_BYTES });
  // A page that opens connections without end exhausts this limit, not the machine.
  server.maxConnections = MAX_CLIENT_CONNECTIONS;
  server.on('connection', (socket: Socket) => context.track(socket));
  server.on('request', (request, response) => void handleRequest(context, request, response));
  server.on(
    'connect',
    (request, socket, head) => void handleConnect(context, request, socket, head),
  );
  server.on(
    'upgrade',
    (request, socket, head) => void handleUpgrade(context, request, socket, head),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    blocked: () => [...context.blocked],
    close: async () => {
      context.destroyAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface ProxyContext {
  options: EgressProxyOptions;
  upstream: URL | null;
  /** Keeps connections to sites alive between requests of this proxy only. */
  agent: http.Agent;
  blocked: BlockedAttempt[];
  track(socket: Duplex): void;
  destroyAll(): void;
  record(error: BlockedAddressError): void;
  check(host: string, port: number): Promise<CheckedTarget>;
}

function createContext(options: EgressProxyOptions): ProxyContext {
  const sockets = new Set<Duplex>();
  const blocked: BlockedAttempt[] = [];
  const seen = new Set<string>();
  const resolver = options.resolver ?? systemResolver;

  return {
    options,
    upstream: options.upstream ? new URL(options.upstream) : null,
    agent: new http.Agent({ keepAlive: true }),
    blocked,
    track(socket) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    },
    destroyAll() {
      this.agent.destroy();
      for (const socket of sockets) socket.destroy();
    },
    record(error) {
      const key = `${error.host}\n${error.message}`;
      if (seen.has(key) || blocked.length >= MAX_BLOCKED_RECORDS) return;
      seen.add(key);
      blocked.push({ host: error.host, reason: error.reason, message: error.message });
      options.logger?.warn('Request blocked by the network rules', {
        host: error.host,
        reason: error.reason,
      });
    },
    check: (host, port) => resolveChecked(host, port, options.policy, resolver),
  };
}

/** Checks a target, answering the client itself when it is refused or unknown. */
async function checkOrRefuse(
  context: ProxyContext,
  host: string,
  port: number,
  refuse: (status: number, message: string) => void,
): Promise<CheckedTarget | null> {
  try {
    return await context.check(host, port);
  } catch (error) {
    if (error instanceof BlockedAddressError) {
      context.record(error);
      refuse(403, error.message);
    } else {
      refuse(502, describeError(error));
    }
    return null;
  }
}

/** True when a Host header names the same authority as the request target. */
function hostAgrees(header: string | undefined, host: string, port: number, defaultPort: number) {
  if (header === undefined) return true;
  const parsed = parseAuthority(/:\d+$/.test(header) ? header : `${header}:${defaultPort}`);

  return parsed !== null && parsed.host === host && parsed.port === port;
}

function refuseRequest(context: ProxyContext, host: string, reason: string): BlockedAddressError {
  const error = new BlockedAddressError(host, reason);
  context.record(error);

  return error;
}

async function handleConnect(
  context: ProxyContext,
  request: http.IncomingMessage,
  client: Duplex,
  head: Buffer,
): Promise<void> {
  context.track(client);
  const refuse = (status: number, message: string) => {
    const body = `${message}\n`;
    client.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: text/plain\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
  const authority = parseAuthority(request.url ?? '');
  if (authority === null) return refuse(400, 'Unreadable CONNECT target');
  if (!hostAgrees(request.headers.host, authority.host, authority.port, authority.port)) {
    const error = refuseRequest(context, authority.host, 'Host header disagrees with the target');
    return refuse(403, error.message);
  }
  const target = await checkOrRefuse(context, authority.host, authority.port, refuse);
  if (target === null) return;
  try {
    const remote = await connect(context, target);
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    splice(client, remote, head);
  } catch (error) {
    refuse(502, describeError(error));
  }
}

function connect(context: ProxyContext, target: CheckedTarget): Promise<Socket> {
  const timeoutMs = context.options.connectTimeoutMs ?? 15_000;

  return openConnection(target, context.upstream, timeoutMs, (socket) => context.track(socket));
}

/** Reads an absolute-form http:// request target (what a browser sends to a proxy). */
function readTarget(request: http.IncomingMessage): { url: URL; port: number } | null {
  try {
    const url = new URL(request.url ?? '');
    if (url.protocol !== 'http:' && url.protocol !== 'ws:') return null;
    return { url, port: Number(url.port || 80) };
  } catch {
    return null;
  }
}

async function handleRequest(
  context: ProxyContext,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  const refuse = (status: number, message: string) => {
    // Once the site's answer has started, the only honest signal left is a cut connection.
    if (response.headersSent) return void response.destroy();
    response.writeHead(status, { 'content-type': 'text/plain' }).end(`${message}\n`);
  };
  const target = readTarget(request);
  if (target === null) return refuse(400, 'This proxy takes absolute http:// request targets');
  const host = target.url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!hostAgrees(request.headers.host, host, target.port, 80)) {
    return refuse(
      403,
      refuseRequest(context, host, 'Host header disagrees with the target').message,
    );
  }
  const checked = await checkOrRefuse(context, host, target.port, refuse);
  if (checked === null) return;
  const outgoing = http.request(outgoingOptions(context, request, target.url, checked));
  outgoing.on('response', (answer) => {
    response.writeHead(answer.statusCode ?? 502, answer.statusMessage, responseHeaders(answer));
    answer.on('error', () => response.destroy());
    answer.pipe(response);
  });
  outgoing.on('error', (error) => refuse(502, `Could not reach ${host}: ${error.message}`));
  request.on('error', () => outgoing.destroy());
  response.on('close', () => outgoing.destroy());
  request.pipe(outgoing);
}

/** Where a plain HTTP request goes: the checked address, or the upstream proxy naming it. */
function outgoingOptions(
  context: ProxyContext,
  request: http.IncomingMessage,
  url: URL,
  target: CheckedTarget,
): http.RequestOptions {
  const headers = { ...forwardHeaders(request.headers), host: url.host };
  const method = request.method;
  const path = `${url.pathname}${url.search}`;
  const upstream = context.upstream;
  if (upstream === null) {
    const { host, port } = target;
    return {
      host,
      port,
      maxHeaderSize: MAX_HEADER_BYTES,
      lookup: pinnedLookup(target),
      agent: context.agent,
      method,
      path,
      headers,
    };
  }
  const auth = upstreamAuthorization(upstream);

  return {
    maxHeaderSize: MAX_HEADER_BYTES,
    host: upstream.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(upstream.port || 80),
    agent: context.agent,
    method,
    path: `http://${formatAuthority(target.address, target.port)}${path}`,
    headers: auth === null ? headers : { ...headers, 'proxy-authorization': auth },
  };
}

/** A WebSocket (or other) upgrade sent to the proxy as an absolute-form http:// request. */
async function handleUpgrade(
  context: ProxyContext,
  request: http.IncomingMessage,
  client: Duplex,
  head: Buffer,
): Promise<void> {
  context.track(client);
  const refuse = (status: number, message: string) => {
    client.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\n\r\n${message}\n`,
    );
  };
  const target = readTarget(request);
  if (target === null) return refuse(400, 'This proxy takes absolute http:// request targets');
  const host = target.url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!hostAgrees(request.headers.host, host, target.port, 80)) {
    return refuse(
      403,
      refuseRequest(context, host, 'Host header disagrees with the target').message,
    );
  }
  const checked = await checkOrRefuse(context, host, target.port, refuse);
  if (checked === null) return;
  try {
    const remote = await connect(context, checked);
    remote.write(upgradeHead(request, target.url));
    splice(client, remote, head);
  } catch (error) {
    refuse(502, describeError(error));
  }
}
