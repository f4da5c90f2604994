import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html, type Site, startSite } from '../fixtures/site.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';

let harness: BrowserHarness;
let site: Site;

function pngHeight(png: Buffer): number {
  return png.readUInt32BE(20);
}

beforeAll(async () => {
  harness = await startBrowserHarness();
  site = await startSite({
    'GET /long': html(
      '<div style="height: 10000px; background: linear-gradient(red, blue)">Tall page</div>',
    ),
    'GET /short': html('<p>Short page</p>'),
  });
});
afterAll(async () => {
  await site.close();
  await harness.close();
});

describe('run artifacts', () => {
  it('takes screenshots of the viewport plus max_screenshot_scrolling_times viewports', async () => {
    const { session } = await harness.open({ startUrl: `${site.origin}/long` });
    await session.open(`${site.origin}/long`);

    const viewportOnly = await session.screenshot(0);
    const threeMore = await session.screenshot(3);
    await session.act({ kind: 'navigate', url: `${site.origin}/short` }, 10_000);
    const short = await session.screenshot(3);
    await session.close();

    expect(viewportOnly.subarray(1, 4).toString()).toBe('PNG');
    expect(pngHeight(viewportOnly)).toBe(900);
    expect(pngHeight(threeMore)).toBe(3600);
    expect(pngHeight(short)).toBe(900);
  });

  it('stores the Playwright trace of the session in the bucket when it closes', async () => {
    const { runId, session } = await harness.open({
      startUrl: `${site.origin}/short`,
      tracePart: 2,
    });
    await session.open(`${site.origin}/short`);

    const { traceKey } = await session.close();

    expect(traceKey).toBe(`runs/${runId}/trace-2.zip`);
    const trace = await harness.artifacts.getBytes(traceKey!);
    expect(trace?.subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04'));
    expect(trace!.includes(Buffer.from('trace.trace'))).toBe(true);
  });
});
