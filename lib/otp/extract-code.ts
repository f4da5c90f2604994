/** Content up to this length is the code itself (section 6 of the contract). */
export const BARE_CODE_MAX_LENGTH = 10;

/** Words that announce a one-time code in an e-mail or SMS text. */
const CODE_WORDS = /\b(?:code|otp|passcode|pin|one[- ]time|verification|security|2fa|token)\b/gi;

/** A run of 4 to 8 digits that is not part of a longer number, date or amount. */
const CANDIDATE = /(?<![\d.,/:]|\d-)\d{4,8}(?![\d/:]|[.,-]\d)/g;

function wordPositions(text: string): number[] {
  return [...text.matchAll(CODE_WORDS)].map((match) => match.index + match[0].length);
}

/**
 * The one-time code in a pushed `content`. Short content is the code as is; longer content is a
 * message, and the code is the 4-8 digit number nearest after a word such as "code" or "OTP" (or
 * the first such number when no such word appears). Null when there is none.
 */
export function extractCode(content: string): string | null {
  const trimmed = content.trim();
  if (trimmed.length === 0) return null;
  if (trimmed.length <= BARE_CODE_MAX_LENGTH) return trimmed;

  const candidates = [...trimmed.matchAll(CANDIDATE)];
  if (candidates.length === 0) return null;
  const words = wordPositions(trimmed);
  if (words.length === 0) return candidates[0][0];

  const distance = (index: number) =>
    Math.min(...words.map((end) => (index >= end ? index - end : (end - index) * 2)));
  const best = candidates.reduce((a, b) => (distance(b.index) < distance(a.index) ? b : a));

  return best[0];
}
