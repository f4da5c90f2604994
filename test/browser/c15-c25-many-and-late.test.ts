import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startC15Site } from '../fixtures/cases/c15.ts';
import { startC25Site } from '../fixtures/cases/c25.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';
import { clickByText, expectExactFiles } from '../support/case-assertions.ts';

let harness: BrowserHarness;
beforeAll(async () => {
  harness = await startBrowserHarness();
});
afterAll(() => harness.close());

describe('C15: one click that fires several downloads', () => {
  for (const variant of ['A', 'B'] as const) {
    it(`stores every selected file from one click (variant ${variant})`, async () => {
      const site = await startC15Site(variant);
      const { runId, session } = await harness.open({ startUrl: site.startUrl });
      await session.open(site.startUrl);

      const result = await clickByText(session, 'Download selected');
      const settled = await session.settle(30_000);
      await session.close();

      expect([...result.errors, ...settled.errors]).toEqual([]);
      expectExactFiles(await harness.files(runId), site.expected);
      for (const name of ['a.csv', 'b.pdf', 'c.png']) {
        expect(site.sites.app.count('GET', `/file/${name}`)).toBe(1);
      }
      await site.close();
    });
  }

  it('reports the navigations the page cancelled, and opening them yields every file (variant C)', async () => {
    const site = await startC15Site('C');
    const { runId, session } = await harness.open({ startUrl: site.startUrl });
    await session.open(site.startUrl);

    const result = await clickByText(session, 'Download selected');
    const abandoned = result.abandonedUrls.map((url) => new URL(url).pathname).sort();
    for (const url of result.abandonedUrls) {
      const opened = await session.act({ kind: 'navigate', url }, 30_000);
      expect(opened.errors).toEqual([]);
    }
    await session.close();

    expect(abandoned).toEqual(['/file/a.csv', '/file/b.pdf']);
    expectExactFiles(await harness.files(runId), site.expected);
    expect(site.sites.app.count('GET', '/file/c.png')).toBe(1);
    await site.close();
  });
});

describe('C25: an export whose download starts seconds after the click', () => {
  it('waits for the export within the click and stores exactly one file', async () => {
    const site = await startC25Site();
    const { runId, session } = await harness.open({ startUrl: site.startUrl });
    await session.open(site.startUrl);

    const result = await clickByText(session, 'Export to Excel');
    await session.close();

    expect(result.errors).toEqual([]);
    expect(result.files).toHaveLength(1);
    expectExactFiles(await harness.files(runId), site.expected);
    expect(site.sites.app.count('POST', '/api/users/export')).toBe(1);
    await site.close();
  });
});
