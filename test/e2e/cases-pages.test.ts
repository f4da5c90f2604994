import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startC01Site } from '../fixtures/cases/c01.ts';
import { startC02Site } from '../fixtures/cases/c02.ts';
import { startC03Site } from '../fixtures/cases/c03.ts';
import { startC04Site } from '../fixtures/cases/c04.ts';
import { startC05Site } from '../fixtures/cases/c05.ts';
import { startC07Site } from '../fixtures/cases/c07.ts';
import { startC08Site } from '../fixtures/cases/c08.ts';
import { type LocalApi, startLocalApi } from '../support/local-api.ts';
import { type CaseSpec, runCase } from './case-runs.ts';

const SPECS: CaseSpec[] = [
  { id: 'C01', start: () => startC01Site('A') },
  {
    id: 'C02',
    start: () => startC02Site(),
    check: (site) => expect(site.sites.app.count('GET', '/tiny.txt')).toBe(1),
  },
  { id: 'C03', start: () => startC03Site('A') },
  { id: 'C04', start: () => startC04Site() },
  { id: 'C05', start: () => startC05Site('A') },
  { id: 'C07', start: () => startC07Site() },
  { id: 'C08', start: () => startC08Site('A') },
];

let api: LocalApi;

beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api?.close());

describe.each(SPECS)('$id through the API', (spec) => {
  it.each([0, 1, 2, 3, 4])('completes with the expected files for phrasing %i', (phrasing) =>
    runCase(api, spec, phrasing),
  );
});
