import { expect } from 'vitest';
import { sha256 } from '../fixtures/bytes.ts';
import type { ExpectedFile } from '../fixtures/cases/case-site.ts';
import type { Site } from '../fixtures/site.ts';
import { expectExactFiles } from '../support/case-assertions.ts';
import { type FinishedRun, runTask } from '../support/e2e.ts';
import type { LocalApi } from '../support/local-api.ts';

export function expected(name: string, bytes: Buffer): ExpectedFile {
  return { name, size: bytes.length, sha256: sha256(bytes) };
}

export function describeRun(f: FinishedRun): string {
  return JSON.stringify({
    status: f.run.status,
    failure_reason: f.run.failure_reason,
    summary: f.run.output?.summary,
    files: f.files.map((x) => `${x.filename} (${x.size})`),
    errors: f.run.errors?.map((e: { code: string; message: string }) => `${e.code}: ${e.message}`),
  });
}

/** Runs one task through the local API and returns the finished run. */
export async function run(
  api: LocalApi,
  startUrl: string,
  goal: string,
  extra: Record<string, unknown> = {},
  timeoutMs = 90_000,
): Promise<FinishedRun> {
  return runTask(api, { url: startUrl, navigation_goal: goal, ...extra }, timeoutMs);
}

/** Completed with exactly these files. */
export function expectCompletedWith(f: FinishedRun, files: ExpectedFile[]): void {
  expect(f.run.status, describeRun(f)).toBe('completed');
  expectExactFiles(f.files, files);
}

export async function withSites<T>(sites: Site[], body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } finally {
    await Promise.all(sites.map((s) => s.close()));
  }
}
