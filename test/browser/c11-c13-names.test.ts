import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startC11Site } from '../fixtures/cases/c11.ts';
import { C13_IDS, startC13Site } from '../fixtures/cases/c13.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';
import { clickByText, expectExactFiles } from '../support/case-assertions.ts';

let harness: BrowserHarness;
beforeAll(async () => {
  harness = await startBrowserHarness();
});
afterAll(() => harness.close());

describe('C11: non-ASCII names in Content-Disposition', () => {
  it('stores the five documents under their exact Unicode names', async () => {
    const site = await startC11Site();
    const { runId, session } = await harness.open({ startUrl: site.startUrl });
    await session.open(site.startUrl);

    for (let i = 1; i <= 5; i++) {
      const result = await clickByText(session, `Document ${i}`);
      expect(result.errors).toEqual([]);
    }
    await session.close();

    const files = await harness.files(runId);
    expectExactFiles(files, site.expected);
    for (const f of files) expect(f.filename).not.toMatch(/\?|%|=\?/);
    await site.close();
  });
});

describe('C13: documents behind script URLs', () => {
  for (const variant of ['A', 'B'] as const) {
    it(`gives each PDF a distinct .pdf name from the site (variant ${variant})`, async () => {
      const site = await startC13Site(variant);
      const { runId, session } = await harness.open({ startUrl: site.startUrl });
      await session.open(site.startUrl);

      for (const label of [...C13_IDS.map((id) => `Invoice ${id}`), 'Nice document']) {
        const result = await clickByText(session, label);
        expect(result.errors).toEqual([]);
      }
      await session.close();

      const files = await harness.files(runId);
      expectExactFiles(files, site.expected);
      for (const id of C13_IDS) expect(files.some((f) => f.filename.includes(id))).toBe(true);
      expect(files.map((f) => f.filename)).not.toContain('invoices.php');
      await site.close();
    });
  }
});
