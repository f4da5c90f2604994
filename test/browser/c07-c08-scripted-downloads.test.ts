import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startC07Site } from '../fixtures/cases/c07.ts';
import { startC08Site } from '../fixtures/cases/c08.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';
import { clickByText, expectExactFiles } from '../support/case-assertions.ts';

let harness: BrowserHarness;
beforeAll(async () => {
  harness = await startBrowserHarness();
});
afterAll(() => harness.close());

describe('C07: a JS interstitial that sets a cookie and redirects to the file', () => {
  it('stores the invoice and reports no load-state error', async () => {
    const site = await startC07Site();
    const { runId, session } = await harness.open({ startUrl: site.startUrl });
    await session.open(site.startUrl);
    const started = Date.now();

    const result = await clickByText(session, 'Latest invoice');
    await session.close();

    expect(result.ok).toBe(true);
    expect(result.errors).toEqual([]);
    expect(Date.now() - started).toBeLessThan(15_000);
    expectExactFiles(await harness.files(runId), site.expected);
    expect(site.sites.app.count('GET', '/invoice/latest.pdf')).toBe(1);
    await site.close();
  });
});

describe('C08: a blob download built from an authorised fetch', () => {
  for (const variant of ['A', 'B', 'C'] as const) {
    it(`stores analysis-app1.csv with the API's bytes (variant ${variant})`, async () => {
      const site = await startC08Site(variant);
      const { runId, session } = await harness.open({ startUrl: site.startUrl });
      await session.open(site.startUrl);

      const result = await clickByText(session, 'Download analysis');
      await session.close();

      expect(result.errors).toEqual([]);
      expectExactFiles(await harness.files(runId), site.expected);
      expect(site.sites.app.count('GET', '/api/analysis/app1')).toBe(1);
      await site.close();
    });
  }
});
