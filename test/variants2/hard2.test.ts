import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededBytes, seededSha256, seededStream } from '../fixtures/bytes.ts';
import { makeCsv, makePdf } from '../fixtures/documents.ts';
import { file, html, sleep, startSite } from '../fixtures/site.ts';
import { send, throttle, truncate } from '../fixtures/stream-body.ts';
import { type ExternalBrowser, launchExternalBrowser } from '../support/external-browser.ts';
import { type LocalApi, startLocalApi } from '../support/local-api.ts';
import { pdfText } from '../support/pdf-text.ts';
import { describeRun, expectCompletedWith, expected, run, withSites } from '../variants/helpers.ts';

let api: LocalApi;
let external: ExternalBrowser;
beforeAll(async () => {
  api = await startLocalApi();
  external = await launchExternalBrowser();
});
afterAll(async () => {
  await external?.close();
  await api?.close();
});

describe('C23 round 2: sandboxed iframe', () => {
  it('R2-V1: nested iframe (outer plain, inner sandboxed), POST form download inside (Spanish)', async () => {
    const pdf = makePdf([['Informe T2']], { padTo: 12_000 });
    let posts = 0;
    const app = await startSite({
      'GET /panel': html('<h1>Panel</h1><iframe src="/marco" width="600" height="200"></iframe>'),
      'GET /marco': html(
        '<iframe sandbox="allow-scripts allow-forms allow-same-origin" src="/widget/informes" width="500" height="150"></iframe>',
      ),
      'GET /widget/informes': html(
        '<form method="post" action="/widget/informes/descargar"><input type="hidden" name="t" value="T2"><button>Descargar informe T2</button></form>',
      ),
      'POST /widget/informes/descargar': async (req, res) => {
        posts += 1;
        for await (const _ of req) {
        }
        file(pdf, {
          'content-type': 'application/pdf',
          'content-disposition': 'attachment; filename="informe-T2.pdf"',
        })(req, res);
      },
    });
    await withSites([app], async () => {
      const f = await run(
        api,
        `${app.origin}/panel`,
        'Descarga el informe T2 del widget de informes',
      );
      expectCompletedWith(f, [expected('informe-T2.pdf', pdf)]);
      expect(posts).toBeLessThanOrEqual(4);
    });
  });
});

describe('C25 round 2: late export behind a consent banner', () => {
  it('R2-V1: cookie consent overlay covers the button; export blob after 7 s; Spanish', async () => {
    const csv = makeCsv(2521, 600);
    const today = new Date().toISOString().slice(0, 10);
    const app = await startSite({
      'GET /usuarios':
        html(`<div id="cc" style="position:fixed;inset:0;background:rgba(0,0,0,.6);z-index:9"><div style="background:#fff;margin:20% auto;width:300px;padding:10px">Usamos cookies. <button id="ok">Aceptar todas</button> <button>Rechazar</button></div></div>
<h1>Usuarios</h1><button id="x">Exportar a CSV</button><span id="s"></span><script>
document.getElementById('ok').onclick = () => document.getElementById('cc').remove();
document.getElementById('x').onclick = async () => { const b = document.getElementById('x'); b.disabled = true; document.getElementById('s').textContent = 'Generando…';
  const r = await fetch('/api/usuarios/exportar', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const u = URL.createObjectURL(await r.blob()); const a = document.createElement('a'); a.href = u; a.download = 'Usuarios_' + new Date().toISOString().slice(0,10) + '.csv'; a.click();
  document.getElementById('s').textContent = 'Exportación lista'; };</script>`),
      'POST /api/usuarios/exportar': async (req, res) => {
        for await (const _ of req) {
        }
        await sleep(7000);
        file(csv, { 'content-type': 'text/csv' })(req, res);
      },
    });
    await withSites([app], async () => {
      const f = await run(
        api,
        `${app.origin}/usuarios`,
        'Exporta la lista de usuarios a CSV',
        {},
        120_000,
      );
      expectCompletedWith(f, [expected(`Usuarios_${today}.csv`, csv)]);
      expect(app.count('POST', '/api/usuarios/exportar')).toBe(1);
    });
  }, 130_000);
});

describe('C29 round 2: print only', () => {
  it('R2-V1: French receipt, print via form onsubmit, print CSS hides nav', async () => {
    const nav = 'Accueil Commandes Compte';
    const app = await startSite({
      'GET /commandes/CMD-7781/recu':
        html(`<style>@media print { nav, form { display:none } }</style><nav>${nav}</nav>
<h1>Reçu CMD-7781</h1><p>Total : 89,90 €</p><form onsubmit="window.print(); return false"><button>Imprimer le reçu</button></form>`),
    });
    await withSites([app], async () => {
      const f = await run(
        api,
        `${app.origin}/commandes/CMD-7781/recu`,
        'Enregistre le reçu de la commande CMD-7781 en PDF',
      );
      expect(f.run.status, describeRun(f)).toBe('completed');
      expect(f.files).toHaveLength(1);
      expect(f.files[0].filename).toMatch(/\.pdf$/);
      const pdf = f.bytes.get(f.files[0].filename)!;
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const { text } = await pdfText(pdf);
      expect(text).toContain('CMD-7781');
      expect(text).toContain('89,90');
      expect(text).not.toContain(nav);
    });
  });
});

describe('C30 round 2: attached over CDP', () => {
  it('R2-V1: CSRF POST form download, blob download and a 3-hop redirect link, over CDP', async () => {
    const csv = makeCsv(3021, 150);
    const json = Buffer.from(JSON.stringify({ k: seededBytes(3022, 100).toString('hex') }));
    const pdf = makePdf([['Anexo']], { padTo: 7000 });
    const csrf = randomBytes(6).toString('hex');
    const app = await startSite({
      'GET /docs':
        html(`<form method="post" action="/resumen"><input type="hidden" name="csrf" value="${csrf}"><button>Resumen (CSV)</button></form>
<button id="j">Configuración (JSON)</button><p><a href="/go/1">Anexo (PDF)</a></p><script>
document.getElementById('j').onclick = async () => { const t = await (await fetch('/api/cfg')).text(); const u = URL.createObjectURL(new Blob([t])); const a = document.createElement('a'); a.href = u; a.download = 'config.json'; a.click(); };</script>`),
      'POST /resumen': async (req, res) => {
        let b = '';
        for await (const c of req) b += c;
        if (new URLSearchParams(b).get('csrf') !== csrf)
          return html('<h1>CSRF</h1>', 403)(req, res);
        file(csv, {
          'content-type': 'text/csv',
          'content-disposition': 'attachment; filename="resumen.csv"',
        })(req, res);
      },
      'GET /api/cfg': file(json, { 'content-type': 'application/json' }),
      'GET /go/1': (_q, r) => {
        r.writeHead(302, { location: '/go/2' });
        r.end();
      },
      'GET /go/2': (_q, r) => {
        r.writeHead(302, { location: '/go/3' });
        r.end();
      },
      'GET /go/3': (_q, r) => {
        r.writeHead(302, { location: '/files/anexo.pdf' });
        r.end();
      },
      'GET /files/anexo.pdf': file(pdf, {
        'content-type': 'application/pdf',
        'content-disposition': 'attachment; filename="anexo.pdf"',
      }),
    });
    await withSites([app], async () => {
      const f = await run(
        api,
        `${app.origin}/docs`,
        'Descarga el resumen, la configuración y el anexo',
        { browser_address: external.address },
      );
      expectCompletedWith(f, [
        expected('resumen.csv', csv),
        expected('config.json', json),
        expected('anexo.pdf', pdf),
      ]);
      expect(external.alive()).toBe(true);
    });
  });
});

describe('C32 round 2: authenticated download', () => {
  it('R2-V1: login form with CSRF token, download is a POST with CSRF; without session → 403 HTML (Portuguese)', async () => {
    const pdf = makePdf([['Contrato 31']], { padTo: 19_000 });
    const sessions = new Map<string, string>();
    const sid = (c?: string) => /sess=([0-9a-f]+)/.exec(c ?? '')?.[1];
    const app = await startSite({
      'GET /entrar': (req, res) => {
        const token = randomBytes(6).toString('hex');
        const s = randomBytes(6).toString('hex');
        sessions.set(s, `pre:${token}`);
        res.setHeader('set-cookie', `pre=${s}; HttpOnly; SameSite=Lax; Path=/`);
        html(
          `<form method="post" action="/entrar"><input type="hidden" name="authenticity_token" value="${token}"><label>Usuário <input name="usuario"></label><label>Senha <input type="password" name="senha"></label><button>Entrar</button></form>`,
        )(req, res);
      },
      'POST /entrar': async (req, res) => {
        let b = '';
        for await (const c of req) b += c;
        const form = new URLSearchParams(b);
        const pre = /pre=([0-9a-f]+)/.exec(req.headers.cookie ?? '')?.[1];
        if (
          !pre ||
          sessions.get(pre) !== `pre:${form.get('authenticity_token')}` ||
          form.get('usuario') !== 'ana' ||
          form.get('senha') !== 'senha-segura-9'
        )
          return html('<p>Falha no login</p>', 401)(req, res);
        const s = randomBytes(8).toString('hex');
        const csrf = randomBytes(6).toString('hex');
        sessions.set(s, csrf);
        res.writeHead(302, {
          location: '/contratos',
          'set-cookie': `sess=${s}; HttpOnly; SameSite=Lax; Path=/`,
        });
        res.end();
      },
      'GET /contratos': (req, res) => {
        const s = sid(req.headers.cookie);
        if (!s || !sessions.has(s)) {
          res.writeHead(302, { location: '/entrar' });
          res.end();
          return;
        }
        html(
          `<form method="post" action="/contratos/31/baixar"><input type="hidden" name="csrf" value="${sessions.get(s)}"><button>Baixar contrato 31</button></form>`,
        )(req, res);
      },
      'POST /contratos/31/baixar': async (req, res) => {
        let b = '';
        for await (const c of req) b += c;
        const s = sid(req.headers.cookie);
        if (!s || sessions.get(s) !== new URLSearchParams(b).get('csrf'))
          return html(`<h1>Acesso negado</h1>${'x'.repeat(3000)}`, 403)(req, res);
        file(pdf, {
          'content-type': 'application/pdf',
          'content-disposition': 'attachment; filename="contrato-31.pdf"',
        })(req, res);
      },
    });
    await withSites([app], async () => {
      const f = await run(
        api,
        `${app.origin}/contratos`,
        'Entre como ana / senha-segura-9 e baixe o contrato 31',
      );
      expectCompletedWith(f, [expected('contrato-31.pdf', pdf)]);
    });
  });
});

describe('C35 round 2: truncated transfer', () => {
  it('R2-V1: Content-Length promised, socket destroyed at 50 %, single-use link (2nd GET → 410): explicit failure or full file', async () => {
    const size = 6 * 1024 * 1024;
    let gets = 0;
    const app = await startSite({
      'GET /archivos': html('<a href="/unico/archivo.7z">Descargar archivo.7z</a>'),
      'GET /unico/archivo.7z': async (req, res) => {
        gets += 1;
        if (gets > 1) return html('<h1>Enlace caducado</h1>', 410)(req, res);
        res.writeHead(200, {
          'content-type': 'application/x-7z-compressed',
          'content-disposition': 'attachment; filename="archivo.7z"',
          'content-length': String(size),
        });
        for await (const chunk of throttle(
          truncate(seededStream(3521, size), size / 2),
          3 * 1024 * 1024,
        )) {
          if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
        }
        res.socket?.destroy();
      },
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/archivos`, 'Descarga archivo.7z', {}, 120_000);
      expect(f.run.status, describeRun(f)).not.toBe('completed');
      expect(f.files, describeRun(f)).toEqual([]);
      expect(f.run.failure_reason, describeRun(f)).toBeTruthy();
      for (const [, b] of f.bytes) expect(b.toString('latin1')).not.toContain('Enlace caducado');
    });
  }, 130_000);

  it('R2-V2: download starts, page immediately navigates cross-origin to a thank-you site (German)', async () => {
    const size = 9 * 1024 * 1024;
    const thanks = await startSite({
      'GET /danke': html('<h1>Danke! Ihr Download hat begonnen.</h1>'),
    });
    const app = await startSite({
      'GET /download': html(`<button id="b">Installer herunterladen</button><script>
document.getElementById('b').onclick = () => { location.href = '/bin/setup.exe'; setTimeout(() => { location.href = '${thanks.origin}/danke'; }, 30); };</script>`),
      'GET /bin/setup.exe': async (_req, res) => {
        res.writeHead(200, {
          'content-type': 'application/x-msdownload',
          'content-disposition': 'attachment; filename="setup.exe"',
          'content-length': String(size),
        });
        await send(res, throttle(seededStream(3522, size), 3 * 1024 * 1024));
      },
    });
    await withSites([app, thanks], async () => {
      const f = await run(
        api,
        `${app.origin}/download`,
        'Lade den Installer herunter',
        {},
        120_000,
      );
      expectCompletedWith(f, [{ name: 'setup.exe', size, sha256: await seededSha256(3522, size) }]);
    });
  }, 130_000);
});
