import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs, chromiumExecutable, playwright } from '../../lib/browser/launcher.ts';
import { inFrame } from '../../lib/browser/observer.ts';
import { isScriptFree } from '../../lib/browser/page-script.ts';
import { file, html, type Site, sleep, startSite } from '../fixtures/site.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';

let harness: BrowserHarness;
let site: Site;

const REPORT = Buffer.from('%PDF-1.7\nquarterly report\n');

/** Pages that can run script in one way or another, and one that cannot. */
const PAGES: Record<string, string> = {
  '/static': '<h1>Reports</h1><a href="/report.pdf">Report</a><form action="/search"></form>',
  '/script': '<h1>Reports</h1><script>1</script>',
  '/handler': '<h1>Reports</h1><button onclick="go()">Export</button>',
  '/handler-upper': '<h1>Reports</h1><div ONMOUSEOVER="go()">Export</div>',
  '/javascript-link': '<a href="JavaScript:go()">Export</a>',
  '/form-action': '<form action="javascript:go()"><button>Go</button></form>',
  '/frame': '<iframe src="/static"></iframe>',
  '/refresh': '<meta http-equiv="Refresh" content="1; url=/report.pdf">',
  '/svg-script': '<svg><script>1</script></svg>',
};

beforeAll(async () => {
  harness = await startBrowserHarness();
  const routes: Parameters<typeof startSite>[0] = {
    'GET /report.pdf': file(REPORT, {
      'content-type': 'application/pdf',
      'content-disposition': 'attachment; filename="report.pdf"',
    }),
    'GET /start': html('<h1>Start</h1><a href="/app">Open the app</a> <a href="/plain">Plain</a>'),
    'GET /plain': html('<h1>Plain page</h1><p>Nothing here runs.</p>'),
    // a single-page app that asks for its data a moment after it has loaded
    'GET /app': html(`<h1>App</h1><ul id="rows"></ul><script>
addEventListener('load', () => setTimeout(async () => {
  const rows = await (await fetch('/api/rows')).json();
  document.getElementById('rows').innerHTML = rows.map((r) => '<li>' + r + '</li>').join('');
}, 150));
</script>`),
    'GET /api/rows': async (_req, res) => {
      await sleep(200);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(['Invoice May 2024']));
    },
  };
  for (const [path, body] of Object.entries(PAGES)) routes[`GET ${path}`] = html(body);
  site = await startSite(routes);
});
afterAll(async () => {
  await site.close();
  await harness.close();
});

describe('pages that run no script', () => {
  it('are told apart from pages with scripts, handlers, script links, frames or a refresh', async () => {
    const browser = await playwright.launch({
      executablePath: await chromiumExecutable(harness.config),
      args: chromiumArgs(null),
    });
    try {
      const page = await browser.newPage();
      const verdicts: Record<string, boolean> = {};
      for (const path of Object.keys(PAGES)) {
        await page.goto(`${site.origin}${path}`, { waitUntil: 'load' });
        verdicts[path] = await inFrame(page.mainFrame(), isScriptFree, null);
      }
      expect(verdicts).toEqual({
        '/static': true,
        '/script': false,
        '/handler': false,
        '/handler-upper': false,
        '/javascript-link': false,
        '/form-action': false,
        '/frame': false,
        '/refresh': false,
        '/svg-script': false,
      });
    } finally {
      await browser.close();
    }
  });

  it('still wait for the data of a scripted page reached from a page without script', async () => {
    const { session } = await harness.open({ startUrl: `${site.origin}/start` });
    await session.open(`${site.origin}/start`);
    const start = await session.observe();
    const link = start.elements.find((e) => e.text === 'Open the app');

    const result = await session.act({ kind: 'click', element: link?.id ?? '' }, 10_000);
    const app = await session.observe();
    await session.close();

    expect(result.ok).toBe(true);
    expect(app.url).toBe(`${site.origin}/app`);
    expect(app.text).toContain('Invoice May 2024');
  });

  it('lead to the next page and to their downloads', async () => {
    const { runId, session } = await harness.open({ startUrl: `${site.origin}/start` });
    await session.open(`${site.origin}/start`);
    const start = await session.observe();
    const plain = start.elements.find((e) => e.text === 'Plain');
    await session.act({ kind: 'click', element: plain?.id ?? '' }, 10_000);
    const next = await session.observe();
    await session.open(`${site.origin}/static`);
    const listing = await session.observe();
    const report = listing.elements.find((e) => e.text === 'Report');

    const result = await session.act(
      { kind: 'click', element: report?.id ?? '', expectDownload: true },
      10_000,
    );
    await session.close();

    expect(next.text).toContain('Plain page');
    expect(result.files.map((f) => f.stored?.filename)).toEqual(['report.pdf']);
    expect((await harness.files(runId)).map((f) => f.filename)).toEqual(['report.pdf']);
  });
});
