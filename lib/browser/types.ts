import type { RunError, StoredFile } from '../contracts/run.ts';

/** One interactive element of a page, as the planner sees it. */
export interface PageElement {
  /** Handle for actions, unique within one observation (for example `f0:e12`). */
  id: string;
  /** Index path of the frame holding the element; `0` is the main frame. */
  frame: string;
  tag: string;
  role: string | null;
  /** Visible text, trimmed and bounded. */
  text: string;
  /** Accessible name (aria-label, label, title, alt, placeholder, value). */
  name: string;
  href: string | null;
  /** The `download` attribute, `''` when present without a value, null when absent. */
  download: string | null;
  target: string | null;
  type: string | null;
  value: string | null;
  /** Option labels of a select. */
  options: string[];
  checked: boolean | null;
  disabled: boolean;
  visible: boolean;
  inShadowRoot: boolean;
  /** Text of the row or card around the element ('' when none): dates in other cells, say. */
  context: string;
  rect: { x: number; y: number; width: number; height: number };
}

export interface FrameInfo {
  path: string;
  url: string;
  /** The `sandbox` attribute of the iframe element, null when not sandboxed. */
  sandbox: string | null;
}

export interface TabInfo {
  index: number;
  url: string;
  title: string;
  active: boolean;
}

/** What the page looks like now; bounded in size whatever the page is. */
export interface Observation {
  url: string;
  title: string;
  /** The visible text of the page, bounded. */
  text: string;
  elements: PageElement[];
  frames: FrameInfo[];
  tabs: TabInfo[];
  /** Messages of dialogs (alert, confirm, prompt) that opened since the last observation. */
  dialogs: string[];
  /** True when elements or text were cut to stay within the bounds. */
  truncated: boolean;
  /** The page called `window.print()`; a `print_pdf` action saves what it would have printed. */
  printRequested: boolean;
}

/** One action on the page. Element ids come from the latest observation. */
export type Action =
  | { kind: 'click'; element: string; expectDownload?: boolean }
  | { kind: 'fill'; element: string; value: string; secret?: boolean }
  | { kind: 'select'; element: string; value: string }
  | { kind: 'check'; element: string; checked: boolean }
  | { kind: 'press'; key: string; element?: string }
  | { kind: 'scroll'; direction: 'down' | 'up' }
  | { kind: 'navigate'; url: string; expectDownload?: boolean }
  | { kind: 'back' }
  | { kind: 'switch_tab'; index: number }
  | { kind: 'wait'; ms: number }
  /** Renders the current page with print styles to a PDF, for pages whose only file is a print. */
  | { kind: 'print_pdf'; filename: string };

/** A file the browser captured during an action and stored (or refused). */
export interface CapturedFile {
  stored: StoredFile | null;
  /** Same bytes as a file already stored in this run: not stored again. */
  duplicate: boolean;
  /** Why the file was not stored (HTML page under a document name, over a limit, incomplete). */
  rejected: string | null;
  suggestedName: string;
  sourceUrl: string | null;
}

export interface ActionResult {
  ok: boolean;
  /** Files that finished during the action, including ones started by earlier actions. */
  files: CapturedFile[];
  /** Downloads that started and are still in flight when the action returned. */
  pendingDownloads: number;
  /** Problems met, already phrased for the run's `errors`. */
  errors: Omit<RunError, 'step'>[];
  url: string;
  /**
   * Navigations the page started and then cancelled before they produced a page or a download
   * (a site firing several downloads at once): open them one at a time to get their files.
   */
  abandonedUrls: string[];
}

/** Options of one browser session (one run's browser, or one resume of it). */
export interface SessionOptions {
  runId: string;
  /** Deadline of the whole invocation (epoch ms): no wait goes beyond it. */
  deadline: number;
  /** Seconds to wait for a started download to finish, and for a click to start one. */
  downloadTimeoutS: number;
  downloadSuffix: string | null;
  extraHttpHeaders: Record<string, string> | null;
  /** Origin that receives extra_http_headers (the start URL's). */
  headersOrigin: string | null;
  browserAddress: string | null;
  /** The start URL, when known: decides where certificate errors may be ignored. */
  startUrl?: string | null;
  /** Numbers this session's trace among the run's (`runs/<id>/trace-<part>.zip`); default 1. */
  tracePart?: number;
  /**
   * The upstream proxy of the request's proxy_location, which the run's egress proxy chains to;
   * null for a direct connection. Ignored for an attached browser.
   */
  proxyUrl: string | null;
  /** Files already stored in this run, for collision names and duplicate checks. */
  existingFiles: StoredFile[];
  /** Cookies and storage to start from (a checkpoint or a profile). */
  storageState: unknown | null;
}

/** A live browser for one run. */
export interface BrowserSession {
  /** Opens the start URL; a URL that is itself a file is captured as a download. */
  open(url: string): Promise<ActionResult>;
  observe(): Promise<Observation>;
  act(action: Action, timeoutMs: number): Promise<ActionResult>;
  /** Waits for downloads in flight, up to the timeout, and returns what finished. */
  settle(timeoutMs: number): Promise<ActionResult>;
  screenshot(maxScrolls: number): Promise<Buffer>;
  storageState(): Promise<unknown>;
  /**
   * Stops the run's browser work at once (the run has ended elsewhere, a cancel): downloads in
   * flight are dropped and the action under way ends. Only `close` is called afterwards.
   */
  abort(): Promise<void>;
  /** Stores the trace, closes (or, when attached, leaves) the browser and removes temp files. */
  close(): Promise<{ traceKey: string | null }>;
}
