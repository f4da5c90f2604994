import fs from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { C31_SCALE, startC31Site } from '../fixtures/cases/c31.ts';
import type { CaseSite } from '../fixtures/cases/case-site.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';
import { clickByText, expectExactFiles } from '../support/case-assertions.ts';
import { mountSmallDisk, type SmallDisk, usedBytes, writeJunk } from '../support/tmpfs.ts';

const disk: SmallDisk | null = mountSmallDisk(os.tmpdir(), C31_SCALE.diskBytes);
let harness: BrowserHarness;
let site: CaseSite;

beforeAll(async () => {
  if (!disk) return;
  harness = await startBrowserHarness({ WORK_DIR: disk.dir });
  site = await startC31Site();
});
afterAll(async () => {
  await site?.close();
  await harness?.close();
  disk?.unmount();
});

async function downloadExtract() {
  const { runId, session } = await harness.open({ startUrl: site.startUrl });
  await session.open(site.startUrl);
  const result = await clickByText(session, 'Data extract');
  await session.close();
  return { runId, result };
}

// mounting a small disk needs root; without it the case cannot be reproduced here
describe.skipIf(!disk)('C31: a small work disk that earlier runs left half full', () => {
  it('(i) stores the extract and leaves only the old junk behind', async () => {
    writeJunk(disk!.dir, 'old-profile-1', C31_SCALE.junkOk);
    const before = usedBytes(disk!.dir);

    const { runId, result } = await downloadExtract();

    expect(result.errors).toEqual([]);
    expectExactFiles(await harness.files(runId), site.expected);
    expect(usedBytes(disk!.dir)).toBeLessThanOrEqual(before);
    expect(fs.readdirSync(disk!.dir)).toEqual(['old-profile-1']);
  });

  it('(ii) fails with "insufficient disk space" and leaves no partial file', async () => {
    writeJunk(disk!.dir, 'old-profile-2', C31_SCALE.junkFull - C31_SCALE.junkOk);

    const { runId, result } = await downloadExtract();

    expect(result.files.map((f) => f.stored)).toEqual([null]);
    expect(result.files[0].rejected).toMatch(/insufficient disk space/);
    expect(await harness.files(runId)).toEqual([]);
    expect(fs.readdirSync(disk!.dir).sort()).toEqual(['old-profile-1', 'old-profile-2']);
  });

  it('(iii) succeeds again in the same process once space is back, cleaning up after itself', async () => {
    fs.rmSync(`${disk!.dir}/old-profile-2`, { recursive: true });
    const before = usedBytes(disk!.dir);

    const { runId, result } = await downloadExtract();

    expect(result.errors).toEqual([]);
    expectExactFiles(await harness.files(runId), site.expected);
    expect(usedBytes(disk!.dir)).toBeLessThanOrEqual(before);
    expect(fs.readdirSync(disk!.dir)).toEqual(['old-profile-1']);
  });
});
