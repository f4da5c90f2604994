import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html, type Site, startSite } from '../fixtures/site.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';
import { clickByText } from '../support/case-assertions.ts';

const HEADERS = { 'X-Api-Token': 'secret-token-1', Authorization: 'Bearer secret-token-2' };
let harness: BrowserHarness;
let start: Site;
let other: Site;

beforeAll(async () => {
  harness = await startBrowserHarness();
  other = await startSite({
    'GET /page': html('<p>Other origin</p>'),
    'GET /pixel.png': html(''),
    'GET /api': html('{}'),
  });
  start = await startSite({
    'GET /': html(`<img src="${other.origin}/pixel.png"><img src="/to-other-image">
<a href="/next">Next page</a> <a href="/to-other">Leave through a redirect</a>
<a href="${other.origin}/page" target="_blank">Other origin in a new tab</a>
<script>fetch('${other.origin}/api').catch(() => {}); fetch('/same-api');</script>`),
    'GET /next': html('<p>Next</p>'),
    'GET /same-api': html('{}'),
    'GET /to-other': (_req, res) => {
      res.writeHead(302, { location: `${other.origin}/page` });
      res.end();
    },
    'GET /to-other-image': (_req, res) => {
      res.writeHead(302, { location: `${other.origin}/pixel.png?via=redirect` });
      res.end();
    },
  });
});
afterAll(async () => {
  await Promise.all([start.close(), other.close()]);
  await harness.close();
});

describe('extra_http_headers', () => {
  it("reach the start URL's origin and never another origin, redirects included", async () => {
    const { session } = await harness.open({
      startUrl: `${start.origin}/`,
      extraHttpHeaders: HEADERS,
      headersOrigin: start.origin,
    });
    await session.open(`${start.origin}/`);
    await clickByText(session, 'Next page');
    await session.act({ kind: 'back' }, 10_000);
    await clickByText(session, 'Other origin in a new tab');
    await session.act({ kind: 'switch_tab', index: 0 }, 10_000);
    await clickByText(session, 'Leave through a redirect');
    await session.close();

    const leaked = other.log.filter((e) => e.headers['x-api-token'] || e.headers.authorization);
    expect(other.log.length).toBeGreaterThanOrEqual(5);
    expect(leaked).toEqual([]);
    const own = start.log.filter((e) => e.url !== '/favicon.ico');
    expect(own.length).toBeGreaterThanOrEqual(5);
    for (const entry of own) {
      expect(entry.headers['x-api-token']).toBe('secret-token-1');
      expect(entry.headers.authorization).toBe('Bearer secret-token-2');
    }
  });
});
