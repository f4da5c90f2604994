import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAGIC, seededBytes } from '../fixtures/bytes.ts';
import { makeCsv, makePdf, makeXlsx, makeZip } from '../fixtures/documents.ts';
import { file, html, sleep, startSite } from '../fixtures/site.ts';
import { type LocalApi, startLocalApi } from '../support/local-api.ts';
import { expectCompletedWith, expected, run, withSites } from './helpers.ts';

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api?.close());

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('C01 variants: start URL is itself a file', () => {
  it('V1: query-string script URL, filename* with a space, xlsx', async () => {
    const xlsx = makeXlsx(101, 800);
    const app = await startSite({
      'GET /download': file(xlsx, {
        'content-type': XLSX,
        'content-disposition': `attachment; filename*=UTF-8''Sales%20Report%202024.xlsx`,
      }),
    });
    await withSites([app], async () => {
      const url = `${app.origin}/download?id=42&format=xlsx`;
      const f = await run(api, url, `Fetch the sales report spreadsheet at ${url}`);
      expectCompletedWith(f, [expected('Sales Report 2024.xlsx', xlsx)]);
      expect(app.count('GET', '/download')).toBe(1);
    });
  });

  it('V2: 302 redirect to a gzip with no Content-Disposition, 2 s before headers', async () => {
    const gz = seededBytes(102, 3 * 1024 * 1024, MAGIC.gzip);
    const app = await startSite({
      'GET /latest': (_req, res) => {
        res.writeHead(302, { location: '/dist/archive-1.2.tar.gz' });
        res.end();
      },
      'GET /dist/archive-1.2.tar.gz': async (req, res) => {
        await sleep(2000);
        file(gz, { 'content-type': 'application/gzip' })(req, res);
      },
    });
    await withSites([app], async () => {
      const url = `${app.origin}/latest`;
      const f = await run(api, url, 'grab the latest archive');
      expectCompletedWith(f, [expected('archive-1.2.tar.gz', gz)]);
      expect(app.count('GET', '/dist/archive-1.2.tar.gz')).toBe(1);
    });
  });
});

describe('C02 variants: tiny download completes inside the click', () => {
  it('V1: GET form submit button, 8-byte licence key', async () => {
    const key = seededBytes(201, 8);
    const app = await startSite({
      'GET /': html(
        '<h1>Your licence</h1><form action="/license/key" method="get"><input type="hidden" name="v" value="2"><button type="submit">Download licence key</button></form>',
      ),
      'GET /license/key': file(key, {
        'content-type': 'application/octet-stream',
        'content-disposition': 'attachment; filename="license.key"',
      }),
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/`, 'Get my license key file');
      expectCompletedWith(f, [expected('license.key', key)]);
      // a download that ended before it was watched for is still seen: no wait runs out
      expect(f.run.errors).toEqual([]);
      expect(app.count('GET', '/license/key')).toBe(1);
    });
  });

  it('V2: same-origin <a download> with no Content-Disposition, 1 byte text', async () => {
    const body = Buffer.from('7');
    const app = await startSite({
      'GET /account': html('<p>Account</p><a href="/files/serial.txt" download>Serial number</a>'),
      'GET /files/serial.txt': file(body, { 'content-type': 'text/plain' }),
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/account`, 'Download the serial number.');
      expectCompletedWith(f, [expected('serial.txt', body)]);
      expect(app.count('GET', '/files/serial.txt')).toBe(1);
    });
  });
});

describe('C03 variants: inline PDF opens in the viewer', () => {
  it('V1: JS button to a script URL, inline with unquoted filename', async () => {
    const pdf = makePdf([['Tax form 2023'], ['Page 2']], { title: 'Tax', padTo: 40_000 });
    const app = await startSite({
      'GET /forms': html(`<button onclick="location.href='/doc?id=9'">Open 2023 tax form</button>`),
      'GET /doc': file(pdf, {
        'content-type': 'application/pdf',
        'content-disposition': 'inline; filename=Tax_Form_2023.pdf',
      }),
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/forms`, 'Save the 2023 tax form as PDF');
      expectCompletedWith(f, [expected('Tax_Form_2023.pdf', pdf)]);
    });
  });

  it('V2: no Content-Disposition, extensionless URL path (name gets .pdf from magic)', async () => {
    const pdf = makePdf([['Policy document'], ['Terms']], { title: 'Policy', padTo: 30_000 });
    const app = await startSite({
      'GET /policy': html('<a href="/api/documents/5512/content">Policy document (PDF)</a>'),
      'GET /api/documents/5512/content': file(pdf, { 'content-type': 'application/pdf' }),
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/policy`, 'Download the policy document');
      expectCompletedWith(f, [expected('content.pdf', pdf)]);
    });
  });
});

describe('C04 variants: _blank link to a short-lived presigned URL', () => {
  function cdnFor(objectPath: string, pdf: Buffer, ttl: number) {
    const secret = randomBytes(8).toString('hex');
    const sign = (exp: number) =>
      createHmac('sha256', secret).update(`${objectPath}:${exp}`).digest('hex');
    const handler = (
      req: import('node:http').IncomingMessage,
      res: import('node:http').ServerResponse,
    ) => {
      const u = new URL(req.url ?? '/', 'http://cdn.test');
      const exp = Number(u.searchParams.get('X-Amz-Expires'));
      const ok =
        req.method === 'GET' &&
        u.searchParams.get('X-Amz-Signature') === sign(exp) &&
        exp * 1000 > Date.now();
      if (!ok) {
        res.writeHead(403, { 'content-type': 'application/xml' });
        res.end(
          req.method === 'HEAD'
            ? undefined
            : '<?xml version="1.0"?><Error><Code>AccessDenied</Code></Error>',
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': pdf.length });
      res.end(pdf);
    };
    const signedQuery = () => {
      const exp = Math.floor(Date.now() / 1000) + ttl;
      return `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=${exp}&X-Amz-Signature=${sign(exp)}`;
    };
    return { handler, signedQuery };
  }

  it('V1: window.open button, percent-encoded object name, 30 s validity', async () => {
    const pdf = makePdf([['Q3 results']], { padTo: 25_000 });
    const objectPath = '/reports-bucket/2024/Q3%20Results.pdf';
    const c = cdnFor(objectPath, pdf, 30);
    const cdn = await startSite({ [`* ${objectPath}`]: c.handler });
    const app = await startSite({
      'GET /investors': (req, res) =>
        html(
          `<button onclick="window.open('${cdn.origin}${objectPath}?${c.signedQuery()}', '_blank')">Open Q3 results (PDF)</button>`,
        )(req, res),
    });
    await withSites([app, cdn], async () => {
      const f = await run(api, `${app.origin}/investors`, 'Get the Q3 results PDF');
      expectCompletedWith(f, [expected('Q3 Results.pdf', pdf)]);
    });
  });

  it('V2: _blank link to app URL that 302s to the presigned CDN URL', async () => {
    const pdf = makePdf([['Invoice 123']], { padTo: 18_000 });
    const objectPath = '/b/8f14e45f-ceea-467f-a0e6-invoice-123.pdf';
    const c = cdnFor(objectPath, pdf, 20);
    const cdn = await startSite({ [`* ${objectPath}`]: c.handler });
    const app = await startSite({
      'GET /billing': html(
        '<a class="btn" target="_blank" href="/files/123/download">Invoice #123 ↗</a>',
      ),
      'GET /files/123/download': (_req, res) => {
        res.writeHead(302, { location: `${cdn.origin}${objectPath}?${c.signedQuery()}` });
        res.end();
      },
    });
    await withSites([app, cdn], async () => {
      const f = await run(api, `${app.origin}/billing`, 'Download invoice 123');
      expectCompletedWith(f, [expected('8f14e45f-ceea-467f-a0e6-invoice-123.pdf', pdf)]);
    });
  });
});

describe('C05 variants: download in a popup that closes itself', () => {
  it('V1: POST form with target=_blank', async () => {
    const csv = makeCsv(501, 900);
    const app = await startSite({
      'GET /reports': html(
        '<form method="post" action="/export" target="_blank"><input type="hidden" name="report" value="12"><button>Export report 12 (CSV)</button></form>',
      ),
      'POST /export': async (req, res) => {
        for await (const _ of req) {
        }
        file(csv, {
          'content-type': 'text/csv',
          'content-disposition': 'attachment; filename="report_12.csv"',
        })(req, res);
      },
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/reports`, 'export report 12 as CSV');
      expectCompletedWith(f, [expected('report_12.csv', csv)]);
      expect(app.count('POST', '/export')).toBe(1);
    });
  });

  it('V2: _blank link to a meta-refresh popup that closes after 100 ms, zip', async () => {
    const zip = makeZip([{ name: 'backup/data.bin', data: seededBytes(502, 50_000) }]);
    const app = await startSite({
      'GET /backups': html('<a target="_blank" href="/backup/prepare?id=3">Download backup 3</a>'),
      'GET /backup/prepare': html(
        '<meta http-equiv="refresh" content="0;url=/backup/file?id=3"><p>Your backup is being prepared…</p><script>setTimeout(() => window.close(), 100)</script>',
      ),
      'GET /backup/file': file(zip, {
        'content-type': 'application/zip',
        'content-disposition': 'attachment; filename="Backup_3.zip"',
      }),
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/backups`, 'Download backup number 3');
      expectCompletedWith(f, [expected('Backup_3.zip', zip)]);
    });
  });
});

describe('C07 variants: JS interstitial sets a cookie then redirects; page never loads', () => {
  it('V1: interstitial with a hanging image (load never fires), delayed location.replace', async () => {
    const zip = makeZip([{ name: 'statement.csv', data: makeCsv(701, 400) }]);
    const app = await startSite({
      'GET /account': html(
        '<button onclick="location.href=\'/dl/start?f=statements\'">Download all statements</button>',
      ),
      'GET /dl/start': html(
        `<p>Your download will begin shortly…</p><img src="/slow/banner.png">
<script>document.cookie = "dl_ok=yes-7; path=/"; setTimeout(() => location.replace("/dl/get?f=statements"), 800);</script>`,
      ),
      'GET /slow/banner.png': async (_req, res) => {
        await sleep(120_000);
        res.end();
      },
      'GET /dl/get': (req, res) => {
        if (!(req.headers.cookie ?? '').includes('dl_ok=yes-7')) {
          html('<h1>Session expired</h1>', 403)(req, res);
          return;
        }
        file(zip, {
          'content-type': 'application/zip',
          'content-disposition': 'attachment; filename="statements_all.zip"',
        })(req, res);
      },
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/account`, 'download all my statements');
      expectCompletedWith(f, [expected('statements_all.zip', zip)]);
      expect(f.run.errors).toEqual([]);
    });
  });

  it('V2: cookie set by script, redirect via meta refresh', async () => {
    const pdf = makePdf([['Payslip March']], { padTo: 15_000 });
    const app = await startSite({
      'GET /hr': html('<a href="/payslip/go?m=2024-03">March 2024 payslip</a>'),
      'GET /payslip/go': html(
        '<script>document.cookie="ticket=t-99; path=/"</script><meta http-equiv="refresh" content="1;url=/payslip/file?m=2024-03">',
      ),
      'GET /payslip/file': (req, res) => {
        if (!(req.headers.cookie ?? '').includes('ticket=t-99')) {
          html('<h1>Session expired</h1>', 403)(req, res);
          return;
        }
        file(pdf, {
          'content-type': 'application/pdf',
          'content-disposition': 'attachment; filename="payslip-2024-03.pdf"',
        })(req, res);
      },
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/hr`, 'Get my March 2024 payslip');
      expectCompletedWith(f, [expected('payslip-2024-03.pdf', pdf)]);
    });
  });
});

describe('C08 variants: blob download from an authorised fetch', () => {
  it('V1: XHR responseType blob with X-Auth-Token, revoke and remove synchronously', async () => {
    const json = Buffer.from(
      JSON.stringify({
        rows: Array.from({ length: 3000 }, (_, i) => ({ i, v: (i * 7919) % 1000 })),
      }),
    );
    const token = randomBytes(12).toString('hex');
    const app = await startSite({
      'GET /dash': html(`<button id="b">Export data (JSON)</button><script>
const T = ${JSON.stringify(token)};
document.getElementById('b').onclick = () => {
  const x = new XMLHttpRequest(); x.open('GET', '/api/export'); x.responseType = 'blob';
  x.setRequestHeader('X-Auth-Token', T);
  x.onload = () => { const u = URL.createObjectURL(x.response); const a = document.createElement('a');
    a.href = u; a.download = 'report (final).json'; document.body.appendChild(a); a.click();
    URL.revokeObjectURL(u); a.remove(); };
  x.send();
};</script>`),
      'GET /api/export': (req, res) => {
        if (req.headers['x-auth-token'] !== token) {
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end('{"error":"unauthorized"}');
          return;
        }
        file(json, { 'content-type': 'application/json' })(req, res);
      },
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/dash`, 'Export the data as JSON');
      if (f.run.status === 'completed')
        expectCompletedWith(f, [expected('report (final).json', json)]);
      else expect(f.run.failure_reason, 'a non-completed run must say why').toBeTruthy();
      expect(f.run.status).toBe('completed');
    });
  });

  it('V2: POST fetch with bearer, detached anchor (never appended), binary PNG', async () => {
    const png = seededBytes(802, 60_000, MAGIC.png);
    const tokens = new Set<string>();
    const app = await startSite({
      'GET /charts': (_req, res) => {
        const t = randomBytes(12).toString('hex');
        tokens.add(t);
        html(`<button id="c">Download chart</button><script>
const TOKEN = ${JSON.stringify(t)};
document.getElementById('c').addEventListener('click', async () => {
  const r = await fetch('/api/charts/app2/render', { method: 'POST', headers: { Authorization: 'Bearer ' + TOKEN, 'content-type': 'application/json' }, body: '{"w":800}' });
  const url = URL.createObjectURL(new Blob([await r.arrayBuffer()], { type: 'image/png' }));
  const a = document.createElement('a'); a.href = url; a.download = 'chart-app2.png'; a.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
});</script>`)(_req, res);
      },
      'POST /api/charts/app2/render': async (req, res) => {
        for await (const _ of req) {
        }
        if (!tokens.has((req.headers.authorization ?? '').replace(/^Bearer /, ''))) {
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end('{"error":"unauthorized"}');
          return;
        }
        file(png, { 'content-type': 'image/png' })(req, res);
      },
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/charts`, 'Download the app2 chart image');
      expectCompletedWith(f, [expected('chart-app2.png', png)]);
    });
  });
});
