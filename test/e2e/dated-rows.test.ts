import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { file, html, type Site, startSite } from '../fixtures/site.ts';
import { runTask } from '../support/e2e.ts';
import { type LocalApi, startLocalApi } from '../support/local-api.ts';

/** Invoices listed out of date order; the date sits in its own cell, every link says "Download". */
const INVOICES = [
  { id: 'inv-3107', date: '2024-01-15' },
  { id: 'inv-3342', date: '2024-05-15' },
  { id: 'inv-3215', date: '2024-03-15' },
];

let api: LocalApi;
let site: Site;

beforeAll(async () => {
  api = await startLocalApi();
  const rows = INVOICES.map(
    (inv) =>
      `<tr><td>${inv.id}</td><td>${inv.date}</td><td>€ 120.00</td>` +
      `<td><a href="/files/${inv.id}.pdf">Download</a></td></tr>`,
  ).join('');
  const routes: Parameters<typeof startSite>[0] = {
    'GET /invoices': html(
      `<h1>Invoices</h1><table><tr><th>Number</th><th>Issued</th><th>Amount</th><th></th></tr>${rows}</table>`,
    ),
  };
  for (const inv of INVOICES) {
    routes[`GET /files/${inv.id}.pdf`] = file(Buffer.from(`%PDF-1.7\n${inv.id}\n%%EOF\n`), {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="${inv.id}.pdf"`,
    });
  }
  site = await startSite(routes);
});
afterAll(async () => {
  await site?.close();
  await api?.close();
});

describe('a table whose row links all say "Download"', () => {
  it('gives the latest invoice by the date in its row', async () => {
    const { run, files } = await runTask(api, {
      url: `${site.origin}/invoices`,
      navigation_goal: 'Download the latest invoice',
    });

    expect(run.status).toBe('completed');
    expect(files.map((f) => f.filename)).toEqual(['inv-3342.pdf']);
  });

  it('gives the invoice of the month asked for', async () => {
    const { run, files } = await runTask(api, {
      url: `${site.origin}/invoices`,
      navigation_goal: 'Download the March 2024 invoice',
    });

    expect(run.status).toBe('completed');
    expect(files.map((f) => f.filename)).toEqual(['inv-3215.pdf']);
  });
});
