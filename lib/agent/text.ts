/**
 * Text helpers shared by goal parsing and page reading: one normal form (lower case, no accents,
 * punctuation as spaces) so that "Télécharger", "telecharger" and "TÉLÉCHARGER" compare equal.
 */

/** Lower case without diacritics; keeps the characters, so offsets of words stay meaningful. */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .toLowerCase();
}

/** Folded text with every run of non-alphanumeric characters turned into one space. */
export function normalize(text: string): string {
  return fold(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The words of a text in normal form. */
export function words(text: string): string[] {
  const normal = normalize(text);

  return normal === '' ? [] : normal.split(' ');
}

/** True when `phrase` (already normal) appears in `haystack` (already normal) on word bounds. */
export function containsPhrase(haystack: string, phrase: string): boolean {
  if (phrase === '') return false;

  return ` ${haystack} `.includes(` ${phrase} `);
}

/** True when any of the phrases appears on word bounds. */
export function containsAny(haystack: string, phrases: readonly string[]): boolean {
  return phrases.some((phrase) => containsPhrase(haystack, phrase));
}

/** The first phrase of the list found in the haystack, or null. */
export function firstFound(haystack: string, phrases: readonly string[]): string | null {
  return phrases.find((phrase) => containsPhrase(haystack, phrase)) ?? null;
}

/** A URL's path and query decoded into words, for matching ids and dates in links. */
export function hrefWords(href: string | null): string {
  if (!href) return '';
  try {
    const url = new URL(href, 'http://relative.invalid');
    const path = safeDecode(url.pathname + url.search);

    return normalize(path);
  } catch {
    return normalize(href);
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Crude stem: drops common plural endings so "invoices" meets "invoice", "Rechnungen" "Rechnung". */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('ungen')) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);

  return word;
}
