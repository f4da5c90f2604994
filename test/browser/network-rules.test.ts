import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html, type Site, startSite } from '../fixtures/site.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';

let harness: BrowserHarness;
let site: Site;

beforeAll(async () => {
  // the deployment default: loopback is not an allowed destination
  harness = await startBrowserHarness({ ALLOW_LOOPBACK: 'false' });
  site = await startSite({ 'GET /': html('<p>Internal page</p>') });
});
afterAll(async () => {
  await site.close();
  await harness.close();
});

describe('network rules of a launched browser', () => {
  it('refuses a loopback start URL through the egress proxy and names the blocked host', async () => {
    const { session } = await harness.open({ startUrl: `${site.origin}/` });

    const result = await session.open(`${site.origin}/`);
    await session.close();

    expect(result.errors.map((e) => e.code)).toContain('blocked_address');
    expect(result.errors.find((e) => e.code === 'blocked_address')?.message).toContain('127.0.0.1');
    expect(site.log).toEqual([]);
  });
});
