import { conceptsIn } from './concepts.ts';
import { type Credentials, extractCredentials } from './credentials.ts';
import { type DateMention, datesIn } from './dates.ts';
import { contentWords, fileKindsIn } from './goal-words.ts';
import {
  ALL_WORDS,
  DOWNLOAD_WORDS,
  EXPORT_WORDS,
  LAST_MONTH_PHRASES,
  LAST_YEAR_PHRASES,
  LATEST_WORDS,
  NUMBER_WORDS,
  PRINT_WORDS,
  THIS_MONTH_PHRASES,
  THIS_YEAR_PHRASES,
} from './lexicon.ts';
import { containsAny, normalize, stem } from './text.ts';

export type GoalCount = { kind: 'one' } | { kind: 'all' } | { kind: 'n'; n: number };

/** One specific thing the goal names: an id, a quoted name, or one item of a list. */
export interface GoalTarget {
  /** How reasons and summaries name it: "report 7", "'nice-filename'", "annex". */
  label: string;
  /** Phrases in normal form; a page element fits the target when it contains every one. */
  terms: string[];
  /** A file kind the item must have ("the PDF and the CSV"), or null. */
  kind: string | null;
}

/** What the goal asks for, read without any model. */
export interface Goal {
  intent: 'download' | 'export' | 'print';
  /** Usual extensions of the kinds named: pdf, csv, xlsx, zip... */
  fileKinds: string[];
  /** Kinds of documents named: invoice, statement, report... (see concepts.ts). */
  concepts: string[];
  /** Other meaningful words of the goal, stemmed. */
  keywords: string[];
  targets: GoalTarget[];
  period: DateMention | null;
  /** The newest item is wanted ("latest", "último", "dernière", "neueste"). */
  latest: boolean;
  count: GoalCount;
  /** A login written in the goal; its password is a `Secret`. */
  credentials: Credentials | null;
  /** The goal asks for a page to be saved or printed as PDF, which is allowed when no file exists. */
  printAsPdf: boolean;
  /** URLs written in the goal. */
  urls: string[];
}

const URL_PATTERN = /\bhttps?:\/\/[^\s"'<>]+/giu;

/**
 * Reads a goal written by a person, in English, Spanish, French, German or Portuguese: what kind
 * of file, which one (names, ids, dates relative to `now`), how many, and any login it contains.
 */
export function parseGoal(text: string, now: Date): Goal {
  const { credentials, rest } = extractCredentials(text);
  const urls = [...rest.matchAll(URL_PATTERN)].map((m) => m[0].replace(/[.,;)]+$/, ''));
  const plain = rest.replace(URL_PATTERN, ' ');
  const normal = normalize(plain);
  const quoted = quotedTargets(plain);
  const object = objectPhrase(quoted.rest);
  const targets = dedupe([...quoted.targets, ...findTargets(object)]);
  const period = findPeriod(normal, now, targets);

  return {
    intent: findIntent(normal),
    fileKinds: fileKindsIn(normal),
    concepts: conceptsIn(plain).map((c) => c.key),
    keywords: contentWords(object).filter(
      (w) => !targets.some((t) => t.terms.join(' ').includes(w)),
    ),
    targets,
    period,
    latest: wantsLatest(normal),
    count: findCount(normal, targets),
    credentials,
    printAsPdf: wantsPrint(normal),
    urls,
  };
}

function findIntent(normal: string): Goal['intent'] {
  if (containsAny(normal, PRINT_WORDS)) return 'print';
  if (containsAny(normal, EXPORT_WORDS)) return 'export';

  return 'download';
}

function wantsPrint(normal: string): boolean {
  if (containsAny(normal, PRINT_WORDS)) return true;

  return /\b(as|como|en|als|comme) (a |un |una |uma |ein |eine )?pdf\b/.test(normal);
}

/** The part of the goal after its last download verb: "the report PDF, the annex and the summary". */
function objectPhrase(text: string): string {
  const verbs = [...DOWNLOAD_WORDS, ...EXPORT_WORDS, ...PRINT_WORDS];
  const tokens = text.split(/(\s+)/);
  let start = -1;
  tokens.forEach((token, index) => {
    if (!verbs.includes(normalize(token))) return;
    // a noun use ("the contacts export and the logo"): right after a word that names something,
    // in the same clause, and followed by more of the object
    const previous = tokens.slice(0, index).findLast((t) => t.trim() !== '') ?? '';
    const nounUse =
      !/[,;:.!?]$/.test(previous) &&
      contentWords(previous).length > 0 &&
      contentWords(tokens.slice(index + 1).join('')).length > 0;
    if (!nounUse) start = index;
  });
  if (start < 0) return text;
  const after = tokens.slice(start + 1).join('');
  // Verb-final sentences ("Rechnung März 2025 herunterladen") keep their object before the verb.
  if (contentWords(after).length > 0 || /\d/.test(after)) return after;

  return tokens.slice(0, start).join('');
}

const QUOTED = /["“”«»‘’]([^"“”«»‘’]{2,80})["“”«»‘’]|(?:^|\s)'([^']{2,80})'(?=[\s,.;:!?]|$)/gu;
const FILENAME = /[\p{L}\p{N}][\p{L}\p{N}_\-.]*\.[a-z0-9]{0,4}[a-z][a-z0-9]{0,4}\b/giu;
const IDENTIFIER = /[\p{L}\p{N}]+(?:[.\-_/][\p{L}\p{N}]+)*/gu;

/** Quoted names ("the 'nice-filename' document"); they are taken out of the rest of the goal. */
function quotedTargets(text: string): { targets: GoalTarget[]; rest: string } {
  const targets: GoalTarget[] = [];
  let rest = text;
  for (const match of text.matchAll(QUOTED)) {
    const quoted = (match[1] ?? match[2]).trim();
    targets.push({ label: `'${quoted}'`, terms: [normalize(quoted)], kind: null });
    rest = rest.replace(match[0], ' QUOTED ');
  }

  return { targets, rest };
}

/** Ids and file names in one part of the goal. */
function idsIn(part: string): GoalTarget[] {
  const found: GoalTarget[] = [];
  let remaining = part;
  for (const match of remaining.matchAll(FILENAME)) {
    if (!/\d|[a-z]\.[a-z]/i.test(match[0]) || /^\d+(\.\d+)*$/.test(match[0])) continue;
    found.push({ label: match[0], terms: [normalize(match[0])], kind: null });
    remaining = remaining.replace(match[0], ' ');
  }
  for (const match of remaining.matchAll(IDENTIFIER)) {
    const id = match[0];
    if (!/\d/.test(id) || isDateOrCount(id, remaining, match.index ?? 0)) continue;
    found.push({
      label: labelFor(remaining, match.index ?? 0, id),
      // "v3.14" is the same version as "3.14" on a page.
      terms: [normalize(id.replace(/^v(?=\d)/i, ''))],
      kind: null,
    });
  }

  return found;
}

/** Years and month numbers belong to the period; small numbers before a noun are a count. */
function isDateOrCount(id: string, text: string, index: number): boolean {
  if (/^(19|20)\d\d$/.test(id) || /^(19|20)\d\d[-/.]\d\d?([-/.]\d\d?)?$/.test(id)) return true;
  if (/^\d\d?[-/.](19|20)\d\d$/.test(id) || /^[qt][1-4]$/i.test(id)) return true;
  if (!/^\d{1,2}$/.test(id)) return false;
  const before = normalize(text.slice(0, index)).split(' ').pop() ?? '';
  const after = normalize(text.slice(index + id.length)).split(' ')[0] ?? '';
  const datedNeighbour = datesIn(`${before} ${id} ${after}`).some((d) => d.month !== null);
  const nounBefore = before !== '' && contentWords(before).length > 0;

  return datedNeighbour || !nounBefore;
}

/** "report 7" rather than "7": the noun before an id makes reasons readable. */
function labelFor(text: string, index: number, id: string): string {
  const before = text.slice(0, index).trim().split(/\s+/).pop() ?? '';
  const noun = contentWords(before).length > 0 && !/\d/.test(before) ? before : '';

  return noun ? `${noun} ${id}` : id;
}

/** Several named items ("invoices 1001, 1002 and 1003") or one id; each becomes a target. */
function findTargets(object: string): GoalTarget[] {
  const parts = object
    .split(/,|;|\s(?:and|y|et|und|e|plus|as well as)\s/iu)
    .map((p) => p.trim())
    .filter((p) => normalize(p) !== '');
  if (parts.length < 2) return dedupe(idsIn(object));
  const targets: GoalTarget[] = [];
  for (const part of parts) {
    const ids = idsIn(part);
    if (/\bQUOTED\b/.test(part)) continue;
    if (ids.length > 0) targets.push(...ids);
    else targets.push(...wordTarget(part));
  }

  return dedupe(targets.length >= 2 ? targets : idsIn(object));
}

/** An item of a list named by words only: "the annex", "the report PDF", "the CSV". */
function wordTarget(part: string): GoalTarget[] {
  const words = contentWords(part);
  const kinds = fileKindsIn(normalize(part));
  if (words.length === 0 && kinds.length === 0) return [];
  const label = [...words, ...kinds].join(' ');

  return [{ label, terms: words, kind: kinds[0] ?? null }];
}

function dedupe(targets: GoalTarget[]): GoalTarget[] {
  const seen = new Set<string>();

  return targets.filter((t) => {
    const key = `${t.terms.join('|')}#${t.kind}`;
    if (seen.has(key)) return false;
    seen.add(key);

    return true;
  });
}

function findPeriod(normal: string, now: Date, targets: GoalTarget[]): DateMention | null {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() + 1;
  if (containsAny(normal, LAST_MONTH_PHRASES)) {
    return month === 1
      ? { year: year - 1, month: 12, quarter: null }
      : { year, month: month - 1, quarter: null };
  }
  if (containsAny(normal, THIS_MONTH_PHRASES)) return { year, month, quarter: null };
  if (containsAny(normal, LAST_YEAR_PHRASES)) return { year: year - 1, month: null, quarter: null };
  if (containsAny(normal, THIS_YEAR_PHRASES)) return { year, month: null, quarter: null };
  const targetWords = new Set(targets.flatMap((t) => t.terms.join(' ').split(' ')));
  const dates = datesIn(normal).filter(
    (d) => d.month !== null || d.quarter !== null || !targetWords.has(String(d.year)),
  );

  return dates[0] ?? null;
}

function wantsLatest(normal: string): boolean {
  const relative = [...LAST_MONTH_PHRASES, ...LAST_YEAR_PHRASES];
  const cleaned = relative.reduce((text, phrase) => text.replaceAll(phrase, ' '), normal);

  return containsAny(cleaned, LATEST_WORDS);
}

function findCount(normal: string, targets: GoalTarget[]): GoalCount {
  if (targets.length >= 2) return { kind: 'n', n: targets.length };
  const tokens = normal.split(' ');
  const number = countNumber(tokens, targets);
  if (number !== null) return number === 1 ? { kind: 'one' } : { kind: 'n', n: number };
  if (containsAny(normal, ALL_WORDS)) return { kind: 'all' };
  if (namesPlural(tokens) && !wantsLatest(normal)) return { kind: 'all' };

  return { kind: 'one' };
}

/** "three files", "all 5", "last 3 invoices": a number that counts what is wanted. */
function countNumber(tokens: string[], targets: GoalTarget[]): number | null {
  const targetTerms = new Set(targets.flatMap((t) => t.terms.join(' ').split(' ')));
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const value = NUMBER_WORDS[token] ?? (/^\d{1,2}$/.test(token) ? Number(token) : null);
    if (value === null || targetTerms.has(token)) continue;
    const next = tokens[i + 1] ?? '';
    const isDate = datesIn(`${tokens[i - 1] ?? ''} ${token} ${next}`).some((d) => d.month !== null);
    if (!isDate && next !== '' && !/\d/.test(next)) return value;
  }

  return null;
}

/**
 * A plural noun for documents ("invoices", "facturas", "Rechnungen") asks for every match, unless
 * the singular is there too ("the Q2 report from the reports widget").
 */
function namesPlural(tokens: string[]): boolean {
  const plural = tokens.filter((t) => t.length > 3 && stem(t) !== t && conceptsIn(stem(t)).length);
  const singular = new Set(tokens.filter((t) => stem(t) === t && conceptsIn(t).length > 0));

  return plural.some((token) => !singular.has(stem(token)));
}
