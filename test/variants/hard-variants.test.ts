import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAGIC, seededBytes, seededSha256, seededStream } from '../fixtures/bytes.ts';
import { makeCsv, makePdf, makeXlsx } from '../fixtures/documents.ts';
import { file, html, sleep, startSite } from '../fixtures/site.ts';
import { send, throttle, truncate } from '../fixtures/stream-body.ts';
import { type ExternalBrowser, launchExternalBrowser } from '../support/external-browser.ts';
import { type LocalApi, startLocalApi } from '../support/local-api.ts';
import { pdfText } from '../support/pdf-text.ts';
import { mountSmallDisk, writeJunk } from '../support/tmpfs.ts';
import { describeRun, expectCompletedWith, expected, run, withSites } from './helpers.ts';

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

describe('C23 variants: sandboxed iframe without allow-downloads', () => {
  it('V1: sandbox="allow-scripts" only, JS button in the widget, CSV', async () => {
    const csv = makeCsv(2301, 500);
    const app = await startSite({
      'GET /portal': html(
        '<h1>Portal</h1><iframe sandbox="allow-scripts" src="/embed/exports?t=1" width="500" height="120"></iframe>',
      ),
      'GET /embed/exports': html(
        `<button onclick="location.href='/embed/exports/ledger.csv'">Export ledger (CSV)</button>`,
      ),
      'GET /embed/exports/ledger.csv': file(csv, {
        'content-type': 'text/csv',
        'content-disposition': 'attachment; filename="ledger.csv"',
      }),
    });
    await withSites([app], async () => {
      const f = await run(
        api,
        `${app.origin}/portal`,
        'Export the ledger CSV from the embedded panel',
      );
      expectCompletedWith(f, [expected('ledger.csv', csv)]);
      expect(app.count('GET', '/embed/exports/ledger.csv')).toBeLessThanOrEqual(4);
    });
  });

  it('V2: srcdoc sandboxed iframe (no src to open), absolute link href, xlsx', async () => {
    const xlsx = makeXlsx(2302, 300);
    let origin = '';
    const app = await startSite({
      'GET /home': (req, res) =>
        html(
          `<h1>Home</h1><iframe sandbox="allow-same-origin allow-popups" srcdoc="${`<a href='${origin}/r/annual.xlsx'>Annual figures</a>`.replace(/"/g, '&quot;')}"></iframe>`,
        )(req, res),
      'GET /r/annual.xlsx': file(xlsx, {
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': 'attachment; filename="annual.xlsx"',
      }),
    });
    origin = app.origin;
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/home`, 'Download the annual figures');
      expectCompletedWith(f, [expected('annual.xlsx', xlsx)]);
      expect(app.count('GET', '/r/annual.xlsx')).toBeLessThanOrEqual(4);
    });
  });
});

describe('C25 variants: export starts seconds after the click', () => {
  it('V1: async job with polling, then location.href to the file (~6 s)', async () => {
    const csv = makeCsv(2501, 1000);
    let readyAt = 0;
    const app = await startSite({
      'GET /orders':
        html(`<h1>Orders</h1><button id="x">Export orders</button><span id="s"></span><script>
document.getElementById('x').onclick = async () => {
  document.getElementById('x').disabled = true; document.getElementById('s').textContent = 'Preparing…';
  const { id } = await (await fetch('/api/jobs', { method: 'POST' })).json();
  const poll = async () => { const j = await (await fetch('/api/jobs/' + id)).json();
    if (j.ready) { location.href = '/api/jobs/' + id + '/file'; } else setTimeout(poll, 1000); };
  poll();
};</script>`),
      'POST /api/jobs': (_req, res) => {
        readyAt = Date.now() + 6000;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id":"j1"}');
      },
      'GET /api/jobs/j1': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ready: readyAt > 0 && Date.now() >= readyAt }));
      },
      'GET /api/jobs/j1/file': file(csv, {
        'content-type': 'text/csv',
        'content-disposition': 'attachment; filename="orders-export.csv"',
      }),
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/orders`, 'Export the orders');
      expectCompletedWith(f, [expected('orders-export.csv', csv)]);
      expect(app.count('POST', '/api/jobs')).toBe(1);
    });
  });

  it('V2: XHR blob after 9 s, anchor name fixed "Users.xlsx", link-styled <a href="#">', async () => {
    const xlsx = makeXlsx(2502, 900);
    const app = await startSite({
      'GET /admin': html(`<a href="#" id="e" role="button">Export users</a><script>
document.getElementById('e').addEventListener('click', (ev) => { ev.preventDefault();
  const x = new XMLHttpRequest(); x.open('POST', '/api/export/users'); x.responseType = 'blob';
  x.onload = () => { const a = document.createElement('a'); a.href = URL.createObjectURL(x.response); a.download = 'Users.xlsx'; document.body.appendChild(a); a.click(); };
  x.send('{}');
});</script>`),
      'POST /api/export/users': async (req, res) => {
        for await (const _ of req) {
        }
        await sleep(9000);
        file(xlsx, {
          'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        })(req, res);
      },
    });
    await withSites([app], async () => {
      const f = await run(
        api,
        `${app.origin}/admin`,
        'Export all users to a spreadsheet',
        {},
        280_000,
      );
      expectCompletedWith(f, [expected('Users.xlsx', xlsx)]);
      expect(app.count('POST', '/api/export/users')).toBe(1);
      // the export answers after 9 s, from one click: no second click on the link it leaves
      expect(f.run.errors, describeRun(f)).toEqual([]);
    });
  }, 300_000);
});

describe('C29 variants: only a print button exists', () => {
  async function checkPdf(f: Awaited<ReturnType<typeof run>>, must: string[], mustNot: string) {
    expect(f.run.status, describeRun(f)).toBe('completed');
    expect(f.files).toHaveLength(1);
    expect(f.files[0].filename).toMatch(/\.pdf$/);
    const pdf = f.bytes.get(f.files[0].filename)!;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const { text } = await pdfText(pdf);
    for (const m of must) expect(text).toContain(m);
    expect(text).not.toContain(mustNot);
  }

  it('V1: <a href="#" onclick="window.print()">Download invoice (PDF)</a>, .no-print class', async () => {
    const nav = 'Menu: Dashboard Billing Settings';
    const app = await startSite({
      'GET /invoices/INV-5521':
        html(`<style>@media print { .no-print { display: none !important } }</style>
<div class="no-print">${nav}</div><h1>Invoice INV-5521</h1><p>Amount due: EUR 42.00</p>
<a href="#" class="no-print" onclick="window.print(); return false">Download invoice (PDF)</a>`),
    });
    await withSites([app], async () => {
      const f = await run(
        api,
        `${app.origin}/invoices/INV-5521`,
        'Download invoice INV-5521 as PDF',
      );
      await checkPdf(f, ['INV-5521', 'Amount due: EUR 42.00'], nav);
    });
  });

  it('V2: react-to-print style hidden iframe print; total only inside the iframe', async () => {
    const nav = 'Top bar: Shop Cart Profile';
    const receipt = `<style>@media print { header { display:none } }</style><header>${nav}</header><h1>Receipt ORD-9001</h1><p>Grand total: $77.10</p>`;
    const app = await startSite({
      'GET /orders/ORD-9001':
        html(`<header>${nav}</header><h1>Order ORD-9001</h1><button id="p">Print</button><script>
document.getElementById('p').onclick = () => { const f = document.createElement('iframe'); f.style.position = 'absolute'; f.style.width = '0'; f.style.height = '0';
  document.body.appendChild(f); f.contentDocument.write(${JSON.stringify(receipt)}); f.contentDocument.close();
  f.contentWindow.focus(); f.contentWindow.print(); setTimeout(() => f.remove(), 1000); };</script>`),
    });
    await withSites([app], async () => {
      const f = await run(
        api,
        `${app.origin}/orders/ORD-9001`,
        'Save the receipt for order ORD-9001 as a PDF',
      );
      await checkPdf(f, ['ORD-9001', 'Grand total: $77.10'], nav);
    });
  });
});

describe('C30 variants: attached over CDP', () => {
  it('V1: same-origin <a download="quarterly.pdf"> on an extensionless URL, window.open export, link in new tab', async () => {
    const pdf = makePdf([['Quarterly']], { padTo: 9000 });
    const csv = makeCsv(3001, 200);
    const png = seededBytes(3002, 12_000, MAGIC.png);
    const app = await startSite({
      'GET /files':
        html(`<p><a href="/blob/77" download="quarterly.pdf">Quarterly report (PDF)</a></p>
<p><button onclick="window.open('/export?fmt=csv')">Contacts export (CSV)</button></p>
<p><a href="/img/logo" target="_blank" rel="noopener">Logo (PNG)</a></p>`),
      'GET /blob/77': file(pdf, { 'content-type': 'application/octet-stream' }),
      'GET /export': file(csv, {
        'content-type': 'text/csv',
        'content-disposition': 'attachment; filename="contacts.csv"',
      }),
      'GET /img/logo': file(png, {
        'content-type': 'image/png',
        'content-disposition': 'attachment; filename="logo.png"',
      }),
    });
    await withSites([app], async () => {
      const downloadsDir = `${os.homedir()}/Downloads`;
      const before = fs.existsSync(downloadsDir) ? fs.readdirSync(downloadsDir).length : 0;
      const f = await run(
        api,
        `${app.origin}/files`,
        'Download the quarterly report PDF, the contacts CSV and the logo PNG',
        { browser_address: external.address },
      );
      expectCompletedWith(f, [
        expected('quarterly.pdf', pdf),
        expected('contacts.csv', csv),
        expected('logo.png', png),
      ]);
      expect(external.alive()).toBe(true);
      const after = fs.existsSync(downloadsDir) ? fs.readdirSync(downloadsDir).length : 0;
      expect(after).toBe(before);
    });
  });
});

describe('C30 control (same page, shipped browser, no CDP)', () => {
  it('side (planner, no CDP): unlabeled kinds, "the quarterly report, the contacts export and the logo image"', async () => {
    const pdf = makePdf([['Quarterly']], { padTo: 9000 });
    const csv = makeCsv(3001, 200);
    const png = seededBytes(3002, 12_000, MAGIC.png);
    const app = await startSite({
      'GET /files': html(`<p><a href="/blob/77" download="quarterly.pdf">Quarterly report</a></p>
<p><button onclick="window.open('/export?fmt=csv')">Contacts export</button></p>
<p><a href="/img/logo" target="_blank" rel="noopener">Logo image</a></p>`),
      'GET /blob/77': file(pdf, { 'content-type': 'application/octet-stream' }),
      'GET /export': file(csv, {
        'content-type': 'text/csv',
        'content-disposition': 'attachment; filename="contacts.csv"',
      }),
      'GET /img/logo': file(png, {
        'content-type': 'image/png',
        'content-disposition': 'attachment; filename="logo.png"',
      }),
    });
    await withSites([app], async () => {
      const f = await run(
        api,
        `${app.origin}/files`,
        'Download the quarterly report, the contacts export and the logo image',
      );
      expectCompletedWith(f, [
        expected('quarterly.pdf', pdf),
        expected('contacts.csv', csv),
        expected('logo.png', png),
      ]);
    });
  });
});

describe('C31 variants: small work disk', () => {
  const disk = mountSmallDisk(os.tmpdir(), 96 * 1024 * 1024);
  afterAll(() => disk?.unmount());
  it.skipIf(!disk)(
    'V1: JS-button parquet download; fits with 20 MB junk, then explicit disk failure with 60 MB junk',
    async () => {
      const size = 24 * 1024 * 1024;
      const local = await startLocalApi({ WORK_DIR: disk!.dir });
      const app = await startSite({
        'GET /warehouse': html(
          `<button onclick="location.href='/export/part-0001.parquet'">Download table export</button>`,
        ),
        'GET /export/part-0001.parquet': async (_req, res) => {
          res.writeHead(200, {
            'content-type': 'application/octet-stream',
            'content-length': String(size),
          });
          await send(res, seededStream(3101, size, Buffer.from('PAR1')));
        },
      });
      try {
        writeJunk(disk!.dir, 'old-profile-a', 20 * 1024 * 1024);
        const ok = await run(local, `${app.origin}/warehouse`, 'Download the table export');
        expectCompletedWith(ok, [
          {
            name: 'part-0001.parquet',
            size,
            sha256: await seededSha256(3101, size, Buffer.from('PAR1')),
          },
        ]);
        expect(fs.readdirSync(disk!.dir)).toEqual(['old-profile-a']);

        writeJunk(disk!.dir, 'old-profile-b', 40 * 1024 * 1024);
        const full = await run(local, `${app.origin}/warehouse`, 'Download the table export');
        expect(full.run.status, describeRun(full)).not.toBe('completed');
        expect(full.files).toEqual([]);
        expect(`${full.run.failure_reason} ${JSON.stringify(full.run.errors)}`).toMatch(
          /disk space/i,
        );
        expect(fs.readdirSync(disk!.dir).sort()).toEqual(['old-profile-a', 'old-profile-b']);
      } finally {
        await app.close();
        await local.close();
      }
    },
    180_000,
  );
});

describe('C32 variants: authenticated download', () => {
  it('V1: email/passcode login, unauthenticated download answers 200 text/html login page', async () => {
    const pdf = makePdf([['Agreement 88']], { padTo: 22_000 });
    const sessions = new Set<string>();
    const authed = (c?: string) => [...sessions].some((s) => (c ?? '').includes(`sid=${s}`));
    const loginPage =
      '<h1>Welcome back</h1><form method="post" action="/auth"><label>Email <input name="email" type="email"></label><label>Passcode <input name="passcode" type="password"></label><button>Continue</button></form>';
    const app = await startSite({
      'GET /': (req, res) =>
        authed(req.headers.cookie)
          ? html('<h1>Documents</h1><a href="/files/agreement?id=88">Agreement 88</a>')(req, res)
          : html(loginPage)(req, res),
      'POST /auth': async (req, res) => {
        let b = '';
        for await (const c of req) b += c;
        const form = new URLSearchParams(b);
        if (form.get('email') !== 'alice@example.test' || form.get('passcode') !== 'Tr0ub4dor&3') {
          html('<p>Invalid login</p>', 401)(req, res);
          return;
        }
        const sid = randomBytes(10).toString('hex');
        sessions.add(sid);
        res.writeHead(303, {
          location: '/',
          'set-cookie': `sid=${sid}; HttpOnly; SameSite=Strict; Path=/`,
        });
        res.end();
      },
      'GET /files/agreement': (req, res) => {
        if (!authed(req.headers.cookie)) return html(loginPage)(req, res);
        file(pdf, {
          'content-type': 'application/pdf',
          'content-disposition': 'attachment; filename="agreement-88.pdf"',
        })(req, res);
      },
    });
    await withSites([app], async () => {
      const f = await run(
        api,
        `${app.origin}/`,
        'Sign in with alice@example.test and passcode Tr0ub4dor&3, then download agreement 88',
      );
      expectCompletedWith(f, [expected('agreement-88.pdf', pdf)]);
    });
  });

  it('V2: download needs session AND same-origin Referer; without either → 302 to login', async () => {
    const pdf = makePdf([['Lease 12']], { padTo: 16_000 });
    const sessions = new Set<string>();
    let origin = '';
    const app = await startSite({
      'GET /signin': html(
        '<form method="post" action="/signin"><input name="username" placeholder="Username"><input name="pw" type="password" placeholder="Password"><button>Sign in</button></form>',
      ),
      'POST /signin': async (req, res) => {
        let b = '';
        for await (const c of req) b += c;
        const form = new URLSearchParams(b);
        if (form.get('username') !== 'bob' || form.get('pw') !== 'hunter2-hunter2') {
          html('<p>Wrong</p>', 401)(req, res);
          return;
        }
        const s = randomBytes(10).toString('hex');
        sessions.add(s);
        res.writeHead(302, {
          location: '/leases',
          'set-cookie': `S=${s}; HttpOnly; SameSite=Lax; Path=/`,
        });
        res.end();
      },
      'GET /leases': (req, res) => {
        if (![...sessions].some((s) => (req.headers.cookie ?? '').includes(`S=${s}`))) {
          res.writeHead(302, { location: '/signin' });
          res.end();
          return;
        }
        html('<a href="/leases/12/pdf">Lease 12 (PDF)</a>')(req, res);
      },
      'GET /leases/12/pdf': (req, res) => {
        const ok =
          [...sessions].some((s) => (req.headers.cookie ?? '').includes(`S=${s}`)) &&
          (req.headers.referer ?? '').startsWith(origin);
        if (!ok) {
          res.writeHead(302, { location: '/signin?next=/leases/12/pdf' });
          res.end();
          return;
        }
        file(pdf, {
          'content-type': 'application/pdf',
          'content-disposition': 'attachment; filename="lease-12.pdf"',
        })(req, res);
      },
    });
    origin = app.origin;
    await withSites([app], async () => {
      const f = await run(
        api,
        `${app.origin}/leases`,
        'Log in as bob with password hunter2-hunter2 and download lease 12',
      );
      expectCompletedWith(f, [expected('lease-12.pdf', pdf)]);
      for (const [, b] of f.bytes) expect(b.subarray(0, 5).toString()).toBe('%PDF-');
    });
  });
});

describe('C35 variants: session ends / connection drops mid-download', () => {
  it('V1: JS button starts download then page replaces itself and navigates to /done after 50 ms', async () => {
    const size = 10 * 1024 * 1024;
    const app = await startSite({
      'GET /get': html(`<button id="b">Download installer.iso</button><script>
document.getElementById('b').onclick = () => { location.href = '/files/installer.iso';
  setTimeout(() => { document.body.innerHTML = '<h1>Thanks! Your download has started.</h1>'; location.href = '/done'; }, 50); };</script>`),
      'GET /done': html('<h1>Download started, thank you!</h1>'),
      'GET /files/installer.iso': async (_req, res) => {
        res.writeHead(200, {
          'content-type': 'application/x-iso9660-image',
          'content-disposition': 'attachment; filename="installer.iso"',
          'content-length': String(size),
        });
        await send(res, throttle(seededStream(3501, size), 3 * 1024 * 1024));
      },
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/get`, 'Download the installer ISO', {}, 120_000);
      expectCompletedWith(f, [
        { name: 'installer.iso', size, sha256: await seededSha256(3501, size) },
      ]);
    });
  }, 130_000);

  it('V2: server closes cleanly (FIN) at 40 % with no Range support; 2 GETs max', async () => {
    const size = 8 * 1024 * 1024;
    let gets = 0;
    const app = await startSite({
      'GET /mirror': html('<a href="/pub/dataset.tar">dataset.tar (8 MB)</a>'),
      'GET /pub/dataset.tar': async (req, res) => {
        gets += 1;
        if (gets > 2) return html('<h1>Gone</h1>', 410)(req, res);
        res.writeHead(200, {
          'content-type': 'application/x-tar',
          'content-disposition': 'attachment; filename="dataset.tar"',
          'content-length': String(size),
        });
        const body =
          gets === 1
            ? truncate(seededStream(3502, size), Math.floor(size * 0.4))
            : seededStream(3502, size);
        for await (const chunk of throttle(body, 4 * 1024 * 1024)) {
          if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
        }
        if (gets === 1) res.socket?.end();
        else res.end();
      },
    });
    await withSites([app], async () => {
      const f = await run(api, `${app.origin}/mirror`, 'Download dataset.tar', {}, 120_000);
      const full = { name: 'dataset.tar', size, sha256: await seededSha256(3502, size) };
      if (f.run.status === 'completed') expectCompletedWith(f, [full]);
      else {
        expect(f.files, describeRun(f)).toEqual([]);
        expect(f.run.failure_reason, describeRun(f)).toBeTruthy();
      }
      for (const x of f.files) expect(x.size).toBe(size);
      expect(gets).toBeLessThanOrEqual(2);
    });
  }, 130_000);
});
