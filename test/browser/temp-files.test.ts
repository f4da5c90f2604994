import fs from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededBytes } from '../fixtures/bytes.ts';
import { file, html, type Site, startSite } from '../fixtures/site.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';
import { clickByText } from '../support/case-assertions.ts';
import { directoryBytes, workDirEntries } from '../support/work-dir.ts';

const RUNS = 50;
/** Temp folders other test files make and remove themselves (they may run alongside). */
const OTHERS =
  /^(retriever$|retriever-(test|api|local|process|restart|tls)-|small-disk-|fixture-tls-|external-profile-|registry-|tsx-|vitest|cdk\.out)/;
let harness: BrowserHarness;
let site: Site;

beforeAll(async () => {
  harness = await startBrowserHarness();
  site = await startSite({
    'GET /': html('<a href="/report.bin">Report</a>'),
    'GET /report.bin': file(seededBytes(5, 256 * 1024), {
      'content-type': 'application/octet-stream',
      'content-disposition': 'attachment; filename="report.bin"',
    }),
  });
});
afterAll(async () => {
  await site.close();
  await harness.close();
});

describe('temporary files', () => {
  it(`stay flat over ${RUNS} runs in one process (profiles, downloads, traces removed)`, {
    timeout: 600_000,
  }, async () => {
    const before = new Set(fs.readdirSync(os.tmpdir()));

    for (let run = 0; run < RUNS; run++) {
      const { session } = await harness.open({ startUrl: `${site.origin}/` });
      await session.open(`${site.origin}/`);
      const result = await clickByText(session, 'Report');
      expect(result.files.filter((f) => f.stored)).toHaveLength(1);
      await session.close();
    }

    const added = fs.readdirSync(os.tmpdir()).filter((n) => !before.has(n) && !OTHERS.test(n));
    expect(added).toEqual([]);
    expect(workDirEntries(harness.config.workDir)).toEqual([]);
    expect(directoryBytes(harness.config.workDir)).toBe(0);
    expect(site.count('GET', '/report.bin')).toBe(RUNS);
  });
});
