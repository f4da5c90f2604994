import type { BrowserContext, ElementHandle, Frame, Page } from 'playwright-core';
import { type FrameScan, findScanned, type ScanLimits, scanFrame } from './page-script.ts';
import type { FrameInfo, Observation, PageElement, TabInfo } from './types.ts';

/** Bounds of one observation, whatever the page's size. */
export const OBSERVATION_LIMITS = {
  maxElements: 300,
  maxFrames: 20,
  maxText: 120,
  maxAttr: 300,
  maxPageText: 4000,
  maxDialogs: 10,
  maxUrl: 2000,
} as const;

const FRAME_SCAN_TIMEOUT_MS = 3000;

/**
 * Runs a self-contained function in a frame. The source is sent as text with a stand-in for the
 * name helper some TypeScript transpilers insert, which does not exist inside the page.
 */
export function inFrame<T>(frame: Frame, fn: (arg: never) => T, arg: unknown): Promise<T> {
  return frame.evaluate(
    `(() => { const __name = (f) => f; return (${fn})(${JSON.stringify(arg)}); })()`,
  );
}

function cut(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

async function scanWithTimeout(frame: Frame, limits: ScanLimits): Promise<FrameScan | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), FRAME_SCAN_TIMEOUT_MS);
  });
  try {
    return await Promise.race([inFrame(frame, scanFrame, limits).catch(() => null), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function sandboxOf(frame: Frame): Promise<string | null> {
  if (!frame.parentFrame()) return null;
  try {
    const element = await frame.frameElement();
    const sandbox = await element.getAttribute('sandbox');
    await element.dispose();
    return sandbox;
  } catch {
    return null;
  }
}

async function tabsOf(context: BrowserContext, active: Page): Promise<TabInfo[]> {
  const pages = context.pages().slice(0, 20);

  return Promise.all(
    pages.map(async (page, index) => ({
      index,
      url: cut(page.url(), OBSERVATION_LIMITS.maxUrl),
      title: cut(await page.title().catch(() => ''), 200),
      active: page === active,
    })),
  );
}

/** The frames of the latest observation, by the prefix of their element ids. */
export type FrameMap = Map<string, Frame>;

export interface ObserveResult {
  observation: Observation;
  frames: FrameMap;
  printRequested: boolean;
}

/** Observes the active page: interactive elements of every frame and open shadow root. */
export async function observePage(
  context: BrowserContext,
  page: Page,
  dialogs: string[],
): Promise<ObserveResult> {
  const frames: FrameMap = new Map();
  const frameInfos: FrameInfo[] = [];
  const elements: PageElement[] = [];
  let text = '';
  let truncated = false;
  let printRequested = false;
  const all = page.frames();
  if (all.length > OBSERVATION_LIMITS.maxFrames) truncated = true;
  for (const [index, frame] of all.slice(0, OBSERVATION_LIMITS.maxFrames).entries()) {
    const prefix = `f${index}`;
    frames.set(prefix, frame);
    frameInfos.push({
      path: prefix,
      url: cut(frame.url(), OBSERVATION_LIMITS.maxUrl),
      sandbox: await sandboxOf(frame),
    });
    const room = OBSERVATION_LIMITS.maxElements - elements.length;
    if (room <= 0) {
      truncated = true;
      continue;
    }
    const scan = await scanWithTimeout(frame, {
      maxElements: room,
      maxText: OBSERVATION_LIMITS.maxText,
      maxAttr: OBSERVATION_LIMITS.maxAttr,
      maxPageText: OBSERVATION_LIMITS.maxPageText,
      idPrefix: `${prefix}:`,
    });
    if (!scan) continue;
    if (scan.total > scan.elements.length) truncated = true;
    printRequested ||= scan.printRequested > 0;
    for (const el of scan.elements) elements.push({ ...el, frame: prefix });
    const room4text = OBSERVATION_LIMITS.maxPageText - text.length;
    if (scan.text && room4text > 0) text += (text ? '\n' : '') + scan.text.slice(0, room4text);
  }
  const observation: Observation = {
    url: cut(page.url(), OBSERVATION_LIMITS.maxUrl),
    title: cut(await page.title().catch(() => ''), 300),
    text,
    elements,
    frames: frameInfos,
    tabs: await tabsOf(context, page),
    dialogs: dialogs.splice(0).slice(-OBSERVATION_LIMITS.maxDialogs),
    truncated,
    printRequested,
  };

  return { observation, frames, printRequested };
}

/** The element behind an id of the latest observation, or null when it is gone. */
export async function resolveElement(
  frames: FrameMap,
  id: string,
): Promise<ElementHandle<Element> | null> {
  const prefix = id.split(':')[0];
  const frame = frames.get(prefix);
  if (!frame || frame.isDetached()) return null;
  const handle = await frame
    .evaluateHandle(
      `(() => { const __name = (f) => f; return (${findScanned})(${JSON.stringify(id)}); })()`,
    )
    .catch(() => null);
  const element = handle?.asElement() ?? null;
  if (!element) await handle?.dispose();

  return element as ElementHandle<Element> | null;
}
