import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddressPolicyFromConfig } from '../../lib/net/address-policy.ts';
import { type EgressProxy, startEgressProxy } from '../../lib/net/egress-proxy.ts';
import { html, type Site, startSite } from '../fixtures/site.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';

let harness: BrowserHarness;
let site: Site;
let proxy: EgressProxy;

beforeAll(async () => {
  // the deployment default: loopback is not an allowed destination
  harness = await startBrowserHarness({ ALLOW_LOOPBACK: 'false' });
  site = await startSite({ 'GET /': html('<p>Internal page</p>') });
  proxy = await startEgressProxy({ policy: createAddressPolicyFromConfig(harness.config) });
});
afterAll(async () => {
  await proxy.close();
  await site.close();
  await harness.close();
});

describe('a launched browser and its egress proxy', () => {
  it('sends every request, loopback included, through the proxy, which refuses it', async () => {
    const { session } = await harness.open({ startUrl: `${site.origin}/`, proxyUrl: proxy.url });

    await session.open(`${site.origin}/`);
    await session.close();

    expect(proxy.blocked().map((b) => b.host)).toEqual(['127.0.0.1']);
    expect(site.log).toEqual([]);
  });
});
