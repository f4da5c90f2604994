import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Config } from '../config.ts';
import { type ArtifactStore, runKeys } from '../files/artifact-store.ts';
import { createAddressPolicyFromConfig } from '../net/address-policy.ts';
import { type EgressProxy, startEgressProxy } from '../net/egress-proxy.ts';
import { bounded } from './bounded.ts';
import { killBrowserOfProfile } from './kill-browser.ts';
import { attachBrowser, chromiumArgs, chromiumExecutable, playwright } from './launcher.ts';
import type { DownloadHint } from './response-log.ts';
import { StorageStateSchema } from './storage-state.ts';
import type { SessionOptions } from './types.ts';
import { createSessionDirs, removeSessionDirs, type SessionDirs } from './work-dir.ts';

const VIEWPORT = { width: 1280, height: 900 };
/** Longest wait to save the trace, and to close the browser before it is killed. */
const TRACE_TIMEOUT_MS = 10_000;
const CLOSE_TIMEOUT_MS = 5000;

/** What asked to print: the tab, a popup it opened, or a frame (its document, to render alone). */
export type PrintTarget = 'self' | 'popup' | { html: string; baseUrl: string };

/** The largest frame document rendered for a print (a receipt is far smaller). */
const MAX_PRINTED_FRAME_CHARS = 5_000_000;

function printTargetOf(target: unknown, html: unknown, baseUrl: unknown): PrintTarget {
  if (target === 'popup') return 'popup';
  if (target === 'frame' && typeof html === 'string' && typeof baseUrl === 'string') {
    return { html: html.slice(0, MAX_PRINTED_FRAME_CHARS), baseUrl: baseUrl.slice(0, 4000) };
  }

  return 'self';
}

/** Callbacks from the page hooks, set by the session once it exists. */
export interface PageBindings {
  onHint?: (hint: DownloadHint) => void;
  onPrint?: (page: Page, target: PrintTarget) => void;
}

/** A browser context ready for a run, and how to end it. */
export interface LaunchedContext {
  context: BrowserContext;
  page: Page;
  dirs: SessionDirs;
  bindings: PageBindings;
  /** The proxy every request of a launched browser goes through; null when attached. */
  egress: EgressProxy | null;
  /** Ends the run's pages at once: closes a launched browser, or the tabs the run opened. */
  abort(): Promise<void>;
  /** Stores the trace (when `artifacts` is given) and closes or detaches the browser. */
  finish(
    artifacts: ArtifactStore | null,
    options: SessionOptions,
  ): Promise<{ traceKey: string | null }>;
}

function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');

  return bare === 'localhost' || bare === '::1' || /^127\./.test(bare);
}

/**
 * Whether certificate errors may be ignored: for loopback start URLs in local mode, and for
 * hosts listed in INSECURE_TLS_HOSTS.
 */
// Limitation: the choice applies to the whole browser context, because Chromium offers no
// per-host switch through Playwright; a listed start host lets its pages reach other hosts with
// bad certificates too. A per-request check (Security.certificateError) would make it exact.
export function ignoreCertificateErrors(config: Config, startUrl: string | null | undefined) {
  if (!startUrl) return false;
  let host: string;
  try {
    host = new URL(startUrl).hostname;
  } catch {
    return false;
  }

  return (
    (config.ALLOW_LOOPBACK && isLoopbackHost(host)) || config.INSECURE_TLS_HOSTS.includes(host)
  );
}

/**
 * Restores cookies and local storage saved by an earlier invocation or a profile. The browser
 * loads each origin's storage in a page of its own whose requests it answers itself, so nothing
 * is sent to the origins.
 */
async function applyStorageState(context: BrowserContext, state: unknown): Promise<void> {
  const parsed = StorageStateSchema.safeParse(state);
  if (!parsed.success) return;
  const { cookies, origins } = parsed.data;
  if (cookies.length === 0 && origins.length === 0) return;
  await context.setStorageState(parsed.data as Parameters<BrowserContext['setStorageState']>[0]);
}

async function exposeBindings(context: BrowserContext, bindings: PageBindings, hooks: () => void) {
  await context.exposeBinding('__retrieverDownloadHint', (_source, hint: DownloadHint) => {
    if (hint && typeof hint.href === 'string' && typeof hint.download === 'string') {
      bindings.onHint?.({ href: hint.href.slice(0, 4000), download: hint.download.slice(0, 300) });
    }
  });
  await context.exposeBinding('__retrieverPrint', (source, target, html, baseUrl) =>
    bindings.onPrint?.(source.page, printTargetOf(target, html, baseUrl)),
  );
  await context.addInitScript(`(() => { const __name = (f) => f; (${hooks})(); })()`);
}

/** Stops tracing; the path of the saved archive, or null when none is kept. */
async function stopTrace(
  context: BrowserContext,
  dirs: SessionDirs,
  artifacts: ArtifactStore | null,
): Promise<string | null> {
  const file = path.join(dirs.traces, 'trace.zip');
  await context.tracing.stop(artifacts ? { path: file } : undefined);

  return artifacts ? file : null;
}

async function uploadTrace(artifacts: ArtifactStore, file: string, options: SessionOptions) {
  const key = runKeys.trace(options.runId, options.tracePart ?? 1);
  await artifacts.putStream(key, fs.createReadStream(file), 'application/zip');

  return key;
}

/** Launches a fresh browser for the run, or attaches to the caller's, with tracing on. */
export async function launchContext(
  options: SessionOptions,
  config: Config,
  hooks: () => void,
): Promise<LaunchedContext> {
  const dirs = await createSessionDirs(config.workDir, options.runId);
  const bindings: PageBindings = {};
  let browser: Browser | null = null;
  let egress: EgressProxy | null = null;
  let context: BrowserContext;
  try {
    if (options.browserAddress) {
      // Limitation: a caller's browser keeps its own network settings, because flags cannot be
      // changed on a running browser; the network rules apply to browsers this service launches.
      browser = await attachBrowser(options.browserAddress);
      context = browser.contexts()[0] ?? (await browser.newContext());
    } else {
      egress = await startEgressProxy({
        policy: createAddressPolicyFromConfig(config),
        upstream: options.proxyUrl,
      });
      context = await playwright.launchPersistentContext(dirs.profile, {
        executablePath: await chromiumExecutable(config),
        args: chromiumArgs(egress.url),
        headless: true,
        acceptDownloads: true,
        downloadsPath: dirs.downloads,
        tracesDir: dirs.traces,
        artifactsDir: dirs.downloads,
        viewport: VIEWPORT,
        ignoreHTTPSErrors: ignoreCertificateErrors(config, options.startUrl),
      });
    }
    await exposeBindings(context, bindings, hooks);
    if (options.storageState) await applyStorageState(context, options.storageState);
    await context.tracing.start({ screenshots: true, snapshots: true });
  } catch (error) {
    await egress?.close().catch(() => undefined);
    await removeSessionDirs(dirs);
    throw error;
  }
  // the caller's own tabs, which stay open after the run; tabs the run opened are closed
  const callerPages = new Set(context.pages());
  const page = context.pages()[0] ?? (await context.newPage());
  const attached = browser;
  const proxy = egress;

  return {
    context,
    page,
    dirs,
    bindings,
    egress,
    async abort() {
      if (attached) await bounded(closeRunPages(context, callerPages), CLOSE_TIMEOUT_MS);
      else await closeBrowser();
    },
    async finish(artifacts, opts) {
      const file = await bounded(stopTrace(context, dirs, artifacts), TRACE_TIMEOUT_MS);
      // the archive is complete once tracing has stopped: it uploads while the browser closes
      const [traceKey] = await Promise.all([
        artifacts && file ? bounded(uploadTrace(artifacts, file, opts), TRACE_TIMEOUT_MS) : null,
        closeBrowser(),
      ]);

      return { traceKey };
    },
  };

  async function closeBrowser(): Promise<void> {
    // an attached browser belongs to the caller: only our connection is closed
    if (attached) {
      await bounded(closeRunPages(context, callerPages), CLOSE_TIMEOUT_MS);
      await bounded(disconnect(attached), CLOSE_TIMEOUT_MS);
    } else if (
      (await bounded(
        context.close().then(() => true),
        CLOSE_TIMEOUT_MS,
      )) === null
    ) {
      await killBrowserOfProfile(dirs.profile);
    }
    await proxy?.close().catch(() => undefined);
  }
}

/**
 * Closes the tabs a run opened in a caller's browser. A tab left empty by a download would
 * otherwise stay behind, and the next attach to that browser waits on it until it times out.
 */
async function closeRunPages(context: BrowserContext, callerPages: Set<Page>): Promise<void> {
  const opened = context.pages().filter((p) => !callerPages.has(p) && !p.isClosed());
  await Promise.all(opened.map((p) => p.close().catch(() => undefined)));
}

async function disconnect(browser: Browser): Promise<void> {
  await browser.close().catch(() => undefined);
}
