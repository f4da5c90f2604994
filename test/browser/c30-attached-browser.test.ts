import fs from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startC30Site } from '../fixtures/cases/c30.ts';
import type { CaseSite } from '../fixtures/cases/case-site.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';
import { clickByText, expectExactFiles } from '../support/case-assertions.ts';
import { type ExternalBrowser, launchExternalBrowser } from '../support/external-browser.ts';
import { workDirEntries } from '../support/work-dir.ts';

let harness: BrowserHarness;
let site: CaseSite;
let external: ExternalBrowser;

beforeAll(async () => {
  harness = await startBrowserHarness();
  site = await startC30Site();
  external = await launchExternalBrowser(site.startUrl);
});
afterAll(async () => {
  await external.close();
  await site.close();
  await harness.close();
});

describe('C30: downloads from a browser the service attaches to (browser_address)', () => {
  it('captures every download and leaves the browser running with its tabs', async () => {
    const tabsBefore = (await external.tabs()).filter((t) => t.type === 'page');
    const { runId, session } = await harness.open({ browserAddress: external.address });

    const start = await session.observe();
    const report = await clickByText(session, 'Report PDF');
    const annex = await clickByText(session, 'Annex');
    await session.act({ kind: 'switch_tab', index: 0 }, 10_000);
    const summary = await clickByText(session, 'Summary CSV');
    await session.close();

    expect(start.url).toBe(site.startUrl);
    expect([...report.errors, ...annex.errors, ...summary.errors]).toEqual([]);
    expectExactFiles(await harness.files(runId), site.expected);
    expect(external.alive()).toBe(true);
    const tabsAfter = (await external.tabs()).filter((t) => t.type === 'page');
    expect(tabsAfter.map((t) => t.url)).toContain(tabsBefore[0].url);
    expect(fs.readdirSync(external.profileDir)).not.toContain('Downloads');
    expect(workDirEntries(harness.config.workDir)).toEqual([]);
    const leftovers = fs
      .readdirSync(os.tmpdir())
      .filter((n) => n.startsWith('playwright-artifacts'));
    expect(leftovers).toEqual([]);
  });
});
