import type { BrowserContext, ElementHandle, Page } from 'playwright-core';
import { firstLineOf } from '../errors.ts';
import { sanitizeFilename, withExtension } from '../files/filename.ts';
import type { RunFiles } from '../files/run-files.ts';
import { bounded } from './bounded.ts';
import type { DownloadCapture } from './download-capture.ts';
import type { NetworkActivity } from './network-activity.ts';
import { type FrameMap, inFrame, resolveElement } from './observer.ts';
import { isScriptFree, metaRefreshDelay } from './page-script.ts';
import type { Action, ActionResult } from './types.ts';

type RunErrorEntry = ActionResult['errors'][number];

/** How long a download may take to start once the page's requests have settled. */
const DOWNLOAD_GRACE_MS = 250;
/** Quiet network time that counts as "the page has finished reacting". */
const QUIET_MS = 500;
/**
 * Quiet network time after which an expected download is taken not to be coming: a download
 * that will come keeps a request open (an export being built, a slow server) or starts soon after
 * the page settles, while a click that led to an ordinary page (a login form) goes quiet.
 */
const NO_DOWNLOAD_QUIET_MS = 3000;
/** Quiet network time after an action on a page that runs no script (see afterInteraction). */
const SCRIPT_FREE_QUIET_MS = 150;
/** Longest wait for a page to answer whether it runs scripts. */
const PROBE_MS = 2000;
/** Quiet network time after the load event, for the data requests of single-page apps. */
const AFTER_LOAD_QUIET_MS = 300;
/** Longest wait for a page to reach its load event after an action, and then to settle. */
const LOAD_WAIT_MS = 5000;
/** Time past an action's deadline after which it is abandoned as hung. */
const OVERDUE_GRACE_MS = 2000;
/** The longest meta refresh delay waited for; a page that reloads less often is left as it is. */
const MAX_REFRESH_WAIT_MS = 10_000;

/** What actions need from the session. */
export interface ActionTarget {
  context: BrowserContext;
  page(): Page;
  setPage(page: Page): void;
  frames: FrameMap;
  capture: DownloadCapture;
  files: RunFiles;
  network: NetworkActivity;
  downloadTimeoutMs: number;
  deadline: number;
  /** A print the page asked for (window.print), rendered when it happened. */
  takePrint(page: Page): Promise<Buffer | null>;
}

/** An expected failure of an action, phrased for the run's errors. */
export class ActionError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'ActionError';
    this.code = code;
  }
}

/** Whether a navigation error means the response became a download. */
export function isDownloadAbort(error: unknown): boolean {
  return /Download is starting|net::ERR_ABORTED/.test(firstLineOf(error));
}

async function element(target: ActionTarget, id: string): Promise<ElementHandle<Element>> {
  const handle = await resolveElement(target.frames, id);
  if (!handle) {
    throw new ActionError('element_not_found', `Element ${id} is no longer on the page`);
  }

  return handle;
}

/**
 * Whether every open tab has loaded and can run no script (see isScriptFree): such tabs start
 * nothing once loaded, so the waits for late requests and late downloads can be skipped.
 */
export async function tabsScriptFree(target: ActionTarget): Promise<boolean> {
  const pages = target.context.pages().filter((page) => !page.isClosed());
  const answers = await Promise.all(
    pages.map((page) => bounded(inFrame(page.mainFrame(), isScriptFree, null), PROBE_MS)),
  );

  return answers.every((answer) => answer === true);
}

/**
 * The time left for a download to start, counted from now: download_timeout ("how long to wait
 * for a click to start one"), within the action's own deadline `until`.
 */
function startWindow(target: ActionTarget, until: number): () => number {
  const startBy = Math.min(until, Date.now() + target.downloadTimeoutMs);

  return () => Math.max(0, startBy - Date.now());
}

/** Waits until the active tab has loaded or a download has begun, within `ms`. */
async function loadedOrDownloading(target: ActionTarget, seen: number, ms: number) {
  const loaded = target
    .page()
    .waitForLoadState('load', { timeout: ms || 1 })
    .then(() => true)
    .catch(() => false);
  await Promise.race([loaded, target.capture.waitForStart(seen, ms)]);
}

/**
 * After an interaction: gives downloads time to start (up to download_timeout from the action when
 * one is expected or the page is still working), waits for started ones to finish, and follows a
 * new tab. `scriptFree` says the page acted on ran no script: only its navigation can follow, and
 * that begins at once, so a short quiet time tells that nothing more is coming.
 */
export async function afterInteraction(
  target: ActionTarget,
  startedBefore: number,
  pagesBefore: Set<Page>,
  expectDownload: boolean,
  until: number,
  scriptFree = false,
): Promise<void> {
  const left = () => Math.max(0, until - Date.now());
  const startLeft = startWindow(target, until);
  // every quiet time below counts from the action at the earliest, not from the wait's own start
  const actedAt = Date.now();
  const seen = startedBefore;
  const begun = () => target.capture.started > seen;
  const firstQuiet = scriptFree ? SCRIPT_FREE_QUIET_MS : expectDownload ? NO_DOWNLOAD_QUIET_MS : 0;
  if (firstQuiet > 0) {
    // Limitation: an export computed in the page for longer than NO_DOWNLOAD_QUIET_MS with no
    // request open is taken for "no download"; the planner then sees no file and moves on.
    await target.network.waitForQuiet(firstQuiet, startLeft(), begun, actedAt);
  }
  await loadedOrDownloading(target, seen, Math.min(left(), LOAD_WAIT_MS));
  const startMs = target.downloadTimeoutMs;
  if (expectDownload && !begun() && startLeft() === 0) {
    await stopSilentNavigation(target, startMs, true);
  }
  const settledPages = await tabsScriptFree(target);
  const started = settledPages
    ? begun()
    : await lateDownloads(target, seen, left, { window: startLeft, since: actedAt });
  if (expectDownload && !started) await stopSilentNavigation(target, startMs, true);
  if (target.capture.pending > 0) await target.capture.settle(left());
  followNewTab(target, pagesBefore);
  if (started) return;
  await target
    .page()
    .waitForLoadState('load', { timeout: Math.min(left(), LOAD_WAIT_MS) || 1 })
    .catch(() => undefined);
  if (!settledPages) {
    // a single-page app asks for its data once its scripts have run: let those requests settle
    const wait = Math.min(left(), LOAD_WAIT_MS);
    await target.network.waitForQuiet(AFTER_LOAD_QUIET_MS, wait, undefined, actedAt);
  }
  await followRefresh(target, left);
}

/**
 * A page that has loaded and refreshes itself within a few seconds (a meta refresh, as some
 * interstitials do after setting a cookie) is not where the run stays: waits for the refresh to
 * navigate or start a download, and for what it leads to.
 */
async function followRefresh(target: ActionTarget, left: () => number): Promise<void> {
  const page = target.page();
  const delayS = await bounded(inFrame(page.mainFrame(), metaRefreshDelay, null), PROBE_MS);
  if (typeof delayS !== 'number' || delayS * 1000 > Math.min(left(), MAX_REFRESH_WAIT_MS)) return;
  const seen = target.capture.started;
  const timeout = Math.min(left(), delayS * 1000 + LOAD_WAIT_MS);
  const navigated = page
    .waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout })
    .then(() => true)
    .catch(() => false);
  await Promise.race([navigated, target.capture.waitForStart(seen, timeout)]);
  if (target.capture.started > seen) {
    await target.capture.settle(left());
    return;
  }
  if (!(await navigated)) return;
  await target
    .page()
    .waitForLoadState('load', { timeout: Math.min(left(), LOAD_WAIT_MS) || 1 })
    .catch(() => undefined);
  await target.network.waitForQuiet(AFTER_LOAD_QUIET_MS, Math.min(left(), LOAD_WAIT_MS));
}

/**
 * The page may go on starting downloads (several files from one click, an export answering
 * late): waits while its requests settle, and once more after each batch of downloads. True when
 * any download began since `seen`. `first` is the window and quiet start of the first wait.
 */
async function lateDownloads(
  target: ActionTarget,
  seen: number,
  left: () => number,
  first: { window: () => number; since: number },
) {
  let last = seen;
  let startLeft = first.window;
  let since = first.since;
  for (;;) {
    const begun = () => target.capture.started > last;
    await target.network.waitForQuiet(QUIET_MS, startLeft(), begun, since);
    const more = await target.capture.waitForStart(last, Math.min(startLeft(), DOWNLOAD_GRACE_MS));
    if (!more || left() === 0) break;
    last = target.capture.started;
    await target.capture.settle(left());
    // the next file of a batch gets a window and a quiet time of its own, from the end of the last
    startLeft = startWindow(target, Date.now() + left());
    since = Date.now();
  }

  return target.capture.started > seen;
}

/**
 * Gives up on a navigation of the active tab whose server has not answered after `waitedMs`:
 * stops it, so the tab answers again (a tab waiting on a navigation runs no script and takes no
 * screenshot), and fails the action saying so. Does nothing when no navigation is waiting.
 */
async function stopSilentNavigation(
  target: ActionTarget,
  waitedMs: number,
  expectDownload: boolean,
): Promise<void> {
  const page = target.page();
  const [url] = target.network.unansweredNavigations(page);
  if (!url) return;
  const cdp = await target.context.newCDPSession(page);
  try {
    await bounded(cdp.send('Page.stopLoading'), PROBE_MS);
  } finally {
    await cdp.detach().catch(() => undefined);
  }
  const seconds = Math.round(waitedMs / 100) / 10;
  const silent = `${url.slice(0, 300)} did not answer within`;
  throw expectDownload
    ? new ActionError(
        'download_not_started',
        `No download started: ${silent} download_timeout (${seconds} s), and its request was stopped`,
      )
    : new ActionError('navigation_timeout', `${silent} ${seconds} s, and its request was stopped`);
}

/** A tab that never committed a page (its navigation became a download, or it is blank). */
function isEmptyTab(url: string): boolean {
  return url === '' || url === 'about:blank';
}

/**
 * Switches to a tab the action opened, unless it is an empty tab or one whose only content
 * became a download (such tabs never show a page).
 */
function followNewTab(target: ActionTarget, pagesBefore: Set<Page>): void {
  const open = target.context.pages().filter((p) => !p.isClosed());
  const fresh = open.filter(
    (p) => !pagesBefore.has(p) && !isEmptyTab(p.url()) && !target.capture.hasStarted(p.url()),
  );
  if (fresh.length > 0) target.setPage(fresh[fresh.length - 1]);
  else if (target.page().isClosed() && open.length > 0) target.setPage(open[open.length - 1]);
}

/** Opens a URL in the active tab; a URL that turns into a download is not an error. */
export async function navigate(
  target: ActionTarget,
  url: string,
  until: number,
  expectDownload = false,
): Promise<void> {
  const startedBefore = target.capture.started;
  const pagesBefore = new Set(target.context.pages());
  // a file's URL gets download_timeout to answer, a page's the whole action
  const answerBy = expectDownload ? startWindow(target, until)() : until - Date.now();
  try {
    // a page that never finishes loading must not hold the step: the load wait comes after
    await target.page().goto(url, { timeout: Math.max(1, answerBy), waitUntil: 'commit' });
  } catch (error) {
    if (target.capture.started === startedBefore) {
      await stopSilentNavigation(target, answerBy, expectDownload);
    }
    if (!isDownloadAbort(error)) throw new ActionError('navigation_failed', firstLineOf(error));
    const wait = Math.min(target.downloadTimeoutMs, until - Date.now());
    if (!(await target.capture.waitForStart(startedBefore, wait))) {
      throw new ActionError('navigation_failed', firstLineOf(error));
    }
  }
  await afterInteraction(target, startedBefore, pagesBefore, false, until);
}

async function click(target: ActionTarget, id: string, expect: boolean, until: number) {
  const handle = await element(target, id);
  const startedBefore = target.capture.started;
  const pagesBefore = new Set(target.context.pages());
  const scriptFree = await tabsScriptFree(target);
  // the click waits for the navigation it starts to be answered: a file gets download_timeout
  const answerBy = expect ? startWindow(target, until)() : until - Date.now();
  try {
    // An element without a box (an empty link a script added for a file) can never pass the
    // browser's visibility check, so the click would wait its whole timeout: click it in the page.
    if (await handle.isVisible().catch(() => true)) {
      await handle.click({ timeout: Math.max(1, answerBy) });
    } else {
      await handle.evaluate((el) => (el as HTMLElement).click());
    }
  } catch (error) {
    // a click that starts a download can end in an aborted navigation: that is success
    if (target.capture.started === startedBefore) {
      await stopSilentNavigation(target, answerBy, expect);
      throw new ActionError('click_failed', `Click on ${id} failed: ${firstLineOf(error)}`);
    }
  } finally {
    await handle.dispose().catch(() => undefined);
  }
  await afterInteraction(target, startedBefore, pagesBefore, expect, until, scriptFree);
}

async function printPdf(target: ActionTarget, filename: string): Promise<void> {
  const page = target.page();
  let bytes = await target.takePrint(page);
  if (!bytes) {
    await page.emulateMedia({ media: 'print' });
    try {
      bytes = await page.pdf({ printBackground: true });
    } finally {
      await page.emulateMedia({ media: null }).catch(() => undefined);
    }
  }
  const name = withExtension(sanitizeFilename(filename) || 'page', 'pdf');
  const captured = await target.files.storeBytes(name, bytes, page.url());
  target.capture.record(captured);
}

async function simple(target: ActionTarget, action: Action, until: number): Promise<void> {
  const timeout = Math.max(1, until - Date.now());
  const page = target.page();
  switch (action.kind) {
    case 'fill':
      await (await element(target, action.element)).fill(action.value, { timeout });
      return;
    case 'select': {
      const handle = await element(target, action.element);
      await handle
        .selectOption({ label: action.value }, { timeout })
        .catch(() => handle.selectOption(action.value, { timeout }));
      return;
    }
    case 'check':
      await (await element(target, action.element)).setChecked(action.checked, { timeout });
      return;
    case 'scroll':
      await page.mouse.wheel(0, action.direction === 'down' ? 800 : -800);
      return;
    case 'back':
      await page.goBack({ timeout, waitUntil: 'domcontentloaded' });
      return;
    case 'switch_tab': {
      const tab = target.context.pages()[action.index];
      if (!tab) throw new ActionError('tab_not_found', `There is no tab ${action.index}`);
      target.setPage(tab);
      await tab.bringToFront();
      return;
    }
    case 'wait':
      await new Promise((resolve) => setTimeout(resolve, Math.min(action.ms, timeout)));
      return;
    default:
      throw new ActionError('unknown_action', `Unknown action ${action.kind}`);
  }
}

/** Performs one action before `until` (epoch ms); throws ActionError for expected failures. */
export async function performAction(
  target: ActionTarget,
  action: Action,
  until: number,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  // a few Playwright calls (mouse, keyboard) take no timeout of their own
  const overdue = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new ActionError('action_timeout', `${action.kind} did not finish in time`)),
      Math.max(1, until - Date.now()) + OVERDUE_GRACE_MS,
    );
  });
  try {
    await Promise.race([dispatch(target, action, until), overdue]);
  } finally {
    clearTimeout(timer);
  }
}

function dispatch(target: ActionTarget, action: Action, until: number): Promise<void> {
  switch (action.kind) {
    case 'click':
      return click(target, action.element, action.expectDownload === true, until);
    case 'navigate':
      return navigate(target, action.url, until, action.expectDownload === true);
    case 'press':
      return press(target, action.key, action.element, until);
    case 'print_pdf':
      return printPdf(target, action.filename);
    default:
      return simple(target, action, until);
  }
}

async function press(target: ActionTarget, key: string, id: string | undefined, until: number) {
  const startedBefore = target.capture.started;
  const pagesBefore = new Set(target.context.pages());
  const timeout = Math.max(1, until - Date.now());
  if (id) await (await element(target, id)).press(key, { timeout });
  else await target.page().keyboard.press(key);
  await afterInteraction(target, startedBefore, pagesBefore, false, until);
}

/** The run error for a failed action; never includes a filled value. */
export function actionErrorEntry(action: Action, error: unknown): RunErrorEntry {
  if (error instanceof ActionError) return { code: error.code, message: error.message };
  const detail = action.kind === 'fill' ? 'the field could not be filled' : firstLineOf(error);

  return { code: 'action_failed', message: `${action.kind} failed: ${detail}` };
}
