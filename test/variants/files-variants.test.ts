import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAGIC, seededBytes, sha256 } from '../fixtures/bytes.ts';
import { makeCsv, makePdf, makeZip } from '../fixtures/documents.ts';
import { file, html, sleep, startSite } from '../fixtures/site.ts';
import { selfSignedCert } from '../fixtures/tls.ts';
import { type LocalApi, startLocalApi } from '../support/local-api.ts';
import { describeRun, expectCompletedWith, expected, run, withSites } from './helpers.ts';

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api?.close());

const raw = (value: string) => Buffer.from(value, 'utf8').toString('latin1');

describe('C11 variants: non-ASCII filenames', () => {
  it('V1: lowercase utf-8 charset with language tag, ISO-8859-1 filename*, NFD name, raw UTF-8 Cyrillic', async () => {
    const endpoints = [
      {
        d: `attachment; filename="Otchet.docx"; filename*=utf-8'ru'%D0%9E%D1%82%D1%87%D1%91%D1%82.docx`,
        name: 'Отчёт.docx',
        prefix: MAGIC.zip,
      },
      {
        d: `attachment; filename*=ISO-8859-1''%E9t%E9%202024.txt`,
        name: 'été 2024.txt',
        prefix: Buffer.alloc(0),
      },
      // NFD: e + combining acute; the stored name must be NFC
      {
        d: `attachment; filename*=UTF-8''Cafe%CC%81-Men%C3%BC.csv; filename="Cafe-Menu.csv"`,
        name: 'Café-Menü.csv',
        prefix: Buffer.alloc(0),
      },
      { d: raw('attachment; filename="Счёт №5.pdf"'), name: 'Счёт №5.pdf', prefix: MAGIC.pdf },
    ];
    const routes: Parameters<typeof startSite>[0] = {
      'GET /downloads': html(
        `<h1>Downloads (4)</h1>${endpoints.map((_, i) => `<p><button onclick="location.href='/get/${i + 1}'">File ${i + 1}</button></p>`).join('')}`,
      ),
    };
    const exp = endpoints.map((e, i) => {
      const bytes = seededBytes(1110 + i, 2500 + i * 10, e.prefix);
      routes[`GET /get/${i + 1}`] = (_req, res) => {
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-disposition': e.d,
          'content-length': bytes.length,
        });
        res.end(bytes);
      };
      return { name: e.name.normalize('NFC'), size: bytes.length, sha256: sha256(bytes) };
    });
    const app = await startSite(routes);
    await withSites([app], async () => {
      const f = await run(
        api,
        `${app.origin}/downloads`,
        'Download all 4 files on the downloads page.',
      );
      expectCompletedWith(f, exp);
      for (const x of f.files) expect(x.filename).not.toMatch(/[?%]|=\?/);
    });
  });
});

describe('C13 variants: script-path URLs give useless names', () => {
  it('V1: get.php?file=path and view.jsp with inline unquoted token filename', async () => {
    const annual = makePdf([['Annual report 2023']], { title: 'Report', padTo: 7000 });
    const contract = makePdf([['Contract 42']], { title: 'Report', padTo: 6000 });
    const app = await startSite({
      'GET /docs': html(
        '<ul><li><a href="/get.php?file=reports%2Fannual-2023.pdf&sid=abc">Annual report 2023</a></li><li><a href="/view.jsp?doc=42&mode=inline">Contract 42</a></li></ul>',
      ),
      'GET /get.php': file(annual, { 'content-type': 'application/pdf' }),
      'GET /view.jsp': file(contract, {
        'content-type': 'application/pdf',
        'content-disposition': 'inline; filename=contract_42.pdf',
      }),
    });
    await withSites([app], async () => {
      const f = await run(
        api,
        `${app.origin}/docs`,
        'Download the annual report 2023 and contract 42.',
      );
      expectCompletedWith(f, [
        expected('annual-2023.pdf', annual),
        expected('contract_42.pdf', contract),
      ]);
    });
  });

  it('V2: print.cfm?invoiceNo=N, no Content-Disposition, identical PDF titles: names must contain the id', async () => {
    const ids = ['2001', '2002'];
    const pdfs = new Map(
      ids.map((id) => [
        id,
        makePdf([[`Invoice ${id}`]], { title: 'Invoice', padTo: 5000 + (Number(id) % 10) }),
      ]),
    );
    const app = await startSite({
      'GET /billing': html(
        ids.map((id) => `<p><a href="/print.cfm?invoiceNo=${id}">Invoice ${id}</a></p>`).join(''),
      ),
      'GET /print.cfm': (req, res) => {
        const id = new URL(req.url ?? '/', 'http://x').searchParams.get('invoiceNo') ?? '';
        file(pdfs.get(id)!, { 'content-type': 'application/pdf' })(req, res);
      },
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/billing`, 'Download invoices 2001 and 2002');
      expect(f.run.status, describeRun(f)).toBe('completed');
      expect(f.files).toHaveLength(2);
      for (const id of ids) {
        const got = f.files.find((x) => x.sha256 === sha256(pdfs.get(id)!));
        expect(got, `invoice ${id} stored`).toBeTruthy();
        expect(got!.filename).toMatch(/\.pdf$/);
        expect(got!.filename).toContain(id);
        expect(got!.filename).not.toMatch(/^print\.cfm/);
      }
    });
  });
});

describe('C15 variants: one click, many files', () => {
  it('V2: window.open per file after a fetch (popup blocker for 2..N)', async () => {
    const files: Record<string, { bytes: Buffer; type: string }> = {
      'jan.csv': { bytes: makeCsv(1511, 100), type: 'text/csv' },
      'feb.csv': { bytes: makeCsv(1512, 120), type: 'text/csv' },
      'mar.csv': { bytes: makeCsv(1513, 140), type: 'text/csv' },
    };
    const routes: Parameters<typeof startSite>[0] = {
      'GET /q1':
        html(`<h2>Q1 exports: 3 files</h2><button id="go">Download Q1 exports</button><script>
document.getElementById('go').addEventListener('click', async () => {
  const names = await (await fetch('/api/q1')).json();
  for (const n of names) window.open('/export/' + n, '_blank');
});</script>`),
      'GET /api/q1': async (_req, res) => {
        await sleep(300);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(Object.keys(files)));
      },
    };
    for (const [n, f] of Object.entries(files)) {
      routes[`GET /export/${n}`] = file(f.bytes, {
        'content-type': f.type,
        'content-disposition': `attachment; filename="${n}"`,
      });
    }
    const app = await startSite(routes);
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/q1`, 'Download the three Q1 export files');
      expectCompletedWith(
        f,
        Object.entries(files).map(([n, x]) => expected(n, x.bytes)),
      );
    });
  });
});

describe('C16 variants: large file, long wait before the first byte', () => {
  it('V1: POST form, 8 s before headers, 40 MB chunked (no Content-Length)', async () => {
    const size = 40 * 1024 * 1024;
    const { seededStream, seededSha256 } = await import('../fixtures/bytes.ts');
    const { send } = await import('../fixtures/stream-body.ts');
    const app = await startSite({
      'GET /tools': html(
        '<form method="post" action="/archive/build"><button>Generate archive</button></form>',
      ),
      'POST /archive/build': async (req, res) => {
        for await (const _ of req) {
        }
        await sleep(8000);
        res.writeHead(200, {
          'content-type': 'application/x-tar',
          'content-disposition': 'attachment; filename="export.tar"',
        });
        await send(res, seededStream(1601, size));
      },
    });
    await withSites([app], async () => {
      const f = await run(
        api,
        `${app.origin}/tools`,
        'Generate and download the archive',
        {},
        150_000,
      );
      expectCompletedWith(f, [
        { name: 'export.tar', size, sha256: await seededSha256(1601, size) },
      ]);
      expect(app.count('POST', '/archive/build')).toBe(1);
    });
  }, 170_000);
});

describe('C19 variants: cross-origin <a download> ignored', () => {
  it('V1: cross-origin PDF with download="Handbook 2024.pdf"', async () => {
    const pdf = makePdf([['Handbook']], { padTo: 20_000 });
    const cdn = await startSite({
      'GET /o/5f1e0c1a9b': file(pdf, { 'content-type': 'application/pdf' }),
    });
    const app = await startSite({
      'GET /hr': html(
        `<a href="${cdn.origin}/o/5f1e0c1a9b" download="Handbook 2024.pdf">Employee handbook</a>`,
      ),
    });
    await withSites([app, cdn], async () => {
      const f = await run(api, `${app.origin}/hr`, 'Get the employee handbook');
      expectCompletedWith(f, [expected('Handbook 2024.pdf', pdf)]);
    });
  });

  it('V2: cross-origin JSON (renders in tab) with download="config.json"', async () => {
    const json = Buffer.from(
      JSON.stringify({ version: 3, keys: seededBytes(1902, 200).toString('base64') }),
    );
    const cdn = await startSite({
      'GET /blobs/a7c1e2d4-0000-4c1a-9d1a-111111111111': file(json, {
        'content-type': 'application/json',
      }),
    });
    const app = await startSite({
      'GET /settings': html(
        `<a href="${cdn.origin}/blobs/a7c1e2d4-0000-4c1a-9d1a-111111111111" download="config.json">Download configuration</a>`,
      ),
    });
    await withSites([app, cdn], async () => {
      const f = await run(api, `${app.origin}/settings`, 'download the configuration file');
      expectCompletedWith(f, [expected('config.json', json)]);
    });
  });
});

describe('C20 variants: HTTPS page to HTTP file is blocked', () => {
  it('V1: JS button to http file first, https alternative labelled differently, tar.gz', async () => {
    const gz = seededBytes(2001, 40_000, MAGIC.gzip);
    const serve = file(gz, {
      'content-type': 'application/gzip',
      'content-disposition': 'attachment; filename="agent-2.0.tar.gz"',
    });
    const tls = selfSignedCert();
    const dl = await startSite({ 'GET /agent-2.0.tar.gz': serve });
    const alt = await startSite({ 'GET /pub/agent-2.0.tar.gz': serve }, { tls });
    const secure = await startSite(
      {
        'GET /download': html(`<h1>Agent 2.0</h1>
<button onclick="location.href='${dl.origin}/agent-2.0.tar.gz'">Download agent 2.0</button>
<p>Having trouble? <a href="${alt.origin}/pub/agent-2.0.tar.gz">Alternative download (secure)</a></p>`),
      },
      { tls },
    );
    await withSites([secure, dl, alt], async () => {
      const f = await run(api, `${secure.origin}/download`, 'Download agent 2.0');
      expectCompletedWith(f, [expected('agent-2.0.tar.gz', gz)]);
      // only when the primary (insecure) link was tried must the block be recorded
      if (dl.log.length > 0 || JSON.stringify(f.run).includes(dl.origin)) {
        expect(JSON.stringify(f.run.errors), 'the blocked primary is recorded').toMatch(/block/i);
      }
    });
  });

  it('V2: only an insecure path (https redirect to http), no mirror: never a success without the file', async () => {
    const zip = makeZip([{ name: 'x', data: seededBytes(2002, 5000) }]);
    const tls = selfSignedCert();
    const dl = await startSite({
      'GET /pkg.zip': file(zip, {
        'content-type': 'application/zip',
        'content-disposition': 'attachment; filename="pkg.zip"',
      }),
    });
    const secure = await startSite(
      {
        'GET /pkg': html('<a href="/go/pkg">Download the package</a>'),
        'GET /go/pkg': (_req, res) => {
          res.writeHead(301, { location: `${dl.origin}/pkg.zip` });
          res.end();
        },
      },
      { tls },
    );
    await withSites([secure, dl], async () => {
      const f = await run(api, `${secure.origin}/pkg`, 'Download the package');
      if (f.run.status === 'completed') {
        expectCompletedWith(f, [expected('pkg.zip', zip)]);
      } else {
        expect(f.files, describeRun(f)).toEqual([]);
        expect(f.run.failure_reason, describeRun(f)).toMatch(/block|insecure|http:|mixed/i);
      }
    });
  });
});
