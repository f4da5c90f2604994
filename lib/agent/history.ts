import type { StoredFile } from '../contracts/run.ts';
import { elementKey, pageKey } from './page.ts';
import type { StepRecord } from './planner.ts';

/** What the planner remembers of earlier steps, indexed for quick questions. */
export interface Memory {
  /** The page the run is on. */
  currentUrl: string;
  /** Pages seen (without fragments). */
  visited: Set<string>;
  /** Element keys clicked or navigated to, with how it went. */
  clicks: Map<string, ClickOutcome>;
  /** Link targets acted on, with how it went (a link is the same link whatever its label). */
  hrefs: Map<string, ClickOutcome>;
  /** Sources of stored files: a link to one of them is never followed again. */
  fileSources: Set<string>;
  /** Steps that typed a password. */
  loginAttempts: number;
  /** The last step that typed a password (0 when none did). */
  lastLoginStep: number;
  /** Steps whose actions were waits for a download in flight. */
  waits: number;
  /** The downloads in flight after the last action. */
  pendingDownloads: number;
  /** The last step's records (one per action). */
  lastStep: StepRecord[];
  /** Links the page opened and cancelled (several downloads at once), not yet opened one by one. */
  abandoned: string[];
}

export interface ClickOutcome {
  times: number;
  producedFile: boolean;
  error: string | null;
  /** The last step that acted on it. */
  lastStep: number;
  /** The page that step was on. */
  lastUrl: string;
}

function note(map: Map<string, ClickOutcome>, key: string, record: StepRecord): void {
  const before = map.get(key) ?? {
    times: 0,
    producedFile: false,
    error: null,
    lastStep: 0,
    lastUrl: '',
  };
  map.set(key, {
    times: before.times + 1,
    producedFile: before.producedFile || record.files.length > 0,
    error: record.error ?? before.error,
    lastStep: Math.max(before.lastStep, record.step),
    lastUrl: record.step >= before.lastStep ? record.url : before.lastUrl,
  });
}

/** Builds the memory from the step history and the files stored so far. */
export function remember(history: StepRecord[], files: StoredFile[], currentUrl: string): Memory {
  const memory: Memory = {
    currentUrl,
    visited: new Set([pageKey(currentUrl)]),
    clicks: new Map(),
    hrefs: new Map(),
    fileSources: new Set(files.flatMap((f) => (f.source_url ? [pageKey(f.source_url)] : []))),
    loginAttempts: new Set(
      history.filter((r) => r.action.kind === 'fill' && r.action.secret).map((r) => r.step),
    ).size,
    lastLoginStep: Math.max(
      0,
      ...history.filter((r) => r.action.kind === 'fill' && r.action.secret).map((r) => r.step),
    ),
    waits: history.filter((r) => r.action.kind === 'wait').length,
    pendingDownloads: 0,
    lastStep: [],
    abandoned: [],
  };
  for (const record of history) {
    memory.visited.add(pageKey(record.url));
    const action = record.action;
    if (action.kind === 'click')
      note(memory.clicks, elementKey(record.elementText, record.elementHref), record);
    if (action.kind === 'navigate') note(memory.hrefs, pageKey(action.url), record);
    if (record.elementHref && action.kind === 'click')
      note(memory.hrefs, pageKey(record.elementHref), record);
  }
  const abandoned = new Set(history.flatMap((r) => r.abandonedUrls ?? []).map(pageKey));
  // A cancelled link counts as tried only once it was opened by itself (a click on it is what
  // the page cancelled).
  const opened = new Set(
    history.flatMap((r) => (r.action.kind === 'navigate' ? [pageKey(r.action.url)] : [])),
  );
  memory.abandoned = [...abandoned].filter(
    (url) => !opened.has(url) && !memory.fileSources.has(url),
  );
  const lastStepNumber = history.at(-1)?.step;
  memory.lastStep = history.filter((r) => r.step === lastStepNumber);
  memory.pendingDownloads = memory.lastStep.reduce(
    (n, r) => Math.max(n, r.pendingDownloads ?? 0),
    0,
  );

  return memory;
}

/** How an element fared before, by what it says (text, name or both) and by its link. */
export function outcomeOf(
  memory: Memory,
  labels: string[],
  href: string | null,
): ClickOutcome | null {
  const byKey = labels.map((l) => memory.clicks.get(elementKey(l, href))).find(Boolean);
  const byHref = href ? memory.hrefs.get(pageKey(href)) : undefined;
  if (!byKey && !byHref) return null;

  return {
    times: Math.max(byKey?.times ?? 0, byHref?.times ?? 0),
    producedFile: Boolean(byKey?.producedFile || byHref?.producedFile),
    error: byKey?.error ?? byHref?.error ?? null,
    lastStep: Math.max(byKey?.lastStep ?? 0, byHref?.lastStep ?? 0),
    lastUrl:
      (byKey?.lastStep ?? 0) >= (byHref?.lastStep ?? 0)
        ? (byKey?.lastUrl ?? '')
        : (byHref?.lastUrl ?? ''),
  };
}
