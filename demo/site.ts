import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Credentials of the demo portal's one user. */
export const DEMO_USER = { email: 'demo@acme.test', password: 'demo-pass-2026' };

/** How long the demo portal takes to prepare an export, like a real report job. */
export const EXPORT_DELAY_MS = 3_000;

export interface DemoSite {
  url: string;
  /** The CSV the export delivers, to compare with what the run stored. */
  exportCsv: Buffer;
  exportName: string;
  close(): Promise<void>;
}

const layout = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title} · Acme Cloud</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;color:#1d2733}
header{background:#1d4ed8;color:#fff;padding:12px 24px;display:flex;gap:24px;align-items:center}
header a{color:#fff;text-decoration:none}main{padding:24px;max-width:860px}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:8px;text-align:left}
button{background:#1d4ed8;color:#fff;border:0;padding:8px 14px;border-radius:4px;cursor:pointer}
button[disabled]{background:#94a3b8}
</style></head><body>${body}</body></html>`;

const nav = `<header><strong>Acme Cloud</strong><a href="/dashboard">Dashboard</a>
<a href="/reports">Reports</a><a href="/settings">Settings</a><a href="/logout">Sign out</a></header>`;

function usageCsv(): Buffer {
  const rows = ['date,service,requests,cost_usd'];
  const services = ['api', 'storage', 'compute', 'queue'];
  for (let day = 1; day <= 30; day++) {
    for (const [index, service] of services.entries()) {
      const requests = ((day * 7919 + index * 104_729) % 90_000) + 1_000;
      rows.push(
        `2026-11-${String(day).padStart(2, '0')},${service},${requests},${(requests / 1000).toFixed(2)}`,
      );
    }
  }

  return Buffer.from(`${rows.join('\n')}\n`);
}

const loginPage = (error = '') =>
  layout(
    'Sign in',
    `<main><h1>Sign in to Acme Cloud</h1>${error ? `<p role="alert" style="color:#b91c1c">${error}</p>` : ''}
<form method="post" action="/login">
<p><label>Email <input name="email" type="email" autocomplete="username"></label></p>
<p><label>Password <input name="password" type="password" autocomplete="current-password"></label></p>
<p><button type="submit">Sign in</button></p></form></main>`,
  );

const dashboardPage = () =>
  layout(
    'Dashboard',
    `${nav}<main><h1>Welcome back</h1><p>Your November 2026 usage is ready in <a href="/reports">Reports</a>.</p>
<table><tr><th>Service</th><th>Status</th></tr><tr><td>API</td><td>Healthy</td></tr>
<tr><td>Storage</td><td>Healthy</td></tr></table></main>`,
  );

const reportsPage = (exportName: string) =>
  layout(
    'Reports',
    `${nav}<main><h1>Reports</h1><p>Usage for November 2026, per day and service.</p>
<button id="export">Export usage report (CSV)</button> <span id="state" role="status"></span>
<script>
document.getElementById('export').addEventListener('click', async (event) => {
  const button = event.currentTarget;
  button.disabled = true;
  document.getElementById('state').textContent = 'Preparing your export…';
  const job = await (await fetch('/api/exports', { method: 'POST' })).json();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const status = await (await fetch('/api/exports/' + job.id)).json();
    if (status.ready) break;
  }
  document.getElementById('state').textContent = 'Export ready: ${exportName}';
  button.disabled = false;
  location.href = '/api/exports/' + job.id + '/file';
});
</script></main>`,
  );

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => resolve(new URLSearchParams(body)));
  });
}

/** Starts the bundled demo portal (login, dashboard, a report export that takes a few seconds). */
export async function startDemoSite(port = 0): Promise<DemoSite> {
  const sessions = new Set<string>();
  const jobs = new Map<string, number>();
  const exportCsv = usageCsv();
  const exportName = 'usage-report-2026-11.csv';

  const session = (req: IncomingMessage) =>
    /(?:^|;\s*)sid=([a-f0-9]+)/.exec(req.headers.cookie ?? '')?.[1] ?? '';

  const send = (res: ServerResponse, status: number, body: string, type = 'text/html') => {
    res.writeHead(status, { 'content-type': `${type}; charset=utf-8` });
    res.end(body);
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://demo');
    const signedIn = sessions.has(session(req));
    if (url.pathname === '/login' && req.method === 'POST') {
      const form = await readForm(req);
      if (form.get('email') !== DEMO_USER.email || form.get('password') !== DEMO_USER.password) {
        return send(res, 401, loginPage('Incorrect email or password.'));
      }
      const sid = randomBytes(16).toString('hex');
      sessions.add(sid);
      res.writeHead(303, { location: '/dashboard', 'set-cookie': `sid=${sid}; HttpOnly; Path=/` });
      return res.end();
    }
    if (url.pathname === '/' || url.pathname === '/login' || !signedIn) {
      return send(res, url.pathname === '/' || url.pathname === '/login' ? 200 : 401, loginPage());
    }
    if (url.pathname === '/dashboard') return send(res, 200, dashboardPage());
    if (url.pathname === '/reports') return send(res, 200, reportsPage(exportName));
    if (url.pathname === '/api/exports' && req.method === 'POST') {
      const id = randomBytes(6).toString('hex');
      jobs.set(id, Date.now() + EXPORT_DELAY_MS);
      return send(res, 202, JSON.stringify({ id }), 'application/json');
    }
    const job = /^\/api\/exports\/([a-f0-9]+)(\/file)?$/.exec(url.pathname);
    const readyAt = job ? jobs.get(job[1]) : undefined;
    if (job && readyAt !== undefined && !job[2]) {
      return send(res, 200, JSON.stringify({ ready: Date.now() >= readyAt }), 'application/json');
    }
    if (job && readyAt !== undefined && Date.now() >= readyAt) {
      res.writeHead(200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${exportName}"`,
        'content-length': exportCsv.length,
      });
      return res.end(exportCsv);
    }
    send(res, 404, layout('Not found', `${nav}<main><h1>Page not found</h1></main>`));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${bound}/`,
    exportCsv,
    exportName,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
