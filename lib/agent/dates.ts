import { conceptsIn } from './concepts.ts';
import { AMBIGUOUS_MONTHS, ENGLISH_MONTHS, MONTHS, QUARTER_WORDS } from './lexicon.ts';
import { words } from './text.ts';

/** A date named in a text: a month, a quarter or only a year; any part may be unknown. */
export interface DateMention {
  year: number | null;
  /** 1..12 */
  month: number | null;
  /** 1..4 */
  quarter: number | null;
}

const MONTH_INDEX = new Map<string, number>();
MONTHS.forEach((names, index) => {
  for (const name of names) if (!MONTH_INDEX.has(name)) MONTH_INDEX.set(name, index + 1);
});

const ORDINAL_QUARTERS: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  primer: 1,
  primero: 1,
  segundo: 2,
  tercer: 3,
  tercero: 3,
  cuarto: 4,
  premier: 1,
  deuxieme: 2,
  troisieme: 3,
  quatrieme: 4,
  erste: 1,
  ersten: 1,
  zweite: 2,
  zweiten: 2,
  dritte: 3,
  dritten: 3,
  vierte: 4,
  vierten: 4,
  primeiro: 1,
  terceiro: 3,
  quarto: 4,
};

const MONTH_LEAD_WORDS = new Set(['in', 'of', 'for', 'from', 'my', 'the', 'de', 'en', 'du', 'im']);
const FILLERS = new Set(['de', 'of', 'del', 'do', 'da', 'the', 'im', 'em', 'en', ...QUARTER_WORDS]);

function isYear(token: string | undefined): boolean {
  return token !== undefined && /^(19|20)\d\d$/.test(token);
}

function isSmallNumber(token: string | undefined, max: number): boolean {
  return (
    token !== undefined && /^\d{1,2}$/.test(token) && Number(token) >= 1 && Number(token) <= max
  );
}

/** The year near a month word: after it (skipping a day and fillers) or just before it. */
function yearNear(tokens: string[], index: number): number | null {
  for (let i = index + 1; i <= index + 3 && i < tokens.length; i++) {
    if (isYear(tokens[i])) return Number(tokens[i]);
    if (!FILLERS.has(tokens[i]) && !isSmallNumber(tokens[i], 31)) break;
  }
  if (isYear(tokens[index - 1])) return Number(tokens[index - 1]);
  if (isSmallNumber(tokens[index - 1], 31) && isYear(tokens[index - 2])) {
    return Number(tokens[index - 2]);
  }

  return null;
}

function monthWordAt(tokens: string[], index: number): number | null {
  const month = MONTH_INDEX.get(tokens[index]);
  if (month === undefined) return null;
  if (!AMBIGUOUS_MONTHS.has(tokens[index])) return month;
  const next = tokens[index + 1] ?? '';
  const near = /^\d/.test(next) || /^\d/.test(tokens[index - 1] ?? '');
  const leads = MONTH_LEAD_WORDS.has(tokens[index - 1] ?? '');
  const namesDocument = next !== '' && conceptsIn(next).length > 0;

  return near || (leads && namesDocument) ? month : null;
}

function quarterAt(tokens: string[], index: number): number | null {
  const token = tokens[index];
  const short = /^[qt]([1-4])$/.exec(token) ?? /^([1-4])[qt]$/.exec(token);
  if (short) return Number(short[1]);
  if (!QUARTER_WORDS.includes(tokens[index + 1] ?? '')) return null;
  const ordinal = /^([1-4])(?:st|nd|rd|th|o|er|e|eme)?$/.exec(token);
  if (ordinal) return Number(ordinal[1]);

  return ORDINAL_QUARTERS[token] ?? null;
}

/** Numeric forms: 2025-03, 2025 03 15, 03/2025, 15.03.2025, 202503. */
function numericAt(tokens: string[], index: number): DateMention | null {
  const token = tokens[index];
  const packed = /^(20\d\d)(0[1-9]|1[0-2])(\d\d)?$/.exec(token);
  if (packed) return { year: Number(packed[1]), month: Number(packed[2]), quarter: null };
  if (!isYear(token)) return null;
  const year = Number(token);
  if (isSmallNumber(tokens[index + 1], 12) && !isYear(tokens[index - 1])) {
    return { year, month: Number(tokens[index + 1]), quarter: null };
  }
  if (isSmallNumber(tokens[index - 1], 12)) {
    return { year, month: Number(tokens[index - 1]), quarter: null };
  }

  return { year, month: null, quarter: null };
}

/** Every date a text names, in order: "March 2025", "2025-03", "Q3 2024", "2024". */
export function datesIn(text: string): DateMention[] {
  const tokens = words(text);
  const found: DateMention[] = [];
  const used = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    const month = monthWordAt(tokens, i);
    const quarter = month === null ? quarterAt(tokens, i) : null;
    if (month !== null || quarter !== null) {
      const year = yearNear(tokens, i);
      for (let j = i - 2; j <= i + 3; j++) if (isYear(tokens[j])) used.add(j);
      found.push({ year, month, quarter });
    }
  }
  for (let i = 0; i < tokens.length; i++) {
    if (used.has(i)) continue;
    const numeric = numericAt(tokens, i);
    if (numeric) found.push(numeric);
  }

  return found;
}

/** How a date named on the page relates to the date the goal asks for. */
export type DateFit = 'match' | 'conflict' | 'unknown';

export function compareDates(wanted: DateMention, seen: DateMention): DateFit {
  if (wanted.year !== null && seen.year !== null && wanted.year !== seen.year) return 'conflict';
  if (wanted.month !== null) {
    if (seen.month !== null) return seen.month === wanted.month ? 'match' : 'conflict';
    if (seen.quarter !== null)
      return quarterOf(wanted.month) === seen.quarter ? 'unknown' : 'conflict';

    return 'unknown';
  }
  if (wanted.quarter !== null) {
    const seenQuarter = seen.quarter ?? (seen.month !== null ? quarterOf(seen.month) : null);
    if (seenQuarter === null) return 'unknown';

    return seenQuarter === wanted.quarter ? 'match' : 'conflict';
  }

  return wanted.year !== null && seen.year !== null ? 'match' : 'unknown';
}

export function quarterOf(month: number): number {
  return Math.ceil(month / 3);
}

/** A number that orders dates in time (months and quarters resolved to their last month). */
export function dateOrder(date: DateMention): number | null {
  if (date.year === null) return null;
  const month = date.month ?? (date.quarter !== null ? date.quarter * 3 : 12);

  return date.year * 12 + month;
}

/** "March 2025", "Q3 2024", "2024": how reasons and summaries name a date. */
export function describeDate(date: DateMention): string {
  const year = date.year === null ? '' : ` ${date.year}`;
  if (date.month !== null) return `${ENGLISH_MONTHS[date.month - 1]}${year}`;
  if (date.quarter !== null) return `Q${date.quarter}${year}`;

  return year.trim();
}
