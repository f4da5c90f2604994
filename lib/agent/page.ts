import type { FrameInfo, Observation, PageElement } from '../browser/types.ts';
import { hrefWords, normalize } from './text.ts';

/** Page-reading helpers over an `Observation`, shared by the planner's parts. */

const CLICKABLE_ROLES = new Set(['button', 'link', 'tab', 'menuitem', 'option', 'treeitem']);
const BUTTON_TYPES = new Set(['submit', 'button', 'image', 'reset']);

/** True for links, buttons, tabs and menu items: things a click acts on. */
export function isClickable(element: PageElement): boolean {
  if (element.tag === 'a' && element.href) return true;
  if (element.tag === 'button') return true;
  if (element.tag === 'input' && BUTTON_TYPES.has(element.type ?? '')) return true;

  return element.role !== null && CLICKABLE_ROLES.has(element.role);
}

/** The words a person would read on the element: its text, accessible name and `download` name. */
export function elementLabel(element: PageElement): string {
  const parts = [element.text, element.name];
  if (element.tag === 'input' && BUTTON_TYPES.has(element.type ?? ''))
    parts.push(element.value ?? '');

  return parts.filter((p, i) => p && parts.indexOf(p) === i).join(' ');
}

/** Label, download name and link target in normal form, for matching against the goal. */
export function elementHaystack(element: PageElement): string {
  return normalize(`${elementLabel(element)} ${element.download ?? ''} ${hrefWords(element.href)}`);
}

/** The frame that holds an element. */
export function frameOf(element: PageElement, observation: Observation): FrameInfo | null {
  return observation.frames.find((f) => f.path === element.frame) ?? null;
}

/** Frames from the main frame down to the element's own, by path prefix ("0", "0.1", "0.1.2"). */
function frameChain(element: PageElement, observation: Observation): FrameInfo[] {
  return observation.frames.filter(
    (f) => f.path === element.frame || element.frame.startsWith(`${f.path}.`),
  );
}

/** True when a sandboxed frame around the element forbids downloads (no `allow-downloads`). */
export function downloadsBlockedByFrame(element: PageElement, observation: Observation): boolean {
  return frameChain(element, observation).some(
    (f) => f.sandbox !== null && !f.sandbox.split(/\s+/).includes('allow-downloads'),
  );
}

/** The element's link as an absolute URL, resolved against its frame; null when not http(s). */
export function absoluteHref(element: PageElement, observation: Observation): string | null {
  if (!element.href) return null;
  const base = frameOf(element, observation)?.url ?? observation.url;
  try {
    const url = new URL(element.href, base);

    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** A URL without its fragment, for comparing visited pages. */
export function pageKey(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.hash = '';

    return parsed.href;
  } catch {
    return url;
  }
}

/** The identity of an element across observations: what it says and where it leads. */
export function elementKey(text: string | null, href: string | null): string {
  return `${normalize(text ?? '')}|${href ? pageKey(href) : ''}`;
}

/** The sentence of the page text that contains a phrase (normal form), for quoting in reasons. */
export function sentenceWith(text: string, phrase: string): string | null {
  const sentences = text.split(/(?<=[.!?])\s+|\n+/);
  const found = sentences.find((s) => ` ${normalize(s)} `.includes(` ${phrase} `));

  return found ? found.trim().slice(0, 200) : null;
}
