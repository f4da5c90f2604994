import { mentionsConcept, namesSectionOf } from './concepts.ts';
import { compareDates, type DateFit, type DateMention, datesIn } from './dates.ts';
import type { Goal, GoalTarget } from './goal.ts';
import { FILE_KINDS, LATEST_WORDS } from './lexicon.ts';
import { canonicalText, canonicalWords } from './synonyms.ts';
import { containsAny, containsPhrase, normalize, stem } from './text.ts';

/** How well an element's words fit the goal, with the reasons in plain words. */
export interface Fit {
  points: number;
  reasons: string[];
  dates: DateMention[];
  dateFit: DateFit;
  /** Indexes of the goal's targets that the element fits. */
  targets: number[];
  /** The element names something else than what is wanted (another month, another id). */
  conflict: string | null;
  /** The element names a kind of document the goal asks for. */
  namesConcept: boolean;
}

/**
 * True when the haystack (normal form) contains every term of the target, and names its kind or
 * no kind at all ("Contacts export" may well give the CSV asked for; "Contacts (PDF)" does not).
 */
export function fitsTarget(haystack: string, target: GoalTarget): boolean {
  const kinds = target.kind ? kindsIn(haystack) : [];
  if (target.kind && kinds.length > 0 && !kinds.includes(target.kind)) return false;

  return target.terms.every((term) => containsStemmed(haystack, term));
}

function containsStemmed(haystack: string, term: string): boolean {
  if (containsPhrase(haystack, term)) return true;
  // Ids and versions match as written: "1 0 0" is not in "1 1 0" word by word.
  if (/\d/.test(term)) return false;
  const words = canonicalText(haystack);

  return term.split(' ').every((t) => canonicalWords(t).every((w) => words.includes(w)));
}

/** File kinds an element names, by extension or word ("PDF", "Excel", ".csv"). */
export function kindsIn(haystack: string): string[] {
  return Object.entries(FILE_KINDS)
    .filter(([kind, names]) => containsPhrase(haystack, kind) || containsAny(haystack, names))
    .map(([kind]) => kind);
}

/** "report 8" when the goal wants report 7: the same noun with another number. */
function conflictingId(haystack: string, goal: Goal): string | null {
  for (const target of goal.targets) {
    const [noun, id] = target.label.toLowerCase().split(/\s+/).slice(-2);
    if (!id || !/^\d+$/.test(id) || !/^\p{L}+$/u.test(noun)) continue;
    const pattern = new RegExp(`\\b${stem(noun)}\\w*\\s(\\d+)\\b`);
    const seen = pattern.exec(haystack);
    if (seen && seen[1] !== id && !goal.targets.some((t) => fitsTarget(haystack, t)))
      return `${noun} ${seen[1]}`;
  }

  return null;
}

function dateFitOf(goal: Goal, dates: DateMention[]): DateFit {
  if (!goal.period || dates.length === 0) return 'unknown';
  const fits = dates.map((d) => compareDates(goal.period!, d));
  if (fits.includes('match')) return 'match';

  return fits.includes('conflict') ? 'conflict' : 'unknown';
}

/**
 * Scores an element's words (label, download name, link) against the goal. `context` is the text
 * of its row: its dates count when the element names none itself ("Download" beside a date).
 */
export function fitToGoal(goal: Goal, haystack: string, context = ''): Fit {
  const reasons: string[] = [];
  let points = 0;
  const add = (n: number, why: string) => {
    points += n;
    reasons.push(why);
  };
  const namesConcept = goal.concepts.some((key) => mentionsConcept(haystack, key));
  if (namesConcept) add(3, `names ${goal.concepts.join('/')}`);
  const words = new Set(canonicalText(haystack));
  const keywordHits = goal.keywords.filter((k) => words.has(k));
  if (keywordHits.length > 0)
    add(Math.min(4, 2 * keywordHits.length), `says ${keywordHits.join(', ')}`);
  const targets = goal.targets.flatMap((t, i) => (fitsTarget(haystack, t) ? [i] : []));
  for (const i of targets) add(6, `fits ${goal.targets[i].label}`);
  const own = datesIn(haystack);
  const dates = own.length > 0 ? own : datesIn(normalize(context));
  const dateFit = dateFitOf(goal, dates);
  if (dateFit === 'match') add(5, 'names the wanted date');
  const kinds = kindsIn(haystack);
  // With several named items, each item carries its own kind ("the report PDF and the CSV").
  const kindsWanted = goal.targets.length >= 2 ? [] : goal.fileKinds;
  if (kindsWanted.some((k) => kinds.includes(k))) add(2, `is ${kindsWanted.join('/')}`);
  else if (kindsWanted.length > 0 && kinds.length > 0) add(-3, `is ${kinds[0]}, not wanted`);
  if (goal.latest && containsAny(haystack, LATEST_WORDS)) add(3, 'says latest');
  const conflict = dateFit === 'conflict' ? 'names another date' : conflictingId(haystack, goal);

  return { points, reasons, dates, dateFit, targets, conflict, namesConcept };
}

/** Points for a link or tab that leads toward the goal's documents. */
export function sectionFit(goal: Goal, haystack: string): number {
  return goal.concepts.some((key) => namesSectionOf(haystack, key)) ? 3 : 0;
}
