import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';

/** A loopback HTTP server that records every request and every raw connection it receives. */
export interface Listener {
  host: string;
  port: number;
  /** `host:port` for URLs. */
  origin: string;
  /** `METHOD path` of each request, in arrival order. */
  requests: string[];
  /** Number of TCP connections accepted, whether or not a request followed. */
  connections: number;
  close(): Promise<void>;
}

export type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

const notFound: Handler = (_request, response) => {
  response.writeHead(404).end('not found');
};

/** Starts a listener on `host` (a loopback address) and `port` (0 picks a free one). */
export async function startListener(
  host = '127.0.0.1',
  handler: Handler = notFound,
  port = 0,
): Promise<Listener> {
  const server = http.createServer();
  const sockets = new Set<net.Socket>();
  const listener = { host, port: 0, origin: '', requests: [] as string[], connections: 0 };
  server.on('connection', (socket) => {
    listener.connections += 1;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (request, response) => {
    listener.requests.push(`${request.method} ${request.url}`);
    handler(request, response);
  });
  server.on('upgrade', (request, socket) => {
    listener.requests.push(`UPGRADE ${request.url}`);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  listener.port = (server.address() as AddressInfo).port;
  listener.origin =
    net.isIP(host) === 6 ? `[${host}]:${listener.port}` : `${host}:${listener.port}`;

  return Object.assign(listener, {
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
