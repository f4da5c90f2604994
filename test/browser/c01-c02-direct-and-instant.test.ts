import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startC01Site } from '../fixtures/cases/c01.ts';
import { startC02Site } from '../fixtures/cases/c02.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';
import { clickByText, expectExactFiles } from '../support/case-assertions.ts';

let harness: BrowserHarness;
beforeAll(async () => {
  harness = await startBrowserHarness();
});
afterAll(() => harness.close());

describe('C01: a start URL that is itself a file', () => {
  for (const variant of ['A', 'B', 'C'] as const) {
    it(`captures the file when the navigation turns into a download (variant ${variant})`, async () => {
      const site = await startC01Site(variant);
      const { runId, session } = await harness.open({ startUrl: site.startUrl });

      const result = await session.open(site.startUrl);
      await session.close();

      expect(result.ok).toBe(true);
      expect(result.errors).toEqual([]);
      expectExactFiles(await harness.files(runId), site.expected);
      expect(site.sites.app.log).toHaveLength(1);
      await site.close();
    });
  }
});

describe('C02: a download that completes inside the click', () => {
  for (const label of ['Get activation code', 'Get code (JS)']) {
    it(`stores code.txt once without a second request (${label})`, async () => {
      const site = await startC02Site();
      const { runId, session } = await harness.open({ startUrl: site.startUrl });
      await session.open(site.startUrl);

      const result = await clickByText(session, label);
      await session.close();

      expect(result.ok).toBe(true);
      expect(result.errors).toEqual([]);
      expect(result.files.map((f) => f.stored?.filename)).toEqual(['code.txt']);
      expectExactFiles(await harness.files(runId), site.expected);
      expect(site.sites.app.count('GET', '/tiny.txt')).toBe(1);
      await site.close();
    });
  }
});
