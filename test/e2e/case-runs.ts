import { expect } from 'vitest';
import type { CaseSite } from '../fixtures/cases/case-site.ts';
import { expectExactFiles } from '../support/case-assertions.ts';
import { type FinishedRun, runTask } from '../support/e2e.ts';
import type { LocalApi } from '../support/local-api.ts';
import { CASE_PHRASINGS } from './phrasings.ts';

/** One case as the end-to-end tests run it through the API. */
export interface CaseSpec {
  id: keyof typeof CASE_PHRASINGS;
  start(): Promise<CaseSite>;
  /** Extra fields of the task body (download_timeout, browser_address, ...). */
  body?: (site: CaseSite) => Record<string, unknown>;
  /** Checks beyond the exact file set (request counts, generated PDFs). */
  check?: (site: CaseSite, finished: FinishedRun) => void | Promise<void>;
  /** Whether the exact-file comparison applies (false for generated files). */
  exactFiles?: boolean;
  timeoutMs?: number;
}

/** The case's own goal first, then its other phrasings. */
export function goalsOf(spec: CaseSpec, site: CaseSite): string[] {
  return [site.goal, ...CASE_PHRASINGS[spec.id]];
}

/**
 * Runs one phrasing of a case through the API on a fresh fixture site and asserts the outcome:
 * completed, exactly the expected files (names, sizes, SHA-256 of the bytes fetched from the signed
 * URLs), and the case's own checks.
 */
export async function runCase(api: LocalApi, spec: CaseSpec, phrasing: number): Promise<void> {
  const site = await spec.start();
  try {
    const goal = goalsOf(spec, site)[phrasing];
    const body = { url: site.startUrl, navigation_goal: goal, ...spec.body?.(site) };
    const finished = await runTask(api, body, spec.timeoutMs ?? 90_000);
    const context = `${spec.id} "${goal}": ${finished.run.failure_reason ?? finished.run.output?.summary}`;

    expect(finished.run.status, context).toBe('completed');
    if (spec.exactFiles !== false) expectExactFiles(finished.files, site.expected);
    await spec.check?.(site, finished);
  } finally {
    await site.close();
  }
}
