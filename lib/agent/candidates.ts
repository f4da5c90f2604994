import type { Observation, PageElement } from '../browser/types.ts';
import { GENERIC_SECTIONS } from './concepts.ts';
import type { Goal } from './goal.ts';
import { type ClickOutcome, type Memory, outcomeOf } from './history.ts';
import { DOWNLOAD_WORDS, EXPORT_WORDS, FILE_EXTENSIONS, PRINT_WORDS } from './lexicon.ts';
import {
  absoluteHref,
  downloadsBlockedByFrame,
  elementHaystack,
  elementLabel,
  isClickable,
  pageKey,
} from './page.ts';
import { type Fit, fitToGoal, kindsIn, sectionFit } from './relevance.ts';
import { containsAny, normalize } from './text.ts';

export type CandidateKind = 'download' | 'navigate' | 'next';

/** An element the planner may act on, with its score and the reasons for it. */
export interface Candidate {
  element: PageElement;
  label: string;
  /** Absolute http(s) link, or null. */
  href: string | null;
  kind: CandidateKind;
  score: number;
  reasons: string[];
  fit: Fit;
  /** Position on the page (document order of the observation). */
  order: number;
  blockedByFrame: boolean;
  /** The element itself says it gives a file (a download attribute, a file link, "Export"). */
  fileLike: boolean;
  outcome: ClickOutcome | null;
}

type CandidateBase = Omit<Candidate, 'kind' | 'score' | 'reasons'>;

const NEVER_CLICK = [
  'logout',
  'log out',
  'sign out',
  'signout',
  'abmelden',
  'cerrar sesion',
  'deconnexion',
  'se deconnecter',
  'sair',
  'delete',
  'remove',
  'unsubscribe',
  'eliminar',
  'borrar',
  'supprimer',
  'loschen',
  'excluir',
  'cancel subscription',
];

const NEXT_WORDS = [
  'next',
  'next page',
  'older',
  'load more',
  'show more',
  'siguiente',
  'cargar mas',
  'mostrar mas',
  'suivant',
  'suivante',
  'page suivante',
  'voir plus',
  'weiter',
  'nachste',
  'nachste seite',
  'mehr laden',
  'mehr anzeigen',
  'proximo',
  'proxima',
  'seguinte',
  'carregar mais',
  'ver mais',
];

const FILE_PATH_WORDS = [
  'download',
  'downloads',
  'export',
  'dl',
  'attachment',
  'attachments',
  'file',
  'files',
  'getfile',
];

/** Points for signs that acting on the element yields a file. */
function downloadSignals(
  element: PageElement,
  label: string,
): { points: number; reasons: string[]; strong: boolean } {
  const reasons: string[] = [];
  let points = 0;
  const normalLabel = normalize(label);
  if (element.download !== null) {
    points += 4;
    reasons.push('has a download attribute');
  }
  const extension = linkExtension(element.href);
  if (extension) {
    points += 4;
    reasons.push(`links to a .${extension} file`);
  }
  if (containsAny(normalLabel, [...DOWNLOAD_WORDS, ...EXPORT_WORDS])) {
    points += 3;
    reasons.push('says download/export');
  } else if (
    /\.[a-z0-9]{2,4}\b/i.test(label) &&
    FILE_EXTENSIONS.has(label.split('.').pop()!.toLowerCase())
  ) {
    points += 3;
    reasons.push('is a file name');
  } else if (kindsIn(normalLabel).length > 0) {
    points += 2;
    reasons.push('names a file type');
  }
  // What the element itself says; a link path alone may also lead to a login or a detail page.
  const strong = points >= 3;
  const path = hrefPathWords(element.href);
  if (!extension && path.some((w) => FILE_PATH_WORDS.includes(w))) {
    points += 3;
    reasons.push('link path is a download endpoint');
  }

  return { points, reasons, strong };
}

/** The file extension of a link's last path segment or of a query value ("?link=a/b.pdf"). */
export function linkExtension(href: string | null): string | null {
  if (!href) return null;
  try {
    const url = new URL(href, 'http://relative.invalid');
    const values = [url.pathname, ...url.searchParams.values()];
    for (const value of values) {
      const ext = /\.([a-z0-9]{1,5})$/i.exec(value)?.[1]?.toLowerCase();
      if (ext && FILE_EXTENSIONS.has(ext)) return ext;
    }
  } catch {
    return null;
  }

  return null;
}

function hrefPathWords(href: string | null): string[] {
  if (!href) return [];
  try {
    return normalize(new URL(href, 'http://relative.invalid').pathname).split(' ');
  } catch {
    return [];
  }
}

function isNext(label: string): boolean {
  const raw = label.trim();
  if (/^(›|»|→|>|>>|›››)$/.test(raw)) return true;

  return NEXT_WORDS.some((w) => normalize(raw) === w || normalize(raw).startsWith(`${w} `));
}

/** Reads every element that could be acted on and scores it against the goal. */
export function findCandidates(observation: Observation, goal: Goal, memory: Memory): Candidate[] {
  const out: Candidate[] = [];
  observation.elements.forEach((element, order) => {
    const candidate = readCandidate(element, order, observation, goal, memory);
    if (candidate) out.push(candidate);
  });
  boostSiblingGroups(out, goal);

  return out.sort((a, b) => b.score - a.score || a.order - b.order);
}

function readCandidate(
  element: PageElement,
  order: number,
  observation: Observation,
  goal: Goal,
  memory: Memory,
): Candidate | null {
  if (!isClickable(element) || element.disabled) return null;
  if (!element.visible && !element.href) return null;
  const label = elementLabel(element);
  const normalLabel = normalize(label);
  if (containsAny(normalLabel, NEVER_CLICK) || containsAny(normalLabel, PRINT_WORDS)) return null;
  const href = absoluteHref(element, observation);
  if (element.href && !href && !element.href.startsWith('blob:')) {
    if (!/^javascript:/i.test(element.href)) return null;
  }
  const haystack = elementHaystack(element);
  const fit = fitToGoal(goal, haystack, element.context);
  const signals = downloadSignals(element, label);
  const outcome =
    outcomeOf(memory, [label, element.text, element.name], href) ??
    outcomeOf(memory, [label], element.href);
  const blockedByFrame = downloadsBlockedByFrame(element, observation);
  const fileLike = signals.strong;
  const base: CandidateBase = {
    element,
    label,
    href,
    fit,
    order,
    outcome,
    blockedByFrame,
    fileLike,
  };
  // An element naming the very document wanted (its id, or its kind and date) is the document.
  const documentLike =
    fit.targets.length > 0 || (fit.namesConcept && (fit.dateFit === 'match' || goal.latest));
  if (signals.points >= 3 || documentLike) {
    const penalty = insecurity(observation.url, href);
    const score = signals.points + fit.points + penalty;
    const reasons = [...signals.reasons, ...fit.reasons];
    if (penalty < 0) reasons.push(INSECURE_REASON);

    return { ...base, kind: 'download', score, reasons };
  }
  if (isNext(label)) {
    return { ...base, kind: 'next', score: 1, reasons: ['is the next page of a list'] };
  }

  return navigation(base, observation, goal, memory, haystack);
}

export const INSECURE_REASON = 'http link from an https page, which the browser blocks';

/** An http link from an https page is blocked by the browser as mixed content. */
function insecurity(pageUrl: string, href: string | null): number {
  return pageUrl.startsWith('https:') && href?.startsWith('http:') ? -6 : 0;
}

function navigation(
  base: CandidateBase,
  observation: Observation,
  goal: Goal,
  memory: Memory,
  haystack: string,
): Candidate | null {
  if (base.href && memory.visited.has(pageKey(base.href))) return null;
  if (base.href && pageKey(base.href) === pageKey(observation.url)) return null;
  const section = sectionFit(goal, haystack);
  const generic = containsAny(normalize(base.label), GENERIC_SECTIONS) ? 1 : 0;
  const tab = base.element.role === 'tab' ? 1 : 0;
  const score = base.fit.points + section + generic + tab;
  if (score <= 0) return null;
  const reasons = [...base.fit.reasons];
  if (section) reasons.push('is the section for such documents');
  if (generic) reasons.push('is a documents section');

  return { ...base, kind: 'navigate', score, reasons };
}

/**
 * Links that differ only in their last path segment or query value form a list ("/f/1".."/f/5");
 * when the goal asks for that many documents, the list is what it means.
 */
function boostSiblingGroups(candidates: Candidate[], goal: Goal): void {
  if (goal.count.kind === 'one') return;
  const groups = new Map<string, Candidate[]>();
  for (const c of candidates) {
    if (!c.href) continue;
    const pattern = c.href.replace(/[^/=?&]+$/, '*');
    groups.set(pattern, [...(groups.get(pattern) ?? []), c]);
  }
  for (const group of groups.values()) {
    const wanted = goal.count.kind === 'n' ? goal.count.n : group.length;
    if (group.length < 3 || group.length !== wanted) continue;
    for (const c of group) {
      c.score += 3;
      c.fit.points += 1;
      c.reasons.push(`is one of ${group.length} similar links, as many as asked for`);
      if (c.kind === 'navigate') c.kind = 'download';
    }
  }
}
