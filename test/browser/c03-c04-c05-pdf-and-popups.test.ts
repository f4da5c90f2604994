import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startC03Site } from '../fixtures/cases/c03.ts';
import { startC04Site } from '../fixtures/cases/c04.ts';
import { startC05Site } from '../fixtures/cases/c05.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';
import { clickByText, expectExactFiles, followAbandoned } from '../support/case-assertions.ts';

let harness: BrowserHarness;
beforeAll(async () => {
  harness = await startBrowserHarness();
});
afterAll(() => harness.close());

describe('C03: a PDF served inline', () => {
  for (const variant of ['A', 'B'] as const) {
    it(`stores the server's PDF bytes under the site's name (variant ${variant})`, async () => {
      const site = await startC03Site(variant);
      const { runId, session } = await harness.open({ startUrl: site.startUrl });
      await session.open(site.startUrl);

      const result = await clickByText(session, 'May 2024 statement');
      await session.close();

      expect(result.errors).toEqual([]);
      expectExactFiles(await harness.files(runId), site.expected);
      expect(site.sites.app.count('GET', '/files/stmt-2024-05.pdf')).toBe(1);
      await site.close();
    });
  }
});

describe('C04: a target=_blank link to a presigned URL on another origin', () => {
  it('stores the PDF under the object name without the query, fetched once with GET', async () => {
    const site = await startC04Site();
    const { runId, session } = await harness.open({ startUrl: site.startUrl });
    await session.open(site.startUrl);

    const result = await clickByText(session, 'View / download PDF');
    const after = await session.observe();
    const scrolled = await session.act({ kind: 'scroll', direction: 'down' }, 20_000);
    await session.close();

    // the popup only downloaded: the session stays on the page that has content
    expect(after.url).toBe(site.startUrl);
    expect(scrolled.ok).toBe(true);
    expect(result.errors).toEqual([]);
    expectExactFiles(await harness.files(runId), site.expected);
    expect(site.sites.cdn.log.map((entry) => entry.method)).toEqual(['GET']);
    await site.close();
  });
});

describe('C05: a download that starts in a tab which closes itself', () => {
  for (const variant of ['A', 'B', 'C'] as const) {
    it(`captures Report_7.xlsx from the popup (variant ${variant})`, async () => {
      const site = await startC05Site(variant);
      const { runId, session } = await harness.open({ startUrl: site.startUrl });
      await session.open(site.startUrl);

      const result = await clickByText(session, 'Export to Excel');
      const errors = await followAbandoned(session, result);
      await session.close();

      expect(errors).toEqual([]);
      expectExactFiles(await harness.files(runId), site.expected);
      expect(site.sites.app.count('GET', '/export/excel')).toBeLessThanOrEqual(2);
      await site.close();
    });
  }
});
