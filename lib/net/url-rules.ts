import { BadRequestError } from '../errors.ts';

/** Longest URL the service accepts (api.md section 2). */
export const MAX_URL_LENGTH = 2083;

export type UrlCheck = { ok: true; url: string } | { ok: false; message: string };

export interface NormalizeOptions {
  /** Give a URL without a scheme (`example.com/docs`) `https://`, as the start URL does. */
  allowBareHost: boolean;
}

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
const HOST_AND_PORT = /^[^/?#:@]+:\d+(?:[/?#]|$)/;

function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }

  return false;
}

/**
 * Turns a caller's URL into the one the service will use, or says precisely why it cannot.
 * Only http(s) with a host; no user name or password (they end up in logs and Referer headers);
 * no IPv6 zone id (it names an interface of this machine). Numeric IPv4 forms (`2130706433`,
 * `0x7f.1`, `0177.0.0.1`) become dotted quads and IDNs become punycode, as every browser does,
 * so the network rules judge the address the browser would reach. A trailing dot is dropped so
 * `localhost.` and `intranet.example.` compare equal to the names they stand for.
 */
export function normalizeHttpUrl(raw: string, options: NormalizeOptions): UrlCheck {
  const text = raw.trim();
  const fail = (message: string): UrlCheck => ({ ok: false, message });
  if (text === '') return fail('URL is empty');
  if (text.length > MAX_URL_LENGTH) return fail(`URL is longer than ${MAX_URL_LENGTH} characters`);
  if (hasControlCharacter(text)) return fail('URL contains control characters');
  const withScheme = addScheme(text, options.allowBareHost);
  if (!withScheme.ok) return withScheme;
  if (/\[[^\]]*%/.test(withScheme.url.split(/[/?#]/, 3).join('/'))) {
    return fail('URL has an IPv6 zone id, which names an interface of this machine');
  }
  let url: URL;
  try {
    url = new URL(withScheme.url);
  } catch {
    return fail('URL is not well-formed');
  }

  return checkParsed(url, fail);
}

/**
 * The start URL of a run, normalized (see normalizeHttpUrl).
 *
 * @throws BadRequestError with the reason the URL cannot be used
 */
export function normalizeStartUrl(raw: string): string {
  const result = normalizeHttpUrl(raw, { allowBareHost: true });
  if (!result.ok) throw new BadRequestError(result.message);

  return result.url;
}

function addScheme(text: string, allowBareHost: boolean): UrlCheck {
  const scheme = SCHEME.exec(text)?.[1].toLowerCase();
  const isBare = scheme === undefined || HOST_AND_PORT.test(text);
  if (isBare) {
    return allowBareHost
      ? { ok: true, url: `https://${text}` }
      : { ok: false, message: 'URL must start with http:// or https://' };
  }
  if (scheme !== 'http' && scheme !== 'https') {
    return { ok: false, message: `URL scheme "${scheme}:" is not allowed; use http or https` };
  }
  if (!/^https?:\/\//i.test(text)) {
    return { ok: false, message: 'URL must start with http:// or https://' };
  }

  return { ok: true, url: text };
}

function checkParsed(url: URL, fail: (message: string) => UrlCheck): UrlCheck {
  if (url.username !== '' || url.password !== '') {
    return fail('URL may not contain a user name or password; log in through the page instead');
  }
  if (url.hostname === '' || url.hostname === '.') return fail('URL has no host');
  if (url.hostname.endsWith('..')) return fail('URL host has an empty label');
  if (url.port === '0') return fail('URL port 0 is not a valid port');
  if (url.hostname.endsWith('.')) url.hostname = url.hostname.slice(0, -1);
  if (url.href.length > MAX_URL_LENGTH) {
    return fail(`URL is longer than ${MAX_URL_LENGTH} characters once normalized`);
  }

  return { ok: true, url: url.href };
}
