import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startC11Site } from '../fixtures/cases/c11.ts';
import { startC13Site } from '../fixtures/cases/c13.ts';
import { startC15Site } from '../fixtures/cases/c15.ts';
import { startC16Site } from '../fixtures/cases/c16.ts';
import { startC19Site } from '../fixtures/cases/c19.ts';
import { startC20Site } from '../fixtures/cases/c20.ts';
import { type LocalApi, startLocalApi } from '../support/local-api.ts';
import { type CaseSpec, runCase } from './case-runs.ts';

const ZIP_END_OF_CENTRAL_DIRECTORY = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

const SPECS: CaseSpec[] = [
  { id: 'C11', start: () => startC11Site() },
  { id: 'C13', start: () => startC13Site('A') },
  {
    id: 'C15',
    start: () => startC15Site('A'),
    check: (site) => {
      for (const name of ['a.csv', 'b.pdf', 'c.png']) {
        expect(site.sites.app.count('GET', `/file/${name}`)).toBeGreaterThanOrEqual(1);
      }
    },
  },
  {
    id: 'C16',
    start: () => startC16Site('bundle'),
    check: (_site, { bytes }) => {
      const zip = bytes.get('bundle.zip')!;
      expect(zip.subarray(-22, -18)).toEqual(ZIP_END_OF_CENTRAL_DIRECTORY);
    },
    timeoutMs: 180_000,
  },
  { id: 'C19', start: () => startC19Site('webm') },
  { id: 'C20', start: () => startC20Site() },
];

let api: LocalApi;

beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api?.close());

describe.each(SPECS)('$id through the API', (spec) => {
  it.each([0, 1, 2, 3, 4])(
    'completes with the expected files for phrasing %i',
    (phrasing) => runCase(api, spec, phrasing),
    (spec.timeoutMs ?? 90_000) + 10_000,
  );
});
