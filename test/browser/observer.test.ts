import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html, type Site, startSite } from '../fixtures/site.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';

let harness: BrowserHarness;
let site: Site;

const HUGE_DATA_URL = `data:application/octet-stream;base64,${'A'.repeat(300 * 1024)}`;
const MANY_LINKS = Array.from(
  { length: 10_000 },
  (_, i) => `<a href="/item/${i}">Item ${i}</a>`,
).join(' ');

beforeAll(async () => {
  harness = await startBrowserHarness();
  site = await startSite({
    'GET /big': html(
      `<a href="${HUGE_DATA_URL}" download="blob.bin">Huge data link</a> ${MANY_LINKS}`,
    ),
    'GET /widgets': html(`<div id="host"></div><iframe src="/frame"></iframe>
<div role="button" aria-label="Open menu">☰</div><span id="js">Export</span>
<script>
const root = document.getElementById('host').attachShadow({ mode: 'open' });
root.innerHTML = '<button>Shadow action</button>';
document.getElementById('js').addEventListener('click', () => {});
</script>`),
    'GET /frame': html(
      '<label>Amount <input name="amount"></label><select><option>EUR</option><option>USD</option></select>',
    ),
  });
});
afterAll(async () => {
  await site.close();
  await harness.close();
});

describe('page observer', () => {
  it('stays bounded on a page with a 300 KB data: URL and 10,000 links', async () => {
    const { session } = await harness.open({ startUrl: `${site.origin}/big` });
    await session.open(`${site.origin}/big`);

    const observation = await session.observe();
    await session.close();

    expect(observation.truncated).toBe(true);
    expect(observation.elements.length).toBeLessThanOrEqual(300);
    expect(JSON.stringify(observation).length).toBeLessThan(200_000);
    const huge = observation.elements.find((e) => e.download === 'blob.bin');
    expect(huge?.href?.length).toBeLessThanOrEqual(301);
  });

  it('finds elements in frames, open shadow roots, ARIA roles and click handlers', async () => {
    const { session } = await harness.open({ startUrl: `${site.origin}/widgets` });
    await session.open(`${site.origin}/widgets`);

    const observation = await session.observe();
    const amount = observation.elements.find((e) => e.name.includes('Amount'));
    await session.act({ kind: 'fill', element: amount?.id ?? '', value: '12.50' }, 10_000);
    const select = observation.elements.find((e) => e.tag === 'select');
    await session.act({ kind: 'select', element: select?.id ?? '', value: 'USD' }, 10_000);
    const after = await session.observe();
    await session.close();

    const byText = (text: string) =>
      observation.elements.find((e) => e.text === text || e.name === text);
    expect(byText('Shadow action')?.inShadowRoot).toBe(true);
    expect(byText('Open menu')?.role).toBe('button');
    expect(byText('Export')?.tag).toBe('span');
    expect(amount?.frame).toBe('f1');
    expect(select?.options).toEqual(['EUR', 'USD']);
    expect(after.elements.find((e) => e.name.includes('Amount'))?.value).toBe('12.50');
    expect(after.elements.find((e) => e.tag === 'select')?.value).toBe('USD');
  });
});
