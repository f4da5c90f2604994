import http from 'node:http';
import https from 'node:https';
import { BlockedAddressError, RetrieverError, TransientError } from '../errors.ts';
import { type AddressPolicy, normalizeHostName } from './address-policy.ts';
import {
  type CheckedTarget,
  checkUrl,
  pinnedLookup,
  type Resolver,
  systemResolver,
} from './resolve.ts';

/** Options of one server-side request (a webhook delivery, a one-time code poll). */
export interface SafeFetchOptions {
  policy: AddressPolicy;
  /** @default the system resolver */
  resolver?: Resolver;
  /** @default 'GET' */
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Budget of the whole exchange, redirects and body included. @default 10 s */
  timeoutMs?: number;
  /** Largest response body read; a larger one fails the request. @default 1 MiB */
  maxBytes?: number;
  /** @default 5 */
  maxRedirects?: number;
  /**
   * Hosts whose TLS certificate errors are ignored (INSECURE_TLS_HOSTS, for intranet endpoints
   * with private certificates). @default none: every certificate is verified
   */
  insecureTlsHosts?: readonly string[];
  signal?: AbortSignal;
}

export interface SafeResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The URL that answered, after redirects. */
  url: string;
}

interface Hop {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = ['authorization', 'cookie'];

/**
 * An HTTP request from the service itself that obeys the network rules: every hop's host is
 * resolved and checked, the connection goes to the checked address (never to a second answer of
 * the resolver), redirects are followed by hand and checked again, and both time and body size
 * are bounded.
 *
 * @throws BlockedAddressError naming the refused host (first hop or any redirect)
 * @throws TransientError on a network failure or timeout, which a retry may cure
 * @throws RetrieverError `too_many_redirects` or `response_too_large`
 */
export async function safeFetch(url: string, options: SafeFetchOptions): Promise<SafeResponse> {
  const signal = combineSignals(options.timeoutMs ?? 10_000, options.signal);
  const maxRedirects = options.maxRedirects ?? 5;
  let hop: Hop = {
    url: new URL(url),
    method: (options.method ?? 'GET').toUpperCase(),
    headers: options.headers ?? {},
    body: options.body,
  };
  for (let redirects = 0; ; redirects += 1) {
    const target = await checkUrl(
      requireHttp(hop.url),
      options.policy,
      options.resolver ?? systemResolver,
    );
    const insecure =
      options.insecureTlsHosts?.some((host) => normalizeHostName(host) === target.host) ?? false;
    const response = await send(hop, target, signal, insecure);
    const location = response.headers.location;
    if (!REDIRECTS.has(response.statusCode ?? 0) || location === undefined) {
      return readResponse(response, hop.url, options.maxBytes ?? 1024 * 1024, signal);
    }
    response.resume();
    if (redirects >= maxRedirects) {
      throw new RetrieverError(
        'too_many_redirects',
        `More than ${maxRedirects} redirects from ${hop.url.host}`,
      );
    }
    hop = nextHop(hop, response.statusCode ?? 0, new URL(location, hop.url));
  }
}

function requireHttp(url: URL): URL {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BlockedAddressError(url.protocol, 'only http and https are allowed');
  }

  return url;
}

/** The request a redirect asks for: 303 (and 301/302 after a POST) become a GET without body. */
function nextHop(hop: Hop, status: number, url: URL): Hop {
  const toGet = status === 303 || ((status === 301 || status === 302) && hop.method === 'POST');
  const sameOrigin = url.origin === hop.url.origin;
  const headers = Object.fromEntries(
    Object.entries(hop.headers).filter(([name]) => {
      const lower = name.toLowerCase();
      if (!sameOrigin && CREDENTIAL_HEADERS.includes(lower)) return false;
      return !(toGet && (lower === 'content-type' || lower === 'content-length'));
    }),
  );

  return {
    url,
    method: toGet ? 'GET' : hop.method,
    headers,
    body: toGet ? undefined : hop.body,
  };
}

function send(
  hop: Hop,
  target: CheckedTarget,
  signal: AbortSignal,
  insecure: boolean,
): Promise<http.IncomingMessage> {
  const secure = hop.url.protocol === 'https:';
  const request = (secure ? https : http).request({
    rejectUnauthorized: !insecure,
    hostname: target.host,
    port: target.port,
    path: `${hop.url.pathname}${hop.url.search}`,
    method: hop.method,
    headers: { ...hop.headers, host: hop.url.host },
    lookup: pinnedLookup(target),
    agent: false,
    signal,
  });

  return new Promise((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', (error) => reject(networkError(error, target.host, signal)));
    request.end(hop.body);
  });
}

async function readResponse(
  response: http.IncomingMessage,
  url: URL,
  maxBytes: number,
  signal: AbortSignal,
): Promise<SafeResponse> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        response.destroy();
        throw new RetrieverError(
          'response_too_large',
          `Response from ${url.host} is larger than ${maxBytes} bytes`,
        );
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof RetrieverError) throw error;
    throw networkError(error as Error, url.hostname, signal);
  }

  return {
    status: response.statusCode ?? 0,
    headers: response.headers,
    body: Buffer.concat(chunks),
    url: url.href,
  };
}

function networkError(error: Error, host: string, signal: AbortSignal): TransientError {
  const why = signal.aborted
    ? 'timed out'
    : ((error as NodeJS.ErrnoException).code ?? error.message);

  return new TransientError(`Request to ${host} failed: ${why}`, { cause: error });
}

function combineSignals(timeoutMs: number, signal: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);

  return signal ? AbortSignal.any([timeout, signal]) : timeout;
}
