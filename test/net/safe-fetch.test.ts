import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BlockedAddressError } from '../../lib/errors.ts';
import { createAddressPolicy } from '../../lib/net/address-policy.ts';
import type { Resolver } from '../../lib/net/resolve.ts';
import { safeFetch } from '../../lib/net/safe-fetch.ts';
import { type Listener, startListener } from './support/listener.ts';

// 127.0.0.2 plays a public host: the only address these rules allow. 127.0.0.1 is refused.
const policy = createAddressPolicy({ allowLoopback: false, allowedHosts: ['127.0.0.2'] });
const listeners: Listener[] = [];

async function listen(...args: Parameters<typeof startListener>): Promise<Listener> {
  const listener = await startListener(...args);
  listeners.push(listener);

  return listener;
}

afterEach(async () => {
  await Promise.all(listeners.splice(0).map((listener) => listener.close()));
});

describe('safeFetch', () => {
  it('delivers a request to an allowed host and returns its answer', async () => {
    const site = await listen('127.0.0.2', (request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      request.pipe(response);
    });

    const response = await safeFetch(`http://${site.origin}/hook`, {
      policy,
      method: 'POST',
      body: '{"run_id":"tsk_1"}',
    });

    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('{"run_id":"tsk_1"}');
    expect(site.requests).toEqual(['POST /hook']);
  });

  it('refuses a blocked host without connecting to it', async () => {
    const internal = await listen('127.0.0.1');

    const attempt = safeFetch(`http://${internal.origin}/`, { policy });

    await expect(attempt).rejects.toThrow(`Blocked by the network rules: 127.0.0.1`);
    expect(internal.connections).toBe(0);
  });

  it('checks every redirect and refuses one that leads to a blocked host', async () => {
    const internal = await listen('127.0.0.1');
    const site = await listen('127.0.0.2', (_request, response) => {
      response.writeHead(302, { location: `http://${internal.origin}/admin` }).end();
    });

    const attempt = safeFetch(`http://${site.origin}/start`, { policy });

    await expect(attempt).rejects.toBeInstanceOf(BlockedAddressError);
    await expect(attempt).rejects.toMatchObject({ host: '127.0.0.1' });
    expect(site.requests).toEqual(['GET /start']);
    expect(internal.connections).toBe(0);
  });

  it('refuses a redirect through a name that resolves to a blocked address', async () => {
    const internal = await listen('127.0.0.1');
    const site = await listen('127.0.0.2', (_request, response) => {
      response.writeHead(307, { location: `http://internal.test:${internal.port}/` }).end();
    });
    const resolver: Resolver = async (host) => (host === 'internal.test' ? ['127.0.0.1'] : []);

    const attempt = safeFetch(`http://${site.origin}/`, { policy, resolver });

    await expect(attempt).rejects.toThrow('Blocked by the network rules: internal.test');
    expect(internal.connections).toBe(0);
  });

  it('connects to the checked address and never resolves the name again', async () => {
    const internal = await listen('127.0.0.1');
    const site = await listen(
      '127.0.0.2',
      (_request, response) => response.end('pinned'),
      internal.port,
    );
    let lookups = 0;
    const rebinding: Resolver = async () => (++lookups === 1 ? ['127.0.0.2'] : ['127.0.0.1']);

    const response = await safeFetch(`http://rebind.test:${site.port}/`, {
      policy,
      resolver: rebinding,
    });

    expect(response.body.toString()).toBe('pinned');
    expect(lookups).toBe(1);
    expect(internal.connections).toBe(0);
  });

  it('stops a redirect loop after five redirects', async () => {
    const site = await listen('127.0.0.2', (request, response) => {
      response.writeHead(302, { location: `${request.url}x` }).end();
    });

    const attempt = safeFetch(`http://${site.origin}/`, { policy });

    await expect(attempt).rejects.toMatchObject({ code: 'too_many_redirects' });
    expect(site.requests).toHaveLength(6);
  });

  it('refuses a redirect to a file URL', async () => {
    const site = await listen('127.0.0.2', (_request, response) => {
      response.writeHead(301, { location: 'file:///etc/passwd' }).end();
    });

    await expect(safeFetch(`http://${site.origin}/`, { policy })).rejects.toThrow(
      'Blocked by the network rules: file:',
    );
  });

  it('turns a POST into a GET on 303 and keeps credentials on its own origin only', async () => {
    const other = await listen('127.0.0.2', (request, response) => {
      response.end(
        JSON.stringify({ method: request.method, auth: request.headers.authorization ?? null }),
      );
    });
    const site = await listen('127.0.0.2', (_request, response) => {
      response.writeHead(303, { location: `http://localhost.test:${other.port}/done` }).end();
    });
    const resolver: Resolver = async () => ['127.0.0.2'];

    const response = await safeFetch(`http://${site.origin}/`, {
      policy,
      resolver,
      method: 'POST',
      headers: { authorization: 'Bearer secret' },
      body: 'x',
    });

    expect(JSON.parse(response.body.toString())).toEqual({ method: 'GET', auth: null });
  });

  it('fails a response larger than the cap', async () => {
    const site = await listen('127.0.0.2', (_request, response) =>
      response.end(Buffer.alloc(4096)),
    );

    const attempt = safeFetch(`http://${site.origin}/`, { policy, maxBytes: 1024 });

    await expect(attempt).rejects.toMatchObject({ code: 'response_too_large' });
  });

  it('gives up on a host that never answers, as a failure a retry may cure', async () => {
    const site = await listen('127.0.0.2', () => {});

    const attempt = safeFetch(`http://${site.origin}/`, { policy, timeoutMs: 200 });

    await expect(attempt).rejects.toMatchObject({ code: 'transient', retryable: true });
    await expect(attempt).rejects.toThrow('timed out');
  });
});

describe('safeFetch over TLS', () => {
  let tls: { key: Buffer; cert: Buffer };

  beforeAll(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retriever-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.2',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    tls = {
      key: fs.readFileSync(path.join(dir, 'key.pem')),
      cert: fs.readFileSync(path.join(dir, 'cert.pem')),
    };
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function startSelfSigned(): Promise<{ port: number; close(): Promise<void> }> {
    const server = https.createServer(tls, (_request, response) => response.end('private'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));

    return {
      port: (server.address() as AddressInfo).port,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  }

  it('refuses a certificate it cannot verify', async () => {
    const server = await startSelfSigned();

    const attempt = safeFetch(`https://127.0.0.2:${server.port}/`, { policy });
    await expect(attempt).rejects.toMatchObject({ code: 'transient' });
    await expect(attempt).rejects.toThrow('SELF_SIGNED');
    await server.close();
  });

  it('accepts that certificate for a host listed in INSECURE_TLS_HOSTS', async () => {
    const server = await startSelfSigned();

    const response = await safeFetch(`https://127.0.0.2:${server.port}/`, {
      policy,
      insecureTlsHosts: ['127.0.0.2'],
    });
    await server.close();

    expect(response.body.toString()).toBe('private');
  });
});
