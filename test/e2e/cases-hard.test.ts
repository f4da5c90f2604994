import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startC23Site } from '../fixtures/cases/c23.ts';
import { startC25Site } from '../fixtures/cases/c25.ts';
import { C29_NAV_TEXT, startC29Site } from '../fixtures/cases/c29.ts';
import { startC30Site } from '../fixtures/cases/c30.ts';
import { startC31Site } from '../fixtures/cases/c31.ts';
import { startC32Site } from '../fixtures/cases/c32.ts';
import { startC35Site } from '../fixtures/cases/c35.ts';
import { type ExternalBrowser, launchExternalBrowser } from '../support/external-browser.ts';
import { type LocalApi, startLocalApi } from '../support/local-api.ts';
import { pdfText } from '../support/pdf-text.ts';
import { type CaseSpec, runCase } from './case-runs.ts';

let api: LocalApi;
let external: ExternalBrowser;

const SPECS: CaseSpec[] = [
  {
    id: 'C23',
    start: () => startC23Site(),
    check: (site) =>
      expect(site.sites.app.count('GET', '/widget/reports/q2.pdf')).toBeLessThanOrEqual(4),
  },
  {
    id: 'C25',
    start: () => startC25Site(),
    check: (site) => expect(site.sites.app.count('POST', '/api/users/export')).toBe(1),
  },
  {
    id: 'C29',
    start: () => startC29Site('A'),
    exactFiles: false,
    check: async (_site, { files, bytes }) => {
      expect(files).toHaveLength(1);
      expect(files[0].filename).toMatch(/\.pdf$/);
      const pdf = bytes.get(files[0].filename)!;
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const { pages, text } = await pdfText(pdf);
      expect(pages).toBeGreaterThanOrEqual(1);
      expect(text).toContain('ORD-48213');
      expect(text).toContain('Total: $123.45');
      expect(text).not.toContain(C29_NAV_TEXT);
    },
  },
  {
    id: 'C30',
    start: () => startC30Site(),
    body: () => ({ browser_address: external.address }),
    check: () => expect(external.alive()).toBe(true),
  },
  { id: 'C31', start: () => startC31Site(), timeoutMs: 120_000 },
  { id: 'C32', start: () => startC32Site() },
  { id: 'C35', start: () => startC35Site('A'), timeoutMs: 120_000 },
];

beforeAll(async () => {
  api = await startLocalApi();
  external = await launchExternalBrowser();
});
afterAll(async () => {
  await external?.close();
  await api?.close();
});

describe.each(SPECS)('$id through the API', (spec) => {
  it.each([0, 1, 2, 3, 4])(
    'completes with the expected files for phrasing %i',
    (phrasing) => runCase(api, spec, phrasing),
    (spec.timeoutMs ?? 90_000) + 10_000,
  );
});
