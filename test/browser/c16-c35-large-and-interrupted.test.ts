import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { C16_SCALE, startC16Site } from '../fixtures/cases/c16.ts';
import { startC35Site } from '../fixtures/cases/c35.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';
import { clickByText, expectExactFiles } from '../support/case-assertions.ts';
import { workDirEntries } from '../support/work-dir.ts';

const LONG_MS = C16_SCALE.delayMs + 240_000;
let harness: BrowserHarness;
beforeAll(async () => {
  harness = await startBrowserHarness();
});
afterAll(() => harness.close());

describe('C16: a large archive whose first byte comes after a long wait', () => {
  it('waits for the download to start and to finish within the click', {
    timeout: LONG_MS,
  }, async () => {
    const site = await startC16Site('bundle');
    const { runId, session } = await harness.open({ startUrl: site.startUrl });
    await session.open(site.startUrl);

    const result = await clickByText(session, 'Download everything', { timeoutMs: LONG_MS });
    await session.close();

    expect(result.errors).toEqual([]);
    expect(result.pendingDownloads).toBe(0);
    expectExactFiles(await harness.files(runId), site.expected);
    expect(site.sites.app.count('GET', '/bundle.zip')).toBe(1);
    expect(workDirEntries(harness.config.workDir)).toEqual([]);
    await site.close();
  });

  it('stores a large file given as the start URL', { timeout: LONG_MS }, async () => {
    const site = await startC16Site('video');
    const { runId, session } = await harness.open({ startUrl: site.startUrl });

    const result = await session.open(site.startUrl);
    await session.close();

    expect(result.errors).toEqual([]);
    expectExactFiles(await harness.files(runId), site.expected);
    await site.close();
  });
});

describe('C35: downloads cut short', () => {
  it('finishes the download after the page navigated away (A)', { timeout: LONG_MS }, async () => {
    const site = await startC35Site('A');
    const { runId, session } = await harness.open({ startUrl: site.startUrl });
    await session.open(site.startUrl);

    const result = await clickByText(session, 'Download archive.7z', { timeoutMs: LONG_MS });
    const settled = await session.settle(LONG_MS);
    await session.close();

    expect([...result.errors, ...settled.errors]).toEqual([]);
    expectExactFiles(await harness.files(runId), site.expected);
    expect(workDirEntries(harness.config.workDir)).toEqual([]);
    await site.close();
  });

  it('fetches a reset download once more within the link budget (B)', {
    timeout: LONG_MS,
  }, async () => {
    const site = await startC35Site('B');
    const { runId, session } = await harness.open({ startUrl: site.startUrl });
    await session.open(site.startUrl);

    const result = await clickByText(session, 'Download archive.7z', { timeoutMs: LONG_MS });
    const settled = await session.settle(LONG_MS);
    await session.close();

    const errors = [...result.errors, ...settled.errors];
    expect(errors.map((e) => e.code)).toEqual(['download_interrupted']);
    expectExactFiles(await harness.files(runId), site.expected);
    expect(site.sites.app.count('GET', '/flaky/archive.7z')).toBeLessThanOrEqual(3);
    expect(workDirEntries(harness.config.workDir)).toEqual([]);
    await site.close();
  });
});
