import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startC19Site } from '../fixtures/cases/c19.ts';
import { startC20Site } from '../fixtures/cases/c20.ts';
import { startC23Site } from '../fixtures/cases/c23.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';
import { clickByText, expectExactFiles } from '../support/case-assertions.ts';

let harness: BrowserHarness;
beforeAll(async () => {
  harness = await startBrowserHarness();
});
afterAll(() => harness.close());

describe('C19: a cross-origin link whose download name the browser ignores', () => {
  for (const variant of ['webm', 'png', 'html'] as const) {
    it(`stores the file under the download attribute's name (${variant})`, async () => {
      const site = await startC19Site(variant);
      const { runId, session } = await harness.open({ startUrl: site.startUrl });
      await session.open(site.startUrl);

      const result = await clickByText(session, 'Download episode');
      await session.close();

      expect(result.errors).toEqual([]);
      expectExactFiles(await harness.files(runId), site.expected);
      expect(site.sites.cdn.log).toHaveLength(1);
      await site.close();
    });
  }
});

describe('C20: an HTTPS page linking to an HTTP file', () => {
  it('reports the blocked insecure download, then stores the file from the HTTPS mirror', async () => {
    const site = await startC20Site();
    const { runId, session } = await harness.open({ startUrl: site.startUrl });
    await session.open(site.startUrl);

    const direct = await clickByText(session, 'Download tool 3.14');
    const redirected = await clickByText(session, 'Download tool 3.14 (redirect)');
    const mirror = await clickByText(session, 'Mirror (HTTPS)');
    await session.close();

    expect(direct.files.filter((f) => f.stored)).toEqual([]);
    expect(direct.errors.map((e) => e.code)).toContain('download_blocked');
    expect(redirected.files.filter((f) => f.stored)).toEqual([]);
    expect(redirected.errors.map((e) => e.code)).toContain('download_blocked');
    expect(mirror.errors).toEqual([]);
    expectExactFiles(await harness.files(runId), site.expected);
    await site.close();
  });
});

describe('C23: a link inside an iframe sandboxed without allow-downloads', () => {
  it('reports the silent block, and the abandoned URL opened at top level yields q2.pdf', async () => {
    const site = await startC23Site();
    const { runId, session } = await harness.open({ startUrl: site.startUrl });
    await session.open(site.startUrl);

    const observation = await session.observe();
    const blocked = await clickByText(session, 'Q2 report');
    for (const url of blocked.abandonedUrls) await session.act({ kind: 'navigate', url }, 30_000);
    await session.close();

    const widget = observation.frames.find((f) => f.sandbox !== null);
    expect(widget?.sandbox).not.toContain('allow-downloads');
    expect(blocked.files).toEqual([]);
    expect(blocked.errors.map((e) => e.code)).toEqual(['download_blocked']);
    expect(blocked.abandonedUrls).toEqual([`${site.sites.app.origin}/widget/reports/q2.pdf`]);
    expectExactFiles(await harness.files(runId), site.expected);
    expect(site.sites.app.count('GET', '/widget/reports/q2.pdf')).toBeLessThanOrEqual(3);
    await site.close();
  });
});
