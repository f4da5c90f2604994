import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import type { Config } from '../config.ts';
import type { StoredFile } from '../contracts/run.ts';
import type { ArtifactStore } from '../files/artifact-store.ts';
import { RunFiles } from '../files/run-files.ts';
import type { Logger } from '../log.ts';
import { type ActionTarget, actionErrorEntry, navigate, performAction } from './actions.ts';
import { bounded } from './bounded.ts';
import { DownloadCapture } from './download-capture.ts';
import { interceptContext } from './interceptor.ts';
import { type LaunchedContext, launchContext, type PrintTarget } from './launch-context.ts';
import { NetworkActivity } from './network-activity.ts';
import { type FrameMap, observePage } from './observer.ts';
import { createPageGuard, type PageGuard } from './page-guard.ts';
import { installPageHooks } from './page-script.ts';
import { DownloadHints, ResponseLog } from './response-log.ts';
import { captureScreenshot } from './screenshot.ts';
import type { Action, ActionResult, BrowserSession, Observation, SessionOptions } from './types.ts';
import { removeSessionDirs } from './work-dir.ts';

/** What a session needs from the rest of the service. */
export interface BrowserSessionDeps {
  artifacts: ArtifactStore;
  /** Records a stored file on the run; false when the run already has the same bytes. */
  recordFile(file: StoredFile): Promise<boolean>;
  config: Config;
  logger: Logger;
}

const BLOCKED_DOWNLOAD = /download/i;
/** Longest time an observation may take; a page that hogs its thread gets a stub instead. */
const OBSERVE_BUDGET_MS = 15_000;
const STORAGE_STATE_BUDGET_MS = 10_000;
/** Longest wait for a printed frame's document (and its styles) to load before rendering it. */
const PRINT_RENDER_MS = 10_000;

/** What can be said of a page that did not answer in time: its URL, and that it is too busy. */
function busyObservation(page: Page, dialogs: string[]): Observation {
  return {
    url: page.isClosed() ? '' : page.url().slice(0, 2000),
    title: '',
    text: 'The page did not answer in time (it is too large or too busy to read).',
    elements: [],
    frames: [],
    tabs: [],
    dialogs: dialogs.splice(0).slice(-10),
    truncated: true,
    printRequested: false,
  };
}
const BLOCK_WORDS = /(blocked|disallowed|sandbox|mixed content|insecure|not allowed)/i;

function isTopLevel(request: Request): boolean {
  try {
    return request.frame().parentFrame() === null;
  } catch {
    // requests of service workers have no frame
    return false;
  }
}

class PlaywrightSession implements BrowserSession, ActionTarget {
  readonly context: BrowserContext;
  readonly capture: DownloadCapture;
  readonly files: RunFiles;
  readonly network: NetworkActivity;
  readonly downloadTimeoutMs: number;
  readonly deadline: number;
  frames: FrameMap = new Map();
  readonly hints = new DownloadHints();
  readonly #launched: LaunchedContext;
  readonly #options: SessionOptions;
  readonly #deps: BrowserSessionDeps;
  readonly #dialogs: string[] = [];
  #aborted: { url: string; topLevel: boolean; get: boolean }[] = [];
  #blockedReported = 0;
  readonly #responses = new ResponseLog();
  readonly #prints = new Map<Page, Promise<Buffer | null>>();
  #page: Page;
  #closed = false;
  readonly #guard: PageGuard;

  constructor(launched: LaunchedContext, options: SessionOptions, deps: BrowserSessionDeps) {
    this.#launched = launched;
    this.#options = options;
    this.#deps = deps;
    this.context = launched.context;
    this.deadline = options.deadline;
    this.downloadTimeoutMs = options.downloadTimeoutS * 1000;
    this.files = new RunFiles({
      runId: options.runId,
      artifacts: deps.artifacts,
      recordFile: deps.recordFile,
      config: deps.config,
      downloadSuffix: options.downloadSuffix,
      existingFiles: options.existingFiles,
    });
    const responses = this.#responses;
    const hints = this.hints;
    this.capture = new DownloadCapture({
      files: this.files,
      responses,
      hints,
      downloadsDir: launched.dirs.downloads,
      downloadTimeoutMs: this.downloadTimeoutMs,
      deadline: options.deadline,
      logger: deps.logger,
      refetch: (url) => this.#refetch(url),
    });
    this.network = new NetworkActivity(this.context);
    this.#guard = createPageGuard(this.context, (code, message) =>
      this.capture.report({ code, message: message.slice(0, 400) }),
    );
    this.context.on('response', (response) => responses.record(response));
    this.context.on('requestfailed', (request) => {
      const failure = request.failure()?.errorText ?? '';
      if (request.resourceType() !== 'document' || !failure.includes('ERR_ABORTED')) return;
      if (this.#aborted.length < 50) {
        this.#aborted.push({
          url: request.url(),
          topLevel: isTopLevel(request),
          get: request.method() === 'GET',
        });
      }
    });
    this.context.on('page', (page) => this.#watch(page));
    for (const page of this.context.pages()) this.#watch(page);
    this.#page = launched.page;
    launched.bindings.onHint = (hint) => hints.add(hint);
    launched.bindings.onPrint = (page, target) => this.#onPrint(page, target);
  }

  /** The active tab; when it has closed, the most recent tab still open. */
  page(): Page {
    if (this.#page.isClosed()) {
      const open = this.context.pages().filter((p) => !p.isClosed());
      if (open.length > 0) this.#page = open[open.length - 1];
    }
    return this.#page;
  }

  setPage(page: Page): void {
    this.#page = page;
  }

  takePrint(page: Page): Promise<Buffer | null> {
    const print = this.#prints.get(page) ?? Promise.resolve(null);
    this.#prints.delete(page);

    return print;
  }

  #watch(page: Page): void {
    this.capture.watch(page);
    this.#guard.onPage(page);
    page.on('dialog', (dialog) => {
      if (this.#dialogs.length < 50) {
        this.#dialogs.push(`${dialog.type()}: ${dialog.message().slice(0, 300)}`);
      }
      this.#guard.onDialog(
        page,
        () => dialog.accept(),
        () => dialog.dismiss(),
      );
    });
    page.on('console', (message) => {
      const text = message.text();
      if (BLOCKED_DOWNLOAD.test(text) && BLOCK_WORDS.test(text)) {
        this.capture.report({
          code: 'download_blocked',
          message: `The browser blocked a download: ${text.slice(0, 300)}`,
        });
      }
    });
  }

  /**
   * Renders a page the moment it asks to print, because such popups often close right after. A
   * frame that prints (a hidden frame holding a receipt) is rendered alone, from its document.
   */
  #onPrint(source: Page, target: PrintTarget): void {
    const page = target === 'popup' ? (this.context.pages().at(-1) ?? source) : source;
    const render =
      typeof target === 'object'
        ? this.#renderDocument(target.html, target.baseUrl)
        : renderPdf(page);
    const settled = render.catch(() => null);
    for (const key of new Set([page, source, this.#page])) this.#prints.set(key, settled);
  }

  /** A PDF of a document given as HTML, rendered in a tab of its own that is then closed. */
  async #renderDocument(html: string, baseUrl: string): Promise<Buffer> {
    const tab = await this.context.newPage();
    try {
      const base = `<base href="${baseUrl.replace(/[<>"]/g, '')}">`;
      const withBase = /<head[^>]*>/i.test(html)
        ? html.replace(/<head[^>]*>/i, (head) => `${head}${base}`)
        : `${base}${html}`;
      await tab.setContent(withBase, { waitUntil: 'load', timeout: PRINT_RENDER_MS });
      return await renderPdf(tab);
    } finally {
      await tab.close().catch(() => undefined);
    }
  }

  /** Opens a URL in a tab of its own so that its download starts again; the tab is closed. */
  async #refetch(url: string): Promise<boolean> {
    const before = this.capture.started;
    const tab = await this.context.newPage();
    await tab.goto(url, { timeout: this.downloadTimeoutMs }).catch(() => undefined);
    const started = await this.capture.waitForStart(before, 5000);
    // the tab stays open until the download is done, since closing it may cancel the download
    this.capture.settle(this.downloadTimeoutMs).finally(() => tab.close().catch(() => undefined));

    return started;
  }

  async open(url: string): Promise<ActionResult> {
    return this.#run({ kind: 'navigate', url }, this.deadline - Date.now(), () =>
      navigate(this, url, Math.min(this.deadline, Date.now() + this.#navigationBudget())),
    );
  }

  #navigationBudget(): number {
    return Math.max(this.downloadTimeoutMs, 30_000);
  }

  /** Observes the active tab within OBSERVE_BUDGET_MS; a page too busy to answer gives a stub. */
  async observe(): Promise<Observation> {
    const page = this.page();
    const budget = Math.max(1000, Math.min(OBSERVE_BUDGET_MS, this.deadline - Date.now()));
    const result = await bounded(observePage(this.context, page, this.#dialogs), budget);
    if (result) {
      this.frames = result.frames;
      return result.observation;
    }
    this.frames = new Map();

    return busyObservation(page, this.#dialogs);
  }

  act(action: Action, timeoutMs: number): Promise<ActionResult> {
    const until = Math.min(this.deadline, Date.now() + timeoutMs);

    return this.#run(action, timeoutMs, () => performAction(this, action, until));
  }

  async settle(timeoutMs: number): Promise<ActionResult> {
    await this.capture.settle(Math.min(timeoutMs, this.deadline - Date.now()));

    return this.#result(true, []);
  }

  screenshot(maxScrolls: number): Promise<Buffer> {
    return captureScreenshot(this.page(), maxScrolls);
  }

  /** Cookies and storage now; null when the browser does not answer within the budget. */
  storageState(): Promise<unknown> {
    return bounded(this.context.storageState(), STORAGE_STATE_BUDGET_MS);
  }

  async abort(): Promise<void> {
    if (this.#closed) return;
    this.capture.stop();
    await this.#launched.abort();
  }

  async close(): Promise<{ traceKey: string | null }> {
    if (this.#closed) return { traceKey: null };
    this.#closed = true;
    this.capture.stop();
    try {
      return await this.#launched.finish(this.#deps.artifacts, this.#options);
    } finally {
      await removeSessionDirs(this.#launched.dirs);
    }
  }

  async #run(action: Action, _timeoutMs: number, work: () => Promise<void>) {
    const errors: ActionResult['errors'] = [];
    let ok = true;
    try {
      await work();
    } catch (error) {
      ok = false;
      errors.push(actionErrorEntry(action, error));
      if (!(error instanceof Error && error.name === 'ActionError')) {
        this.#deps.logger.warn('browser action failed', { action: action.kind, error });
      }
    }

    return this.#result(ok, errors);
  }

  #result(ok: boolean, found: ActionResult['errors']): ActionResult {
    const errors = [...found];
    const drained = this.capture.drain();
    const page = this.page();
    const current = page.isClosed() ? '' : page.url();
    const abandoned = this.#aborted.filter(
      (entry) => !this.capture.hasStarted(entry.url) && entry.url !== current,
    );
    this.#aborted = [];
    for (const entry of abandoned) {
      const disposition = this.#responses.get(entry.url)?.contentDisposition ?? '';
      if (!entry.topLevel && /^\s*attachment/i.test(disposition)) {
        // Chromium drops downloads of sandboxed frames without a word; this is the only trace
        errors.push({
          code: 'download_blocked',
          message: `A frame's download was blocked (sandboxed frame?): ${entry.url.slice(0, 300)}`,
        });
      }
    }
    // only a GET can be asked for again by opening its URL: a form's POST would lose its body
    const abandonedUrls = [...new Set(abandoned.filter((e) => e.get).map((entry) => entry.url))];
    const blocked = this.#launched.egress?.blocked() ?? [];
    for (const attempt of blocked.slice(this.#blockedReported)) {
      errors.push({ code: 'blocked_address', message: attempt.message });
    }
    this.#blockedReported = blocked.length;

    return {
      ok,
      files: drained.files,
      pendingDownloads: this.capture.pending,
      errors: [...errors, ...drained.errors],
      url: current,
      abandonedUrls,
    };
  }
}

/** A PDF of the tab as it prints (print styles applied). */
async function renderPdf(page: Page): Promise<Buffer> {
  await page.emulateMedia({ media: 'print' });
  try {
    return await page.pdf({ printBackground: true });
  } finally {
    await page.emulateMedia({ media: null }).catch(() => undefined);
  }
}

/**
 * Opens a browser session for one run: launches the packaged Chromium in a fresh profile (or
 * attaches to the caller's browser), and captures every download into the run's files.
 */
export async function openBrowserSession(
  options: SessionOptions,
  deps: BrowserSessionDeps,
): Promise<BrowserSession> {
  const launched = await launchContext(options, deps.config, installPageHooks);
  try {
    const session = new PlaywrightSession(launched, options, deps);
    const headers =
      options.extraHttpHeaders && options.headersOrigin
        ? { origin: options.headersOrigin, values: options.extraHttpHeaders }
        : null;
    await interceptContext(launched.context, {
      headers,
      wantsDownload: (url) => session.hints.get(url) !== null,
    });
    return session;
  } catch (error) {
    await launched.finish(null, options).catch(() => undefined);
    await removeSessionDirs(launched.dirs);
    throw error;
  }
}

export type { Browser };
