import type { BrowserContext, Request } from 'playwright-core';

/** Request types whose completion can still lead to a download (exports, navigations). */
const WATCHED_TYPES = new Set(['document', 'fetch', 'xhr', 'other']);
const POLL_MS = 100;

/**
 * Counts the context's requests in flight, so that an action can wait for the work a click
 * started (an export that answers after 10 s) instead of guessing with a fixed sleep.
 */
export class NetworkActivity {
  readonly #inFlight = new Set<Request>();

  constructor(context: BrowserContext) {
    context.on('request', (request) => {
      if (WATCHED_TYPES.has(request.resourceType())) this.#inFlight.add(request);
    });
    const done = (request: Request) => this.#inFlight.delete(request);
    context.on('requestfinished', done);
    context.on('requestfailed', done);
    // a request whose response became a download never "finishes" as far as events go
    context.on('response', (response) => {
      const type = response.headers()['content-disposition'] ?? '';
      if (/^\s*attachment/i.test(type)) done(response.request());
    });
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /**
   * Waits until no watched request has been in flight for `quietMs`, until `timeoutMs`, or until
   * `done()` says the wait is no longer needed.
   */
  async waitForQuiet(quietMs: number, timeoutMs: number, done = () => false): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    let quietSince = this.#inFlight.size === 0 ? Date.now() : null;
    while (Date.now() < until && !done()) {
      if (this.#inFlight.size === 0) {
        quietSince ??= Date.now();
        if (Date.now() - quietSince >= quietMs) return true;
      } else {
        quietSince = null;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }

    return false;
  }
}
