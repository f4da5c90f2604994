import http from 'node:http';
import net from 'node:net';

/** Sends raw bytes to a proxy and returns everything it answers until it closes or goes quiet. */
export function rawExchange(proxyUrl: string, bytes: string, quietMs = 300): Promise<string> {
  const { hostname, port } = new URL(proxyUrl);
  const socket = net.connect({ host: hostname, port: Number(port) });
  let answer = '';

  return new Promise((resolve, reject) => {
    let timer = setTimeout(() => socket.destroy(), quietMs * 10);
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      clearTimeout(timer);
      timer = setTimeout(() => socket.destroy(), quietMs);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.on('error', reject);
    socket.write(bytes);
  });
}

/** A GET through the proxy, the way a browser sends it (absolute-form target). */
export function getThroughProxy(
  proxyUrl: string,
  url: string,
): Promise<{ status: number; body: string }> {
  const proxy = new URL(proxyUrl);

  return new Promise((resolve, reject) => {
    const request = http.request({
      host: proxy.hostname,
      port: Number(proxy.port),
      path: url,
      headers: { host: new URL(url).host },
      agent: false,
      maxHeaderSize: 1024 * 1024,
    });
    request.on('response', (response) => {
      let body = '';
      response.on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}
