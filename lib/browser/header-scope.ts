import type { BrowserContext } from 'playwright-core';

/** Adds `headers` to the context's requests to `origin`, and to no other origin. */
export async function scopeExtraHeaders(
  context: BrowserContext,
  origin: string,
  headers: Record<string, string>,
): Promise<void> {
  const expected = new URL(origin).origin;
  await context.route(
    (url) => url.origin === expected,
    (route) => route.continue({ headers: { ...route.request().headers(), ...headers } }),
  );
}
