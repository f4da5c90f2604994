import type { Action, Observation, PageElement } from '../browser/types.ts';
import type { StoredFile } from '../contracts/run.ts';
import { quote } from './actions.ts';
import type { Candidate } from './candidates.ts';
import { mentionsConcept } from './concepts.ts';
import type { Goal } from './goal.ts';
import type { Memory } from './history.ts';
import { outcomeOf } from './history.ts';
import { DOWNLOAD_WORDS, EXPORT_WORDS, PRINT_WORDS } from './lexicon.ts';
import { elementLabel, isClickable, pageKey } from './page.ts';
import type { StepRecord } from './planner.ts';
import { fitsTarget } from './relevance.ts';
import { containsAny, hrefWords, normalize } from './text.ts';

/** Recoveries for pages where the plain "click the best download" does not get the files. */

export interface Fallback {
  actions: Action[];
  reason: string;
}

function isCheckbox(e: PageElement): boolean {
  return e.visible && !e.disabled && (e.type === 'checkbox' || e.role === 'checkbox');
}

/**
 * A "download selected" button delivered fewer files than selected (browsers let only the first
 * download of one click through): select the missing items one at a time and click it again.
 * The selection is what was checked (by the page or the caller) plus what these steps checked
 * or unchecked; boxes outside it are never touched. With nothing checked, every box counts.
 */
export function selectOneByOne(
  observation: Observation,
  candidates: Candidate[],
  files: StoredFile[],
  history: StepRecord[],
): Fallback | null {
  const button = candidates.find(
    (c) =>
      c.outcome?.producedFile &&
      containsAny(normalize(c.label), [...DOWNLOAD_WORDS, ...EXPORT_WORDS]) &&
      !c.href,
  );
  const touched = new Set(
    history.flatMap((r) => (r.action.kind === 'check' ? [r.action.element] : [])),
  );
  const allBoxes = observation.elements.filter(isCheckbox);
  const selected = allBoxes.filter((box) => box.checked === true || touched.has(box.id));
  const boxes = selected.length > 0 ? selected : allBoxes;
  if (!button || boxes.length < 2) return null;
  const storedNames = files.map((f) => normalize(f.filename));
  const labelOf = (e: PageElement) => normalize(`${e.name} ${e.text} ${e.value ?? ''}`);
  const missing = boxes.filter((box) => {
    const label = labelOf(box);

    return (
      label !== '' && !storedNames.some((name) => label.includes(name) || name.includes(label))
    );
  });
  if (missing.length === 0) return null;
  const first = missing[0];
  const actions: Action[] = boxes.map((box) => ({
    kind: 'check',
    element: box.id,
    checked: box === first,
  }));
  actions.push({ kind: 'click', element: button.element.id, expectDownload: true });

  return {
    actions,
    reason: `The selection download stored ${files.length} file(s) of ${boxes.length}; selecting only ${quoteLabel(first)} and downloading it alone`,
  };
}

function quoteLabel(e: PageElement): string {
  return `'${(e.name || e.text).trim().slice(0, 60)}'`;
}

/** A sandboxed frame that blocks downloads: open the frame's own page top-level. */
export function openBlockedFrame(observation: Observation, memory: Memory): Fallback | null {
  const frame = observation.frames.find(
    (f) =>
      f.sandbox !== null &&
      !f.sandbox.split(/\s+/).includes('allow-downloads') &&
      /^https?:/.test(f.url) &&
      !memory.visited.has(pageKey(f.url)),
  );
  if (!frame) return null;

  return {
    actions: [{ kind: 'navigate', url: frame.url }],
    reason: `The embedded frame ${frame.url} is sandboxed without allow-downloads; opening it top-level`,
  };
}

/** True when the page shows what the goal names: its ids, or else its kind of document. */
function pageShows(observation: Observation, goal: Goal): boolean {
  const text = normalize(`${observation.title} ${observation.text} ${hrefWords(observation.url)}`);
  if (goal.targets.length > 0) return goal.targets.every((t) => fitsTarget(text, t));

  return goal.concepts.length === 0 || goal.concepts.some((c) => mentionsConcept(text, c));
}

/** A visible "Print" button not clicked yet; the browser turns its print() into a PDF source. */
function printButton(observation: Observation, memory: Memory): PageElement | null {
  const found = observation.elements.find(
    (e) =>
      e.visible &&
      !e.disabled &&
      isClickable(e) &&
      containsAny(normalize(elementLabel(e)), PRINT_WORDS) &&
      !outcomeOf(memory, [elementLabel(e), e.text, e.name], e.href),
  );

  return found ?? null;
}

/**
 * No file to download, but the goal asks for a page as PDF (a receipt with a print button):
 * click the page's own print button when it has one (it may build the printable view), then
 * render what it would print.
 */
export function printPage(
  observation: Observation,
  goal: Goal,
  name: string,
  memory: Memory,
): Fallback | null {
  if (!goal.printAsPdf && goal.intent !== 'print') return null;
  const button = observation.printRequested ? null : printButton(observation, memory);
  if (!observation.printRequested && !button && !pageShows(observation, goal)) return null;
  const actions: Action[] = [];
  if (button) actions.push({ kind: 'click', element: button.id });
  actions.push({ kind: 'print_pdf', filename: name });
  const via = button ? ` through its ${quote(elementLabel(button))} button` : '';
  const what = goal.targets.map((t) => t.label).join(', ') || 'the page';

  return {
    actions,
    reason: `No file to download for ${what}; saving the printed page${via} as ${name}`,
  };
}
