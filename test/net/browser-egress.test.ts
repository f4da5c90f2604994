import chromium from '@sparticuz/chromium';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAddressPolicy } from '../../lib/net/address-policy.ts';
import { withoutUnsafeFlags } from '../../lib/net/chromium-flags.ts';
import { type EgressProxy, startEgressProxy } from '../../lib/net/egress-proxy.ts';
import type { Resolver } from '../../lib/net/resolve.ts';
import { chromiumExecutable, launchBrowser, proxiedArgs } from './support/browser.ts';
import { type Listener, startListener } from './support/listener.ts';

/**
 * Real Chromium behind the egress proxy. 127.0.0.2 plays an allowed public site; the blocked
 * target is a listener on 127.0.0.1 (loopback is refused here), so a leak would reach this
 * machine's listener and never the outside, and the listener's log shows it.
 */
const policy = createAddressPolicy({ allowLoopback: false, allowedHosts: ['127.0.0.2'] });
let internal: Listener;
let site: Listener;

/** Pages of the allowed site, each leading the browser to the blocked listener one way. */
function page(path: string, blocked: string): string {
  const origin = `http://127.0.0.1:${internal.port}`;
  const pages: Record<string, string> = {
    '/image': `<img src="${origin}/pixel.png">`,
    '/script': `<script src="${origin}/app.js"></script>`,
    '/style': `<link rel="stylesheet" href="${origin}/site.css">`,
    '/css-url': `<div style="background:url(${origin}/bg.png);width:9px;height:9px"></div>`,
    '/fetch': `<script>fetch('${origin}/api', { mode: 'no-cors' }).catch(() => {})</script>`,
    '/xhr': `<script>const x = new XMLHttpRequest(); x.open('GET', '${origin}/xhr'); x.send()</script>`,
    '/beacon': `<script>navigator.sendBeacon('${origin}/beacon', 'x')</script>`,
    '/event-source': `<script>new EventSource('${origin}/events')</script>`,
    '/websocket': `<script>new WebSocket('ws://127.0.0.1:${internal.port}/ws')</script>`,
    '/secure-websocket': `<script>new WebSocket('wss://127.0.0.1:${internal.port}/ws')</script>`,
    '/iframe': `<iframe src="${origin}/frame"></iframe>`,
    '/popup': `<script>window.open('${origin}/popup')</script>`,
    '/meta-refresh': `<meta http-equiv="refresh" content="0;url=${origin}/refresh">`,
    '/form': `<form method="post" action="${origin}/login"><input name="a" value="b"></form>
      <script>document.forms[0].submit()</script>`,
    '/location': `<script>location.href = '${blocked}'</script>`,
  };

  return pages[path] ?? '';
}

beforeAll(async () => {
  await chromiumExecutable();
  internal = await startListener('127.0.0.1');
  site = await startListener('127.0.0.2', (request, response) => {
    const url = new URL(request.url ?? '/', 'http://site');
    if (url.pathname === '/redirect') {
      response.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(`<title>allowed</title>${page(url.pathname, url.searchParams.get('to') ?? '')}`);
  });
});

afterAll(async () => {
  await internal?.close();
  await site?.close();
});

interface Harness {
  browser: Browser;
  proxy: EgressProxy;
  page: Page;
}

let harness: Harness | undefined;

async function startHarness(resolver?: Resolver, args?: (proxyUrl: string) => string[]) {
  const proxy = await startEgressProxy({ policy, resolver });
  const browser = await launchBrowser((args ?? proxiedArgs)(proxy.url));
  const page = await browser.newPage();
  harness = { browser, proxy, page };

  return harness;
}

afterEach(async () => {
  await harness?.browser.close();
  await harness?.proxy.close();
  harness = undefined;
});

const hosts = (proxy: EgressProxy) => proxy.blocked().map((attempt) => attempt.host);

describe('browser behind the egress proxy', () => {
  it('is launched without --disable-web-security', () => {
    const args = proxiedArgs('http://127.0.0.1:1');

    expect(chromium.args).toContain('--disable-web-security');
    expect(args).not.toContain('--disable-web-security');
    expect(withoutUnsafeFlags(['--disable-web-security=1', '--no-sandbox'])).toEqual([
      '--no-sandbox',
    ]);
  });

  it('loads an allowed site through the proxy', async () => {
    const { page, proxy } = await startHarness();

    await page.goto(`http://127.0.0.2:${site.port}/plain`);

    expect(await page.title()).toBe('allowed');
    expect(proxy.blocked()).toEqual([]);
  });

  it.each([
    ['http://127.0.0.1:{port}/', '127.0.0.1'],
    ['http://2130706433:{port}/', '127.0.0.1'],
    ['http://0x7f.1:{port}/', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]:{port}/', '::ffff:7f00:1'],
    ['http://localhost:{port}/', 'localhost'],
    ['http://localhost.:{port}/', 'localhost'],
  ])('refuses a navigation to %s and names %s', async (template, host) => {
    const { page, proxy } = await startHarness();

    await page.goto(template.replace('{port}', String(internal.port))).catch(() => {});

    expect(hosts(proxy)).toContain(host);
    expect(await page.content()).toContain(`Blocked by the network rules: ${host}`);
    expect(internal.requests).toEqual([]);
  });

  it('refuses an https navigation to a blocked host at the tunnel', async () => {
    const { page, proxy } = await startHarness();

    await expect(page.goto(`https://127.0.0.1:${internal.port}/`)).rejects.toThrow(/ERR_/);

    expect(hosts(proxy)).toEqual(['127.0.0.1']);
    expect(internal.connections).toBe(0);
  });

  it.each([
    ['/redirect'],
    ['/image'],
    ['/script'],
    ['/style'],
    ['/css-url'],
    ['/fetch'],
    ['/xhr'],
    ['/beacon'],
    ['/event-source'],
    ['/websocket'],
    ['/secure-websocket'],
    ['/iframe'],
    ['/popup'],
    ['/meta-refresh'],
    ['/form'],
    ['/location'],
  ])('refuses what the allowed page %s leads to', async (path) => {
    const { page, proxy } = await startHarness();
    const to = encodeURIComponent(`http://127.0.0.1:${internal.port}/next`);

    await page.goto(`http://127.0.0.2:${site.port}${path}?to=${to}`).catch(() => {});

    await expect.poll(() => hosts(proxy), { timeout: 10_000 }).toContain('127.0.0.1');
    expect(internal.connections).toBe(0);
  });

  it('would reach loopback directly without the <-loopback> bypass rule', async () => {
    const probe = await startListener('127.0.0.1', (_request, response) => response.end('direct'));
    const withoutRule = (proxyUrl: string) =>
      proxiedArgs(proxyUrl).filter((arg) => !arg.startsWith('--proxy-bypass-list'));
    const { page, proxy } = await startHarness(undefined, withoutRule);

    await page.goto(`http://127.0.0.1:${probe.port}/`);
    await probe.close();

    expect(probe.requests).toEqual(['GET /']);
    expect(proxy.blocked()).toEqual([]);
  });
});

describe('DNS rebinding', () => {
  it('cannot reach the loopback listener through a name that first answered an allowed address', async () => {
    const rebound = await startListener(
      '127.0.0.2',
      (request, response) => {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end(
          request.url === '/'
            ? `<title>rebind</title><img src="/pixel.png"><iframe src="/frame"></iframe>
               <script>fetch('/secret').then((r) => r.text()).then((t) => { document.title = t })
                 .catch(() => { document.title = 'refused' })</script>`
            : 'secret from the allowed site',
        );
      },
      internal.port,
    );
    let lookups = 0;
    const rebinding: Resolver = async (host) => {
      if (host !== 'rebind.test') return [];
      lookups += 1;
      return lookups === 1 ? ['127.0.0.2'] : ['127.0.0.1'];
    };
    const { page, proxy } = await startHarness(rebinding);

    await page.goto(`http://rebind.test:${internal.port}/`);
    await expect
      .poll(() => page.title(), { timeout: 10_000 })
      .toContain('Blocked by the network rules: rebind.test');
    await rebound.close();

    expect(rebound.requests[0]).toBe('GET /');
    expect(lookups).toBeGreaterThan(1);
    expect(hosts(proxy)).toEqual(['rebind.test']);
    expect(internal.connections).toBe(0);
  });
});
