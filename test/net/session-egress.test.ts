import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunError } from '../../lib/contracts/run.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';
import { type Listener, startListener } from './support/listener.ts';

/**
 * Run browser sessions (the product's, launched with their own egress proxy) under rules that
 * refuse loopback: 127.0.0.2 plays an allowed public site, the blocked target is a listener on
 * 127.0.0.1.
 */
let harness: BrowserHarness;
let internal: Listener;
let site: Listener;

beforeAll(async () => {
  harness = await startBrowserHarness({
    ALLOW_LOOPBACK: 'false',
    ALLOWED_PRIVATE_HOSTS: '127.0.0.2',
  });
  internal = await startListener('127.0.0.1');
  site = await startListener('127.0.0.2', (request, response) => {
    const blocked = `127.0.0.1:${internal.port}`;
    const parts: Record<string, string> = {
      img: `<img src="http://${blocked}/pixel.png">`,
      iframe: `<iframe src="http://${blocked}/frame"></iframe>`,
      ws: `<script>new WebSocket('ws://${blocked}/socket')</script>`,
      popup: `<script>window.open('http://2130706433:${internal.port}/popup')</script>`,
      named: `<img src="http://localhost:${internal.port}/pixel.png">`,
    };
    const wanted = new URL(request.url ?? '/', 'http://x').searchParams.get('parts') ?? '';
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(
      `<title>allowed</title>${wanted
        .split(',')
        .map((p) => parts[p] ?? '')
        .join('')}`,
    );
  });
});

afterAll(async () => {
  await harness?.close();
  await internal?.close();
  await site?.close();
});

/** Process ids of the Chromium processes this test process started. */
function chromiumChildren(): { pid: string; args: string[] }[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const parent = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
        const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
        return parent === String(process.pid) && /chrom/i.test(args[0] ?? '')
          ? [{ pid, args }]
          : [];
      } catch {
        return [];
      }
    });
}

const blockedMessages = (errors: Omit<RunError, 'step'>[]) =>
  errors.filter((error) => error.code === 'blocked_address').map((error) => error.message);

describe('a run browser and the network rules', () => {
  it('runs without --disable-web-security, with all traffic sent to its egress proxy', async () => {
    const { session } = await harness.open();

    const [browser] = chromiumChildren();
    await session.close();

    expect(browser.args).not.toContain('--disable-web-security');
    expect(browser.args).not.toContain('--allow-running-insecure-content');
    expect(browser.args).toContainEqual(
      expect.stringMatching(/^--proxy-server=http:\/\/127\.0\.0\.1:\d+$/),
    );
    expect(browser.args).toContain('--proxy-bypass-list=<-loopback>');
    expect(browser.args).toContain('--force-webrtc-ip-handling-policy=disable_non_proxied_udp');
  });

  it.each([
    ['http://127.0.0.1:{port}/', '127.0.0.1'],
    ['http://2130706433:{port}/', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]:{port}/', '::ffff:7f00:1'],
    ['http://localhost:{port}/', 'localhost'],
  ])('names the host of the blocked start URL %s in the errors', async (template, host) => {
    const { session } = await harness.open();

    const result = await session.open(template.replace('{port}', String(internal.port)));
    await session.close();

    expect(blockedMessages(result.errors)).toEqual([
      expect.stringContaining(`Blocked by the network rules: ${host} (`),
    ]);
    expect(internal.connections).toBe(0);
  });

  it.each([
    ['img', 'an image', '127.0.0.1'],
    ['iframe', 'an iframe', '127.0.0.1'],
    ['ws', 'a WebSocket', '127.0.0.1'],
    ['popup', 'a popup (numeric IPv4 form)', '127.0.0.1'],
    ['named', 'an image on http://localhost, named as the page wrote it', 'localhost'],
  ])('reports %s: %s of an allowed page that leads to a blocked host', async (part, _, host) => {
    const { session } = await harness.open();
    const messages: string[] = [];

    const opened = await session.open(`http://127.0.0.2:${site.port}/?parts=${part}`);
    messages.push(...blockedMessages(opened.errors));
    await expect
      .poll(async () => {
        messages.push(...blockedMessages((await session.settle(200)).errors));
        return messages.length;
      })
      .toBeGreaterThan(0);
    await session.close();

    expect(opened.ok).toBe(true);
    expect(messages).toEqual([expect.stringContaining(`Blocked by the network rules: ${host} (`)]);
    expect(internal.connections).toBe(0);
  });
});
