import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** API Gateway refuses payloads over 10 MB before the Lambda sees them; so does this server. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export type ProxyHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export interface LocalHttpServer {
  /** The base URL, such as `http://127.0.0.1:8080`. */
  url: string;
  close(): Promise<void>;
}

/**
 * A record without a prototype, so that names a caller chooses (`__proto__`, `constructor`) are
 * plain keys and never read or replace members of Object.prototype.
 */
function emptyRecord<Value>(): Record<string, Value> {
  return Object.create(null);
}

function headersOf(request: IncomingMessage) {
  const single = emptyRecord<string>();
  const multi = emptyRecord<string[]>();
  for (let index = 0; index < request.rawHeaders.length; index += 2) {
    const name = request.rawHeaders[index];
    const value = request.rawHeaders[index + 1];
    single[name] = value;
    multi[name] = [...(multi[name] ?? []), value];
  }

  return { single, multi };
}

function queryOf(search: string) {
  const single = emptyRecord<string>();
  const multi = emptyRecord<string[]>();
  for (const [name, value] of new URLSearchParams(search)) {
    single[name] = value;
    multi[name] = [...(multi[name] ?? []), value];
  }
  const empty = Object.keys(single).length === 0;

  return { single: empty ? null : single, multi: empty ? null : multi };
}

/** The event API Gateway (REST API, proxy integration) sends for this request. */
export function toProxyEvent(
  request: IncomingMessage,
  body: string,
  requestId: string = randomUUID(),
): APIGatewayProxyEvent {
  // Split by hand: WHATWG URL parsing reads a path such as `//x` as a host.
  const target = request.url ?? '/';
  const queryAt = target.indexOf('?');
  const pathname = queryAt === -1 ? target : target.slice(0, queryAt);
  const headers = headersOf(request);
  const query = queryOf(queryAt === -1 ? '' : target.slice(queryAt + 1));

  return {
    resource: '/{proxy+}',
    path: pathname,
    httpMethod: request.method ?? 'GET',
    headers: headers.single,
    multiValueHeaders: headers.multi,
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters: null,
    stageVariables: null,
    body: body.length > 0 ? body : null,
    isBase64Encoded: false,
    requestContext: {
      requestId,
      httpMethod: request.method ?? 'GET',
      path: pathname,
      resourcePath: '/{proxy+}',
      stage: 'local',
      protocol: `HTTP/${request.httpVersion}`,
      requestTimeEpoch: Date.now(),
      identity: { sourceIp: request.socket.remoteAddress ?? '' },
    } as APIGatewayProxyEvent['requestContext'],
  };
}

function readBody(request: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk);
    });
    request.on('end', () =>
      resolve(size > MAX_PAYLOAD_BYTES ? null : Buffer.concat(chunks).toString('utf8')),
    );
    request.on('error', reject);
  });
}

function send(response: ServerResponse, statusCode: number, headers: object, body: string): void {
  response.writeHead(statusCode, { ...headers, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/** An answer the server gives itself, with a request id like every answer of the API. */
function sendOwn(response: ServerResponse, statusCode: number, detail: string, requestId: string) {
  const headers = { 'content-type': 'application/json', 'x-request-id': requestId };
  send(response, statusCode, headers, JSON.stringify({ detail, request_id: requestId }));
}

async function serve(
  handler: ProxyHandler,
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
) {
  const body = await readBody(request);
  if (body === null) {
    sendOwn(response, 413, 'Request too large', requestId);
    return;
  }
  const result = await handler(toProxyEvent(request, body, requestId));
  send(response, result.statusCode, result.headers ?? {}, result.body);
}

/**
 * Serves a proxy-integration Lambda handler over HTTP on loopback, turning each request into the
 * event API Gateway would send. Port 0 picks a free port.
 */
export async function startLocalHttpServer(
  handler: ProxyHandler,
  options: { host: string; port: number; onError: (error: unknown) => void },
): Promise<LocalHttpServer> {
  const server = createServer((request, response) => {
    const requestId = randomUUID();
    serve(handler, request, response, requestId).catch((error) => {
      options.onError(error);
      if (!response.headersSent) sendOwn(response, 500, 'Internal error', requestId);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
