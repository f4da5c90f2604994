import type { BrowserContext, Frame, Page, Request } from 'playwright-core';

function frameOf(request: Request): Frame | null {
  try {
    return request.frame();
  } catch {
    // requests of service workers have no frame
    return null;
  }
}

/** Request types whose completion can still lead to a download (exports, navigations). */
const WATCHED_TYPES = new Set(['document', 'fetch', 'xhr', 'other']);
const POLL_MS = 20;
/** A script request open longer than this is taken for a long poll or a stream, not work. */
const BACKGROUND_AFTER_MS = 60_000;

/**
 * Counts the context's requests in flight, so that an action can wait for the work a click
 * started (an export that answers after 10 s) instead of guessing with a fixed sleep.
 */
export class NetworkActivity {
  readonly #inFlight = new Map<Request, number>();
  readonly #answered = new WeakSet<Request>();

  /** When a watched request last began or ended, or a tab last loaded. */
  #lastActivity = Date.now();

  constructor(context: BrowserContext) {
    context.on('request', (request) => {
      if (!WATCHED_TYPES.has(request.resourceType())) return;
      this.#inFlight.set(request, Date.now());
      this.#lastActivity = Date.now();
    });
    context.on('response', (response) => this.#answered.add(response.request()));
    const done = (request: Request) => {
      if (this.#inFlight.delete(request)) this.#lastActivity = Date.now();
    };
    const watch = (page: Page) => {
      // a closed tab's requests never report an end
      page.on('close', () => {
        for (const request of this.#inFlight.keys()) {
          if (frameOf(request)?.page() === page) done(request);
        }
      });
      // the scripts of a page that has just loaded may start its data requests
      page.on('load', () => {
        this.#lastActivity = Date.now();
      });
    };
    for (const page of context.pages()) watch(page);
    context.on('page', watch);
    context.on('requestfinished', done);
    context.on('requestfailed', done);
    // a request whose response became a download never "finishes" as far as events go
    // and a page whose HTML has begun to arrive is loading, not preparing a file
    context.on('response', (response) => {
      const headers = response.headers();
      const request = response.request();
      if (/^\s*attachment/i.test(headers['content-disposition'] ?? '')) done(request);
      const html = /^text\/html/i.test(headers['content-type'] ?? '');
      if (html && request.resourceType() === 'document') done(request);
    });
  }

  /** URLs that `page` is navigating to whose servers have not answered yet. */
  unansweredNavigations(page: Page): string[] {
    const urls: string[] = [];
    for (const request of this.#inFlight.keys()) {
      const frame = frameOf(request);
      if (!request.isNavigationRequest() || this.#answered.has(request)) continue;
      if (frame && frame.parentFrame() === null && frame.page() === page) urls.push(request.url());
    }
    return urls;
  }

  /** Requests the page is still working on (documents, and script requests under a minute). */
  get inFlight(): number {
    const now = Date.now();
    let count = 0;
    for (const [request, since] of this.#inFlight) {
      const background = request.resourceType() !== 'document' && now - since > BACKGROUND_AFTER_MS;
      if (!background) count += 1;
    }
    return count;
  }

  /**
   * Waits until no watched request has been in flight, and no tab has loaded, for `quietMs`
   * counted from `since` at the earliest (the start of the wait unless given), until `timeoutMs`,
   * or until `done()` says the wait is no longer needed.
   */
  async waitForQuiet(
    quietMs: number,
    timeoutMs: number,
    done = () => false,
    since = Date.now(),
  ): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const quietFor = Date.now() - Math.max(this.#lastActivity, since);
      if (this.inFlight === 0 && quietFor >= quietMs) return true;
      if (Date.now() >= until || done()) return false;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
