import { expect } from 'vitest';
import type { BrowserSession, Observation, PageElement } from '../../lib/browser/types.ts';
import type { ExpectedFile } from '../fixtures/cases/case-site.ts';
import type { FetchedFile } from './browser-harness.ts';

/** The run holds exactly the expected files: same names (NFC), sizes and SHA-256, nothing else. */
export function expectExactFiles(actual: FetchedFile[], expected: ExpectedFile[]): void {
  const normalise = (files: { filename?: string; name?: string; size: number; sha256: string }[]) =>
    files
      .map((f) => ({
        name: (f.filename ?? f.name ?? '').normalize('NFC'),
        size: f.size,
        sha256: f.sha256,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  expect(normalise(actual)).toEqual(normalise(expected));
}

/** The first element of an observation that matches `test`, or a test failure. */
export function findElement(
  observation: Observation,
  test: (el: PageElement) => boolean,
): PageElement {
  const found = observation.elements.find(test);
  if (!found) throw new Error(`no matching element among ${observation.elements.length}`);
  return found;
}

/** Observes the page and clicks the element whose text or name contains `label`. */
export async function clickByText(
  session: BrowserSession,
  label: string,
  options: { expectDownload?: boolean; timeoutMs?: number } = {},
) {
  const observation = await session.observe();
  const el = findElement(observation, (e) => e.text.includes(label) || e.name.includes(label));
  return session.act(
    { kind: 'click', element: el.id, expectDownload: options.expectDownload },
    options.timeoutMs ?? 60_000,
  );
}
