import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { C29_NAV_TEXT, startC29Site } from '../fixtures/cases/c29.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';
import { clickByText } from '../support/case-assertions.ts';
import { pdfText } from '../support/pdf-text.ts';

let harness: BrowserHarness;
beforeAll(async () => {
  harness = await startBrowserHarness();
});
afterAll(() => harness.close());

describe('C29: a receipt that can only be printed', () => {
  for (const [variant, label] of [
    ['A', 'Print receipt'],
    ['B', 'Print'],
  ] as const) {
    it(`saves the printed receipt as a PDF with print styles (variant ${variant})`, async () => {
      const site = await startC29Site(variant);
      const { runId, session } = await harness.open({ startUrl: site.startUrl });
      await session.open(site.startUrl);

      const click = await clickByText(session, label);
      const observation = await session.observe();
      const printed = await session.act(
        { kind: 'print_pdf', filename: 'ORD-48213-receipt' },
        30_000,
      );
      await session.close();

      expect(click.ok).toBe(true);
      expect(observation.printRequested).toBe(true);
      expect(printed.errors).toEqual([]);
      const run = await harness.runs.get(runId);
      expect(run?.files.map((f) => f.filename)).toEqual(['ORD-48213-receipt.pdf']);
      const bytes = (await harness.artifacts.getBytes(run!.files[0].key))!;
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
      const { pages, text } = await pdfText(bytes);
      expect(pages).toBeGreaterThanOrEqual(1);
      expect(text).toContain('ORD-48213');
      expect(text).toContain('Total: $123.45');
      expect(text).not.toContain(C29_NAV_TEXT);
      await site.close();
    });
  }
});
