import type { Action, Observation, PageElement } from '../browser/types.ts';
import type { Candidate } from './candidates.ts';
import type { Decision } from './planner.ts';

/** Turns chosen candidates into browser actions, and explains them. */

/** How a download candidate is best acted on: a click, or opening its link top-level. */
export function downloadAction(candidate: Candidate): Action {
  const { element, href } = candidate;
  // A sandboxed frame without allow-downloads drops the download silently: open the link itself.
  if (href && (candidate.blockedByFrame || !element.visible)) {
    return { kind: 'navigate', url: href, expectDownload: true };
  }
  // Waiting the whole download timeout is only worth it when the element says it gives a file;
  // a link that merely names the document may open its page instead.
  return { kind: 'click', element: element.id, expectDownload: candidate.fileLike };
}

/**
 * Actions on elements first, then navigations: element ids go stale once the page changes, and
 * navigations (to file URLs) do not use any.
 */
export function orderActions(actions: Action[]): Action[] {
  const stays = actions.filter((a) => a.kind !== 'navigate');
  const leaves = actions.filter((a) => a.kind === 'navigate');

  return [...stays, ...leaves];
}

export function quote(text: string): string {
  const short = text.replace(/\s+/g, ' ').trim().slice(0, 60);

  return `'${short}'`;
}

/** "'PDF' (has a download attribute, names invoice, score 14)". */
export function explain(candidate: Candidate): string {
  const why = candidate.reasons.length > 0 ? candidate.reasons.join(', ') : 'no better choice';
  const where = candidate.blockedByFrame
    ? ', opened top-level: its sandboxed frame blocks downloads'
    : '';

  return `${quote(candidate.label || candidate.href || candidate.element.id)} (${why}; score ${candidate.score}${where})`;
}

/** An `act` decision, with the banner dismissal first when one is in the way. */
export function act(actions: Action[], reason: string, dismiss: PageElement | null): Decision {
  if (!dismiss || actions.some((a) => 'element' in a && a.element === dismiss.id)) {
    return { kind: 'act', actions, reason };
  }

  return {
    kind: 'act',
    actions: [{ kind: 'click', element: dismiss.id }, ...actions],
    reason: `Closes the banner ${quote(dismiss.text || dismiss.name)}, then: ${reason}`,
  };
}

/** A file name for a printed page: the goal's id and document kind ("ORD-48213-receipt.pdf"). */
export function printName(
  labels: string[],
  concept: string | null,
  observation: Observation,
): string {
  const id = labels.map((l) => l.split(/\s+/).at(-1) ?? '').find((l) => /\d/.test(l));
  const parts = [id, concept].filter(Boolean) as string[];
  const base = parts.length > 0 ? parts.join('-') : observation.title || 'page';
  const safe = base
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);

  return `${safe || 'page'}.pdf`;
}
