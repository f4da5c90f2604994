import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAGIC, seededBytes, seededSha256, seededStream, sha256 } from '../fixtures/bytes.ts';
import { makeCsv, makePdf, makeZip } from '../fixtures/documents.ts';
import { file, html, sleep, startSite } from '../fixtures/site.ts';
import { send } from '../fixtures/stream-body.ts';
import { selfSignedCert } from '../fixtures/tls.ts';
import { type LocalApi, startLocalApi } from '../support/local-api.ts';
import { describeRun, expectCompletedWith, expected, run, withSites } from '../variants/helpers.ts';

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api?.close());

const raw = (value: string) => Buffer.from(value, 'utf8').toString('latin1');

function filesSite(
  endpoints: { d: string; seed: number; prefix?: Buffer }[],
  page: (i: number) => string,
) {
  const routes: Parameters<typeof startSite>[0] = {
    'GET /docs': html(endpoints.map((_, i) => page(i)).join('')),
  };
  const bytes = endpoints.map((e, i) => {
    const b = seededBytes(e.seed, 1800 + i * 7, e.prefix);
    routes[`GET /f/${i + 1}`] = (_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-disposition': e.d,
        'content-length': b.length,
      });
      res.end(b);
    };
    return b;
  });
  return { routes, bytes };
}

describe('C11 round 2: filename encodings', () => {
  it('R2-V1: MIME-word Base64 only, escaped quotes + semicolon, filename* with percent-encoded apostrophe (French page)', async () => {
    const b64 = Buffer.from('Übersicht 2024.pdf').toString('base64');
    const eps = [
      { d: `attachment; filename="=?UTF-8?B?${b64}?="`, seed: 1301, prefix: MAGIC.pdf },
      { d: `attachment; filename="Rapport \\"final\\"; v2.csv"`, seed: 1302 },
      { d: `attachment; filename*=UTF-8''l%27%C3%A9t%C3%A9%20fran%C3%A7ais.txt`, seed: 1303 },
      { d: raw(`attachment;filename=Résumé.txt`), seed: 1304 },
    ];
    const { routes, bytes } = filesSite(
      eps,
      (i) => `<p><a href="/f/${i + 1}">Document ${i + 1}</a></p>`,
    );
    routes['GET /docs'] = html(
      `<h1>Documents (4)</h1>${eps.map((_, i) => `<p><a href="/f/${i + 1}">Document ${i + 1}</a></p>`).join('')}`,
    );
    const app = await startSite(routes);
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/docs`, 'Télécharge les quatre documents de la page.');
      expect(f.run.status, describeRun(f)).toBe('completed');
      expect(f.files, describeRun(f)).toHaveLength(4);
      const byHash = (b: Buffer) => f.files.find((x) => x.sha256 === sha256(b))?.filename;
      expect(byHash(bytes[0])).toBe('Übersicht 2024.pdf');
      expect(byHash(bytes[1])).toMatch(/^Rapport ["_]final["_]; v2\.csv$/);
      expect(byHash(bytes[2])).toBe("l'été français.txt");
      expect(byHash(bytes[3])).toBe('Résumé.txt');
    });
  });

  it('R2-V2: long Portuguese name (208 UTF-8 bytes) must not be truncated', async () => {
    const name = `${'Relatório de Execução Orçamentária '.repeat(5).trim()} 2024.pdf`;
    const pdf = makePdf([['Relatório']], { padTo: 8000 });
    const app = await startSite({
      'GET /docs': html('<a href="/f/1">Relatório de execução orçamentária</a>'),
      'GET /f/1': file(pdf, {
        'content-type': 'application/pdf',
        'content-disposition': `attachment; filename="relatorio.pdf"; filename*=UTF-8''${encodeURIComponent(name)}`,
      }),
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/docs`, 'Baixe o relatório de execução orçamentária');
      expect(Buffer.byteLength(name)).toBe(208);
      expectCompletedWith(f, [expected(name.normalize('NFC'), pdf)]);
    });
  });

  it('R2-V3: name without extension (LEIAME), text/plain', async () => {
    const body = Buffer.from('Leia-me: instruções de instalação.\n'.repeat(20));
    const app = await startSite({
      'GET /proj': html('<a href="/raw/leiame">LEIAME</a>'),
      'GET /raw/leiame': file(body, {
        'content-type': 'text/plain; charset=utf-8',
        'content-disposition': 'attachment; filename="LEIAME"',
      }),
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/proj`, 'Baixe o arquivo LEIAME');
      expect(f.run.status, describeRun(f)).toBe('completed');
      expect(f.files).toHaveLength(1);
      expect(f.files[0].sha256).toBe(sha256(body));
      expect(f.files[0].filename).toMatch(/^LEIAME(\.txt)?$/);
    });
  });
});

describe('C13 round 2: script URLs, table picks one row by column', () => {
  it('R2-V1: table of 3 invoices, identical "Descargar" links to documento.asp?id=N, no CD; goal picks by date (Spanish)', async () => {
    const rows = [
      { id: '75', date: '01/02/2024' },
      { id: '76', date: '15/03/2024' },
      { id: '77', date: '30/04/2024' },
    ];
    const pdfs = new Map(
      rows.map((r, i) => [
        r.id,
        makePdf([[`Factura ${r.id}`]], { title: 'Factura', padTo: 6000 + i }),
      ]),
    );
    const app = await startSite({
      'GET /facturas': html(
        `<table><thead><tr><th>Fecha</th><th>Número</th><th></th></tr></thead><tbody>${rows
          .map(
            (r) =>
              `<tr><td>${r.date}</td><td>F-${r.id}</td><td><a href="/documento.asp?id=${r.id}&tipo=pdf">Descargar</a></td></tr>`,
          )
          .join('')}</tbody></table>`,
      ),
      'GET /documento.asp': (req, res) => {
        const id = new URL(req.url!, 'http://x').searchParams.get('id')!;
        file(pdfs.get(id)!, { 'content-type': 'application/pdf' })(req, res);
      },
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/facturas`, 'Descarga la factura del 15/03/2024');
      expect(f.run.status, describeRun(f)).toBe('completed');
      expect(f.files, describeRun(f)).toHaveLength(1);
      expect(f.files[0].sha256).toBe(sha256(pdfs.get('76')!));
      expect(f.files[0].filename).toMatch(/\.pdf$/);
      expect(f.files[0].filename).toContain('76');
      expect(f.files[0].filename).not.toMatch(/^documento\.asp/);
    });
  });

  it('R2-V2: inline with filename in a different case of parameter (FILENAME=) and extra params', async () => {
    const pdfs = ['3001', '3002'].map((id, i) => ({
      id,
      pdf: makePdf([[`Nota ${id}`]], { padTo: 5000 + i }),
    }));
    const app = await startSite({
      'GET /notas': html(
        pdfs.map((p) => `<p><a href="/nota.php?n=${p.id}">Nota fiscal ${p.id}</a></p>`).join(''),
      ),
      'GET /nota.php': (req, res) => {
        const id = new URL(req.url!, 'http://x').searchParams.get('n')!;
        file(pdfs.find((p) => p.id === id)!.pdf, {
          'content-type': 'application/pdf',
          'content-disposition': `Inline; FILENAME="nota-${id}.pdf"; size=123`,
        })(req, res);
      },
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/notas`, 'Baixe as notas fiscais 3001 e 3002');
      expectCompletedWith(
        f,
        pdfs.map((p) => expected(`nota-${p.id}.pdf`, p.pdf)),
      );
    });
  });
});

describe('C15 round 2: many files from one click', () => {
  it('R2-V1: only 2 of 4 checked; anchors with download clicked with no delay after 1.2 s async (German)', async () => {
    const names = ['jan.csv', 'feb.csv', 'mar.csv', 'apr.csv'];
    const data = new Map(names.map((n, i) => [n, makeCsv(1501 + i, 50 + i * 10)]));
    const routes: Parameters<typeof startSite>[0] = {
      'GET /dateien': html(`<p>2 Dateien ausgewählt</p>${names
        .map(
          (n, i) =>
            `<label><input type="checkbox" value="${n}" ${i === 1 || i === 3 ? 'checked' : ''}> ${n}</label><br>`,
        )
        .join('')}<button id="go">Auswahl herunterladen</button><script>
document.getElementById('go').onclick = async () => {
  await new Promise(r => setTimeout(r, 1200));
  for (const c of document.querySelectorAll('input:checked')) { const a = document.createElement('a'); a.href = '/file/' + c.value; a.download = ''; document.body.appendChild(a); a.click(); }
};</script>`),
    };
    for (const [n, b] of data)
      routes[`GET /file/${n}`] = file(b, {
        'content-type': 'text/csv',
        'content-disposition': `attachment; filename="${n}"`,
      });
    const app = await startSite(routes);
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/dateien`, 'Lade alle ausgewählten Dateien herunter');
      expectCompletedWith(f, [
        expected('feb.csv', data.get('feb.csv')!),
        expected('apr.csv', data.get('apr.csv')!),
      ]);
    });
  });
});

describe('C16 round 2: long stall', () => {
  it('R2-V1: headers at once, then 15 s with no body bytes, then 30 MB (Portuguese)', async () => {
    const size = 30 * 1024 * 1024;
    const app = await startSite({
      'GET /pacote': html('<button onclick="location.href=\'/pacote.zip\'">Baixar tudo</button>'),
      'GET /pacote.zip': async (_req, res) => {
        res.writeHead(200, {
          'content-type': 'application/zip',
          'content-disposition': 'attachment; filename="pacote.zip"',
          'content-length': String(size),
        });
        res.flushHeaders();
        await sleep(15_000);
        await send(res, seededStream(1601, size, MAGIC.zip));
      },
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/pacote`, 'Baixar o pacote completo', {}, 150_000);
      expectCompletedWith(f, [
        { name: 'pacote.zip', size, sha256: await seededSha256(1601, size, MAGIC.zip) },
      ]);
      expect(app.count('GET', '/pacote.zip')).toBe(1);
    });
  }, 170_000);
});

describe('C19 round 2: cross-origin download attribute', () => {
  it('R2-V1: icon-only link (title attr) to cross-origin SVG with download="organigrama.svg" (Spanish)', async () => {
    const svg = Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><text x="10" y="50">Organigrama ${'x'.repeat(400)}</text></svg>`,
    );
    const cdn = await startSite({
      'GET /a/6b1f0d2e-77aa-4e0e-9c1e-2f3a': file(svg, { 'content-type': 'image/svg+xml' }),
    });
    const app = await startSite({
      'GET /empresa': html(
        `<h1>Empresa</h1><a href="${cdn.origin}/a/6b1f0d2e-77aa-4e0e-9c1e-2f3a" download="organigrama.svg" title="Descargar organigrama"><img alt="" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="16" height="16"></a>`,
      ),
    });
    await withSites([app, cdn], async () => {
      const f = await run(api, `${app.origin}/empresa`, 'Descarga el organigrama');
      expectCompletedWith(f, [expected('organigrama.svg', svg)]);
    });
  });

  it('R2-V2: cross-origin text/plain served as inline, download="notes de version.txt" (French)', async () => {
    const txt = Buffer.from('Version 5.2\n- corrections\n'.repeat(50));
    const cdn = await startSite({
      'GET /s/0a9f': file(txt, {
        'content-type': 'text/plain; charset=utf-8',
        'content-disposition': 'inline',
      }),
    });
    const app = await startSite({
      'GET /versions': html(
        `<a href="${cdn.origin}/s/0a9f" download="notes de version.txt">Notes de version 5.2</a>`,
      ),
    });
    await withSites([app, cdn], async () => {
      const f = await run(api, `${app.origin}/versions`, 'Télécharge les notes de version 5.2');
      expectCompletedWith(f, [expected('notes de version.txt', txt)]);
    });
  });
});

describe('C20 round 2: mixed content', () => {
  it('R2-V1: HTTPS page, POST form with http:// action (insecure form), and a secure mirror link (French)', async () => {
    const zip = makeZip([{ name: 'outil/x.bin', data: seededBytes(2021, 8000) }]);
    const serve = file(zip, {
      'content-type': 'application/zip',
      'content-disposition': 'attachment; filename="outil-4.1.zip"',
    });
    const tls = selfSignedCert();
    const dl = await startSite({
      'POST /get': async (req, res) => {
        for await (const _ of req) {
        }
        serve(req, res);
      },
    });
    const mirror = await startSite({ 'GET /outil-4.1.zip': serve }, { tls });
    const secure = await startSite(
      {
        'GET /telechargement':
          html(`<h1>Outil 4.1</h1><form method="post" action="${dl.origin}/get"><input type="hidden" name="v" value="4.1"><button>Télécharger l'outil 4.1</button></form>
<p><a href="${mirror.origin}/outil-4.1.zip">Miroir sécurisé (HTTPS)</a></p>`),
      },
      { tls },
    );
    await withSites([secure, dl, mirror], async () => {
      const f = await run(api, `${secure.origin}/telechargement`, "Télécharge l'outil 4.1");
      expectCompletedWith(f, [expected('outil-4.1.zip', zip)]);
    });
  });
});
