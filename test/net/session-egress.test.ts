import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserSession } from '../../lib/browser/types.ts';
import { createAddressPolicy } from '../../lib/net/address-policy.ts';
import { type EgressProxy, startEgressProxy } from '../../lib/net/egress-proxy.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';
import { type Listener, startListener } from './support/listener.ts';

/**
 * The product's browser session launched behind the egress proxy, as browser-step composes them,
 * under rules that refuse loopback: 127.0.0.2 plays an allowed public site and the blocked target
 * is a listener on 127.0.0.1.
 */
const policy = createAddressPolicy({ allowLoopback: false, allowedHosts: ['127.0.0.2'] });
let harness: BrowserHarness;
let internal: Listener;
let site: Listener;
let egress: EgressProxy | undefined;

beforeAll(async () => {
  harness = await startBrowserHarness();
  internal = await startListener('127.0.0.1');
  site = await startListener('127.0.0.2', (request, response) => {
    const blocked = `127.0.0.1:${internal.port}`;
    const parts: Record<string, string> = {
      img: `<img src="http://${blocked}/pixel.png">`,
      iframe: `<iframe src="http://${blocked}/frame"></iframe>`,
      ws: `<script>new WebSocket('ws://${blocked}/socket')</script>`,
      popup: `<script>window.open('http://2130706433:${internal.port}/popup')</script>`,
    };
    const wanted = new URL(request.url ?? '/', 'http://x').searchParams.get('parts') ?? '';
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(`<title>allowed</title>${parts[wanted] ?? ''}`);
  });
});

afterEach(async () => {
  await egress?.close();
  egress = undefined;
});

afterAll(async () => {
  await harness?.close();
  await internal?.close();
  await site?.close();
});

async function openBehindProxy(): Promise<BrowserSession> {
  egress = await startEgressProxy({ policy });
  const { session } = await harness.open({ proxyUrl: egress.url });

  return session;
}

/** The Chromium processes this test process started, with their command lines. */
function chromiumChildren(): { pid: string; args: string[] }[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const parent = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
        const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
        const isChromium = /chrom/i.test(args[0] ?? '');
        return parent === String(process.pid) && isChromium ? [{ pid, args }] : [];
      } catch {
        return [];
      }
    });
}

const blockedHosts = () => egress?.blocked().map((attempt) => attempt.host) ?? [];

describe('a run browser behind the egress proxy', () => {
  it('runs without --disable-web-security and sends everything to the proxy', async () => {
    const session = await openBehindProxy();

    const [browser] = chromiumChildren();
    await session.close();

    expect(browser.args).not.toContain('--disable-web-security');
    expect(browser.args).not.toContain('--allow-running-insecure-content');
    expect(browser.args).toContain(`--proxy-server=${egress?.url}`);
    expect(browser.args).toContain('--proxy-bypass-list=<-loopback>');
    expect(browser.args).toContain('--force-webrtc-ip-handling-policy=disable_non_proxied_udp');
  });

  it.each([
    ['http://127.0.0.1:{port}/', '127.0.0.1'],
    ['http://2130706433:{port}/', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]:{port}/', '::ffff:7f00:1'],
    ['http://localhost:{port}/', 'localhost'],
  ])('refuses the start URL %s and names %s', async (template, host) => {
    const session = await openBehindProxy();

    await session.open(template.replace('{port}', String(internal.port)));
    const observation = await session.observe();
    await session.close();

    expect(blockedHosts()).toEqual([host]);
    expect(observation.text).toContain(`Blocked by the network rules: ${host}`);
    expect(internal.connections).toBe(0);
  });

  it.each([['img'], ['iframe'], ['ws'], ['popup']])(
    'refuses the blocked host behind the %s of an allowed page',
    async (part) => {
      const session = await openBehindProxy();

      const opened = await session.open(`http://127.0.0.2:${site.port}/?parts=${part}`);
      await expect.poll(blockedHosts).toEqual(['127.0.0.1']);
      await session.close();

      expect(opened.ok).toBe(true);
      expect(internal.connections).toBe(0);
    },
  );
});
