import type { Download, Page } from 'playwright-core';
import type { LocalFile, RunFiles } from '../files/run-files.ts';
import type { Logger } from '../log.ts';
import { awaitDownload, INTERRUPTED, precheckDownload } from './download-completion.ts';
import { claimGrowingFile, INCOMPLETE, storeWhileArriving, WRONG_FILE } from './download-stream.ts';
import { restoreGzip } from './gzip-restore.ts';
import type { DownloadHints, ResponseLog } from './response-log.ts';
import type { ActionResult, CapturedFile } from './types.ts';

type RunErrorEntry = ActionResult['errors'][number];

export interface DownloadCaptureOptions {
  files: RunFiles;
  responses: ResponseLog;
  hints: DownloadHints;
  /** The folder the browser writes downloads to (on the run's own work disk). */
  downloadsDir: string;
  downloadTimeoutMs: number;
  deadline: number;
  logger: Logger;
  /** Fetches a URL again in a fresh tab, resolving once its download has started (or not). */
  refetch(url: string): Promise<boolean>;
}

/** How many times an interrupted GET download is fetched again. */
const MAX_REFETCHES = 1;

/**
 * A plain-http download started from an https page: Chrome blocks these, and so does the service
 * in every build, so that a run's outcome does not depend on the browser it ran in.
 */
function isInsecureFromSecure(url: string, page: Page): boolean {
  if (!url.startsWith('http:')) return false;
  const opener = page.url() === 'about:blank' ? '' : page.url();

  return opener.startsWith('https:');
}

/**
 * Captures every download of a browser context: each page and popup reports its downloads here,
 * each one is awaited (up to download_timeout), checked and stored, and the results are handed
 * to the next action that asks.
 */
export class DownloadCapture {
  readonly #options: DownloadCaptureOptions;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #finished: CapturedFile[] = [];
  readonly #errors: RunErrorEntry[] = [];
  readonly #watched = new WeakSet<Page>();
  #started = 0;
  readonly #startedUrls = new Set<string>();
  readonly #refetches = new Map<string, number>();
  readonly #claimed = new Set<string>();
  #startListeners: Array<() => void> = [];
  #stopped = false;

  constructor(options: DownloadCaptureOptions) {
    this.#options = options;
  }

  /** Listens to a page's downloads (every page and popup of the context must be watched). */
  watch(page: Page): void {
    if (this.#watched.has(page)) return;
    this.#watched.add(page);
    page.on('download', (download) => this.#onDownload(download));
  }

  /** How many downloads have started so far. */
  get started(): number {
    return this.#started;
  }

  /** Whether a download of `url` has started in this session. */
  hasStarted(url: string): boolean {
    return this.#startedUrls.has(url);
  }

  get pending(): number {
    return this.#inFlight.size;
  }

  /** Resolves true as soon as more than `count` downloads have started, false after the wait. */
  waitForStart(count: number, timeoutMs: number): Promise<boolean> {
    if (this.#started > count) return Promise.resolve(true);

    return new Promise((resolve) => {
      const listener = () => {
        if (this.#started <= count) return;
        clearTimeout(timer);
        this.#startListeners = this.#startListeners.filter((l) => l !== listener);
        resolve(true);
      };
      const timer = setTimeout(
        () => {
          this.#startListeners = this.#startListeners.filter((l) => l !== listener);
          resolve(false);
        },
        Math.max(0, timeoutMs),
      );
      this.#startListeners.push(listener);
    });
  }

  /** Waits until no download is in flight, or the wait is over. */
  async settle(timeoutMs: number): Promise<void> {
    const until = Date.now() + Math.max(0, timeoutMs);
    while (this.#inFlight.size > 0 && Date.now() < until) {
      let timer: NodeJS.Timeout | undefined;
      const wait = new Promise((resolve) => {
        timer = setTimeout(resolve, until - Date.now());
      });
      await Promise.race([Promise.allSettled([...this.#inFlight]), wait]);
      clearTimeout(timer);
    }
  }

  /** Files and errors since the last call. */
  drain(): { files: CapturedFile[]; errors: RunErrorEntry[] } {
    return {
      files: this.#finished.splice(0),
      errors: this.#errors.splice(0),
    };
  }

  /**
   * Records a file stored outside a download (a printed page). A refused file says why in its
   * `rejected`, which the run's errors take from there, so it is not an error here as well.
   */
  record(file: CapturedFile): void {
    this.#finished.push(file);
  }

  /** Stops for good once the run has ended: no download starts, is fetched again or is stored. */
  stop(): void {
    this.#stopped = true;
  }

  /** Records a problem found outside a download (a blocked download, a refused file). */
  report(error: RunErrorEntry): void {
    this.#errors.push(error);
  }

  #onDownload(download: Download): void {
    // the run has ended: a download that begins now is not part of it
    if (this.#stopped) {
      download.cancel().catch(() => undefined);
      return;
    }
    this.#started += 1;
    if (this.#startedUrls.size < 1000) this.#startedUrls.add(download.url());
    for (const listener of [...this.#startListeners]) listener();
    const task = this.#capture(download)
      .then((file) => {
        if (file) this.record(file);
      })
      .catch((error: unknown) => {
        this.#options.logger.error('download capture failed', { error });
        this.#errors.push({
          code: 'download_failed',
          message: `The download of ${download.suggestedFilename()} could not be stored`,
        });
      })
      .finally(() => {
        this.#inFlight.delete(task);
        download.delete().catch(() => undefined);
      });
    this.#inFlight.add(task);
  }

  /** Fetches an interrupted GET download once more, within the deadline. */
  async #refetch(url: string, method: string | null, name: string): Promise<boolean> {
    const count = this.#refetches.get(url) ?? 0;
    if (this.#stopped || method !== 'GET' || !/^https?:/.test(url) || count >= MAX_REFETCHES)
      return false;
    this.#refetches.set(url, count + 1);
    this.#errors.push({
      code: 'download_interrupted',
      message: `The download of ${name} was interrupted; fetching it once more`,
    });

    return this.#options.refetch(url);
  }

  async #capture(download: Download): Promise<CapturedFile | null> {
    const url = download.url();
    const facts = this.#options.responses.get(url);
    const name = download.suggestedFilename();
    const refuse = (rejected: string): CapturedFile => ({
      stored: null,
      duplicate: false,
      rejected,
      suggestedName: name,
      sourceUrl: url.startsWith('data:') ? 'data:' : url,
    });
    if (isInsecureFromSecure(url, download.page())) {
      await download.cancel();
      this.#errors.push({
        code: 'download_blocked',
        message: `An insecure (http) download from a secure page was blocked: ${url.slice(0, 300)}`,
      });
      return refuse(`${name} was blocked: insecure download from a secure page`);
    }
    const announced = facts?.contentLength ?? null;
    const early =
      announced !== null
        ? await precheckDownload(this.#options.files, this.#options.downloadsDir, announced)
        : null;
    if (early) {
      await download.cancel();
      return refuse(`${name} was not downloaded: ${early}`);
    }
    // the response may be recorded only after the download started: read it again when needed
    const expectedSize = () => {
      const latest = this.#options.responses.get(url) ?? facts;
      return latest?.contentEncoding ? null : (latest?.contentLength ?? null);
    };
    const file = {
      expectedSize: announced,
      sources: {
        url,
        contentDisposition: facts?.contentDisposition ?? null,
        contentType: facts?.contentType ?? null,
        downloadAttribute: this.#options.hints.get(url),
        suggestedName: name,
      },
    };
    const completion = awaitDownload(download, this.#options);
    const streamed = await this.#storeWhileArriving(download, completion, file, expectedSize);
    const outcome = await completion;
    const cut = outcome === INTERRUPTED || streamed?.rejected?.endsWith(INCOMPLETE) === true;
    if (cut && (await this.#refetch(url, this.#options.responses.get(url)?.method ?? null, name))) {
      return null;
    }
    if (streamed) return streamed;
    if (outcome) return refuse(`${name} did not download completely: ${outcome}`);

    const saved = await download.path();
    const encoding = (this.#options.responses.get(url) ?? facts)?.contentEncoding ?? null;
    const path = await restoreGzip(saved, name, encoding);

    return this.#options.files.storeLocal({
      ...file,
      expectedSize: path === saved ? expectedSize() : null,
      path,
    });
  }

  /**
   * Uploads the download while it arrives, when its partial file can be told apart; null when it
   * cannot (the finished file is stored instead).
   */
  async #storeWhileArriving(
    download: Download,
    completion: Promise<string | null>,
    file: Omit<LocalFile, 'path'>,
    expectedSize: () => number | null,
  ): Promise<CapturedFile | null> {
    const claimed = await claimGrowingFile(this.#options.downloadsDir, this.#claimed, completion);
    if (!claimed) return null;
    try {
      const { files } = this.#options;
      const stored = await storeWhileArriving(
        files,
        download,
        claimed,
        completion,
        file,
        expectedSize,
      );
      if (stored.rejected?.endsWith(WRONG_FILE)) return null;
      if (stored.rejected) download.cancel().catch(() => undefined);
      return stored;
    } finally {
      await claimed.handle.close().catch(() => undefined);
    }
  }
}
