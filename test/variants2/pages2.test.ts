import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAGIC, seededBytes } from '../fixtures/bytes.ts';
import { makeCsv, makePdf, makeXlsx, makeZip } from '../fixtures/documents.ts';
import { file, html, sleep, startSite } from '../fixtures/site.ts';
import { type LocalApi, startLocalApi } from '../support/local-api.ts';
import { describeRun, expectCompletedWith, expected, run, withSites } from '../variants/helpers.ts';

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api?.close());

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const redirect =
  (to: string, code = 302) =>
  (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(code, { location: to });
    res.end();
  };

describe('C01 round 2: start URL is a file', () => {
  it('R2-V1: 3-hop redirect chain (302→301→307), HEAD/OPTIONS refused, octet-stream no CD, Spanish goal', async () => {
    const csv = makeCsv(1201, 800);
    const app = await startSite({
      'GET /r/clientes': redirect('/r2/clientes', 302),
      'GET /r2/clientes': redirect('/r3/clientes', 301),
      'GET /r3/clientes': redirect('/exportar/Datos_Clientes.csv', 307),
      '* /exportar/Datos_Clientes.csv': (req, res) => {
        if (req.method !== 'GET') {
          res.writeHead(405, { allow: 'GET' });
          res.end();
          return;
        }
        file(csv, { 'content-type': 'application/octet-stream' })(req, res);
      },
    });
    await withSites([app], async () => {
      const url = `${app.origin}/r/clientes`;
      const f = await run(api, url, `Descarga la lista de clientes desde ${url}`);
      expectCompletedWith(f, [expected('Datos_Clientes.csv', csv)]);
      expect(app.count('GET', '/exportar/Datos_Clientes.csv')).toBe(1);
    });
  });

  it('R2-V2: .csv.gz start URL served with Content-Encoding: gzip (stored file must stay a valid gzip of the CSV)', async () => {
    const csv = makeCsv(1202, 3000);
    const gz = zlib.gzipSync(csv);
    const app = await startSite({
      'GET /data/extract.csv.gz': file(gz, {
        'content-type': 'application/gzip',
        'content-encoding': 'gzip',
        'content-disposition': 'attachment; filename="extract.csv.gz"',
      }),
    });
    await withSites([app], async () => {
      const url = `${app.origin}/data/extract.csv.gz`;
      const f = await run(api, url, `Download the data extract from ${url}`);
      expect(f.run.status, describeRun(f)).toBe('completed');
      expect(f.files.map((x) => x.filename)).toEqual(['extract.csv.gz']);
      const got = f.bytes.get('extract.csv.gz')!;
      expect(got.subarray(0, 2).equals(MAGIC.gzip.subarray(0, 2)), 'gzip magic').toBe(true);
      expect(zlib.gunzipSync(got).equals(csv), 'gunzip gives the CSV').toBe(true);
    });
  });
});

describe('C02 round 2: tiny download inside the click', () => {
  it('R2-V1: icon-only link with aria-label, French page and goal', async () => {
    const code = seededBytes(2201, 16);
    const app = await startSite({
      'GET /compte': html(
        `<h1>Mon compte</h1><p>Code d'activation prêt.</p><a href="/code/t" aria-label="Télécharger le code d'activation"><svg width="16" height="16" viewBox="0 0 16 16"><path d="M8 1v10M3 7l5 5 5-5"/></svg></a>`,
      ),
      'GET /code/t': file(code, {
        'content-type': 'text/plain',
        'content-disposition': 'attachment; filename="code.txt"',
      }),
    });
    await withSites([app], async () => {
      const f = await run(
        api,
        `${app.origin}/compte`,
        "Télécharge le fichier du code d'activation.",
      );
      expectCompletedWith(f, [expected('code.txt', code)]);
      expect(f.run.errors).toEqual([]);
      expect(app.count('GET', '/code/t')).toBe(1);
    });
  });

  it('R2-V2: button inside a POST form with CSRF token, 16-byte attachment, German', async () => {
    const code = seededBytes(2202, 16);
    const csrf = randomBytes(8).toString('hex');
    const app = await startSite({
      'GET /lizenz': html(
        `<form method="post" action="/lizenz/code"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit">Aktivierungscode herunterladen</button></form>`,
      ),
      'POST /lizenz/code': async (req, res) => {
        let b = '';
        for await (const c of req) b += c;
        if (new URLSearchParams(b).get('_csrf') !== csrf)
          return html('<h1>CSRF</h1>', 403)(req, res);
        file(code, {
          'content-type': 'application/octet-stream',
          'content-disposition': 'attachment; filename="aktivierung.txt"',
        })(req, res);
      },
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/lizenz`, 'Lade die Aktivierungscode-Datei herunter.');
      expectCompletedWith(f, [expected('aktivierung.txt', code)]);
      expect(f.run.errors).toEqual([]);
      expect(app.count('POST', '/lizenz/code')).toBe(1);
    });
  });
});

describe('C03 round 2: inline PDF in the viewer', () => {
  it('R2-V1: link inside a dropdown menu that must be opened first, inline PDF, German', async () => {
    const pdf = makePdf([['Kontoauszug Mai 2024'], ['Seite 2']], { padTo: 30_000 });
    const app = await startSite({
      'GET /konto': html(`<style>#m{display:none}</style><h1>Kontoauszüge</h1>
<div><button id="t" aria-haspopup="true" onclick="document.getElementById('m').style.display='block'">Aktionen ▾</button>
<ul id="m" role="menu"><li><a role="menuitem" href="/auszug?m=2024-05">Mai 2024 als PDF herunterladen</a></li><li><a role="menuitem" href="/auszug?m=2024-04">April 2024 als PDF herunterladen</a></li></ul></div>`),
      'GET /auszug': (req, res) => {
        const m = new URL(req.url!, 'http://x').searchParams.get('m');
        if (m !== '2024-05') return html('<h1>falscher Monat</h1>', 404)(req, res);
        file(pdf, {
          'content-type': 'application/pdf',
          'content-disposition': 'inline; filename="Kontoauszug_Mai_2024.pdf"',
        })(req, res);
      },
    });
    await withSites([app], async () => {
      const f = await run(
        api,
        `${app.origin}/konto`,
        'Lade meinen Kontoauszug für Mai 2024 als PDF herunter.',
      );
      expectCompletedWith(f, [expected('Kontoauszug_Mai_2024.pdf', pdf)]);
    });
  });

  it('R2-V3: inline PDF in the same tab, content-type lies (text/plain)', async () => {
    const pdf = makePdf([['Relevé mai 2024']], { padTo: 20_000 });
    const app = await startSite({
      'GET /releves': html('<a href="/f/releve-2024-05">Relevé de mai 2024</a>'),
      'GET /f/releve-2024-05': file(pdf, {
        'content-type': 'text/plain; charset=utf-8',
        'content-disposition': 'inline; filename="Releve_Mai_2024.pdf"',
      }),
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/releves`, 'Télécharge mon relevé de mai 2024 en PDF');
      expectCompletedWith(f, [expected('Releve_Mai_2024.pdf', pdf)]);
    });
  });
});

describe('C04 round 2: presigned URL from an API, opened in a new tab', () => {
  it('R2-V1: fetch JSON {url} then window.open; HEAD/OPTIONS 403; Portuguese percent-encoded name', async () => {
    const pdf = makePdf([['Relatório anual']], { padTo: 22_000 });
    const objectPath = '/bkt/Relat%C3%B3rio-anual.pdf';
    const sig = randomBytes(8).toString('hex');
    const cdn = await startSite({
      [`* ${objectPath}`]: (req, res) => {
        const u = new URL(req.url!, 'http://x');
        if (
          req.method !== 'GET' ||
          u.searchParams.get('sig') !== sig ||
          Number(u.searchParams.get('exp')) < Date.now()
        ) {
          res.writeHead(403, { 'content-type': 'application/xml' });
          res.end(req.method === 'GET' ? '<Error><Code>AccessDenied</Code></Error>' : undefined);
          return;
        }
        file(pdf, { 'content-type': 'application/pdf' })(req, res);
      },
    });
    const app = await startSite({
      'GET /relatorios': html(`<button id="b">Abrir / baixar PDF</button><script>
document.getElementById('b').onclick = async () => { const r = await (await fetch('/api/link')).json(); window.open(r.url, '_blank'); };</script>`),
      'GET /api/link': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            url: `${cdn.origin}${objectPath}?sig=${sig}&exp=${Date.now() + 60_000}`,
          }),
        );
      },
    });
    await withSites([app, cdn], async () => {
      const f = await run(api, `${app.origin}/relatorios`, 'Baixe o relatório anual em PDF');
      expectCompletedWith(f, [expected('Relatório-anual.pdf', pdf)]);
    });
  });
});

describe('C05 round 2: popup that closes itself', () => {
  it('R2-V1: about:blank popup writes a POST form, submits it, closes after 300 ms', async () => {
    const xlsx = makeXlsx(2501, 400);
    const app = await startSite({
      'GET /rapports': html(`<button id="x">Exporter vers Excel</button><script>
document.getElementById('x').onclick = () => { const w = window.open('', '_blank');
  w.document.write('<form method="post" action="/export/excel"><input name="rapport" value="7"></form>'); w.document.close();
  w.document.forms[0].submit(); setTimeout(() => w.close(), 300); };</script>`),
      'POST /export/excel': async (req, res) => {
        for await (const _ of req) {
        }
        file(xlsx, {
          'content-type': XLSX,
          'content-disposition': 'attachment; filename="Rapport_7.xlsx"',
        })(req, res);
      },
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/rapports`, 'Exporte le rapport 7 vers Excel');
      expectCompletedWith(f, [expected('Rapport_7.xlsx', xlsx)]);
      expect(app.count('POST', '/export/excel')).toBe(1);
    });
  });

  it('R2-V2: _blank link through a 4-hop redirect chain to the attachment', async () => {
    const xlsx = makeXlsx(2502, 300);
    const app = await startSite({
      'GET /reports': html('<a target="_blank" href="/e/1?report=9">Export report 9 to Excel</a>'),
      'GET /e/1': redirect('/e/2?report=9', 302),
      'GET /e/2': redirect('/e/3?report=9', 303),
      'GET /e/3': redirect('/e/4?report=9', 307),
      'GET /e/4': redirect('/export/excel?report=9', 301),
      'GET /export/excel': file(xlsx, {
        'content-type': XLSX,
        'content-disposition': 'attachment; filename="Report_9.xlsx"',
      }),
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/reports`, 'Export report 9 to Excel.');
      expectCompletedWith(f, [expected('Report_9.xlsx', xlsx)]);
    });
  });
});

describe('C07 round 2: interstitial sets cookie then redirects', () => {
  it('R2-V1: cookie from fetch Set-Cookie, then hidden form POST submit; interstitial never loads (hanging script)', async () => {
    const pdf = makePdf([['Facture 2024-12']], { padTo: 14_000 });
    const app = await startSite({
      'GET /facturation': html('<a href="/facture/preparer?id=2024-12">Dernière facture</a>'),
      'GET /facture/preparer': html(`<p>Votre téléchargement va commencer…</p>
<form method="post" action="/facture/telecharger"><input type="hidden" name="id" value="2024-12"></form>
<script>fetch('/api/ticket', { method: 'POST' }).then(() => document.forms[0].submit());</script>
<script src="/slow.js"></script>`),
      'GET /slow.js': async (_req, res) => {
        await sleep(120_000);
        res.end();
      },
      'POST /api/ticket': (_req, res) => {
        res.writeHead(204, { 'set-cookie': 'DLT=ok-12; Path=/; SameSite=Lax' });
        res.end();
      },
      'POST /facture/telecharger': async (req, res) => {
        for await (const _ of req) {
        }
        if (!(req.headers.cookie ?? '').includes('DLT=ok-12'))
          return html('<h1>Session expirée</h1>', 403)(req, res);
        file(pdf, {
          'content-type': 'application/pdf',
          'content-disposition': 'attachment; filename="facture_2024-12.pdf"',
        })(req, res);
      },
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/facturation`, 'Télécharge ma dernière facture');
      expectCompletedWith(f, [expected('facture_2024-12.pdf', pdf)]);
      expect(f.run.errors).toEqual([]);
    });
  });
});

describe('C08 round 2: in-page bytes', () => {
  it('R2-V1: data: URL (base64) built after an authorised fetch, anchor removed at once', async () => {
    const csv = makeCsv(2801, 300);
    const token = randomBytes(10).toString('hex');
    const app = await startSite({
      'GET /ventas': html(`<button id="b">Descargar análisis (CSV)</button><script>
const T = ${JSON.stringify(token)};
document.getElementById('b').onclick = async () => {
  const buf = await (await fetch('/api/analisis', { headers: { Authorization: 'Bearer ' + T } })).arrayBuffer();
  let s = ''; const u8 = new Uint8Array(buf); for (let i = 0; i < u8.length; i++) s += String.fromCharCode(u8[i]);
  const a = document.createElement('a'); a.href = 'data:text/csv;base64,' + btoa(s); a.download = 'analisis-ventas.csv';
  document.body.appendChild(a); a.click(); a.remove();
};</script>`),
      'GET /api/analisis': (req, res) => {
        if (req.headers.authorization !== `Bearer ${token}`) {
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end('{"error":"unauthorized"}');
          return;
        }
        file(csv, { 'content-type': 'text/csv' })(req, res);
      },
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/ventas`, 'Descarga el análisis de ventas en CSV');
      expectCompletedWith(f, [expected('analisis-ventas.csv', csv)]);
    });
  });

  it('R2-V2: blob from a ReadableStream-built Response, revoked synchronously, zip', async () => {
    let sessionToken: string | string[] | undefined;
    const zip = makeZip([{ name: 'a.txt', data: seededBytes(2802, 20_000) }]);
    const app = await startSite({
      'GET /app': html(`<button id="b">Download backup</button><script>
const TOKEN = 'tk-' + Math.random();
fetch('/api/session', { method: 'POST', headers: { 'x-token': TOKEN } });
document.getElementById('b').onclick = async () => {
  const r = await fetch('/api/backup', { headers: { 'x-token': TOKEN } });
  const blob = await new Response(r.body).blob();
  const u = URL.createObjectURL(new Blob([blob], { type: 'application/zip' }));
  const a = document.createElement('a'); a.href = u; a.download = 'backup-app1.zip'; a.click(); URL.revokeObjectURL(u);
};</script>`),
      'POST /api/session': (req, res) => {
        sessionToken = req.headers['x-token'];
        res.writeHead(204);
        res.end();
      },
      'GET /api/backup': (req, res) => {
        if (!req.headers['x-token'] || req.headers['x-token'] !== sessionToken) {
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end('{"error":"unauthorized"}');
          return;
        }
        file(zip, { 'content-type': 'application/octet-stream' })(req, res);
      },
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/app`, 'Download the backup');
      expectCompletedWith(f, [expected('backup-app1.zip', zip)]);
    });
  });
});
