import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededBytes, sha256 } from '../fixtures/bytes.ts';
import { file, html, type Site, startSite } from '../fixtures/site.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';
import { clickByText } from '../support/case-assertions.ts';

const small = seededBytes(41, 2000);
const other = seededBytes(42, 3000);
const large = seededBytes(43, 9000);
let harness: BrowserHarness;
let site: Site;

beforeAll(async () => {
  harness = await startBrowserHarness({ MAX_FILE_BYTES: '8000', MAX_RUN_FILES: '2' });
  const attachment = (bytes: Buffer, name: string) =>
    file(bytes, {
      'content-type': 'text/plain',
      'content-disposition': `attachment; filename="${name}"`,
    });
  site = await startSite({
    'GET /': html(`<a href="/a">First copy</a> <a href="/b">Second copy</a>
<a href="/c">Other notes</a> <a href="/d">Large notes</a> <a href="/e">Third file</a>`),
    'GET /a': attachment(small, 'notes.txt'),
    'GET /b': attachment(small, 'notes.txt'),
    'GET /c': attachment(other, 'notes.txt'),
    'GET /d': attachment(large, 'large.txt'),
    'GET /e': attachment(seededBytes(44, 100), 'third.txt'),
  });
});
afterAll(async () => {
  await site.close();
  await harness.close();
});

describe('run files', () => {
  it('stores the same bytes once, numbers colliding names, and enforces the limits', async () => {
    const { runId, session } = await harness.open({ startUrl: `${site.origin}/` });
    await session.open(`${site.origin}/`);

    const first = await clickByText(session, 'First copy');
    const again = await clickByText(session, 'Second copy');
    const renamed = await clickByText(session, 'Other notes');
    const tooLarge = await clickByText(session, 'Large notes');
    const overCount = await clickByText(session, 'Third file');
    await session.close();

    expect(first.files[0].stored?.filename).toBe('notes.txt');
    expect(again.files[0]).toMatchObject({ stored: null, duplicate: true, rejected: null });
    expect(renamed.files[0].stored?.filename).toBe('notes_1.txt');
    expect(tooLarge.files[0].rejected).toMatch(/over the limit of 8000 bytes per file/);
    expect(overCount.files[0].rejected).toMatch(/already has 2 files/);
    expect(await harness.files(runId)).toEqual([
      { filename: 'notes.txt', size: small.length, sha256: sha256(small) },
      { filename: 'notes_1.txt', size: other.length, sha256: sha256(other) },
    ]);
  });

  it('names stored files with download_suffix', async () => {
    const { runId, session } = await harness.open({
      startUrl: `${site.origin}/`,
      downloadSuffix: 'invoice-2024',
    });
    await session.open(`${site.origin}/`);

    await clickByText(session, 'First copy');
    await session.close();

    expect((await harness.files(runId)).map((f) => f.filename)).toEqual(['invoice-2024.txt']);
  });
});
