import path from 'node:path';
import mime from 'mime-types';

/**
 * Longest stored name, in UTF-8 bytes. Filesystems take 255; the embedded S3 of the local mode
 * keeps each object as a file named after it plus up to 22 bytes of its own, so 230 is what
 * every place a file is kept accepts.
 */
const MAX_NAME_BYTES = 230;

/** Extensions of server scripts: a URL ending in one names the program, not the document. */
const SCRIPT_EXTENSIONS = new Set([
  'php',
  'asp',
  'aspx',
  'ashx',
  'jsp',
  'jspx',
  'cgi',
  'pl',
  'py',
  'do',
  'action',
  'cfm',
]);

/** The extension of a name, lower-case, without the dot; '' when there is none. */
export function extensionOf(name: string): string {
  const ext = path.extname(name);

  return ext.length > 1 ? ext.slice(1).toLowerCase() : '';
}

function stemOf(name: string): string {
  const ext = path.extname(name);

  return ext.length > 1 ? name.slice(0, -ext.length) : name;
}

function truncateBytes(value: string, maxBytes: number): string {
  let out = value;
  while (Buffer.byteLength(out) > maxBytes) out = Array.from(out).slice(0, -1).join('');

  return out;
}

/**
 * Makes a name safe to store: NFC, last path segment only, no control characters, no leading
 * dots, bounded length (the extension is kept). Returns '' when nothing usable is left.
 */
export function sanitizeFilename(raw: string): string {
  const segment = raw.normalize('NFC').split(/[/\\]/).pop() ?? '';
  const cleaned = segment
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are removed
    .replace(/[\x00-\x1f\x7f-\x9f]/g, '')
    .trim()
    .replace(/^[.\s]+/, '');
  if (Buffer.byteLength(cleaned) <= MAX_NAME_BYTES) return cleaned;
  const ext = path.extname(cleaned);

  return truncateBytes(stemOf(cleaned), MAX_NAME_BYTES - Buffer.byteLength(ext)) + ext;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The name a URL gives: its last path segment without the query. When that segment is a server
 * script (`download.aspx`, `invoices.php`), a query value that looks like a file name wins, or
 * the query values are appended so that each document keeps a distinct name.
 */
export function filenameFromUrl(rawUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return null;
  }
  if (url.protocol === 'data:' || url.protocol === 'blob:') return null;
  const segment = decodeSegment(url.pathname.split('/').filter(Boolean).pop() ?? '');
  if (!SCRIPT_EXTENSIONS.has(extensionOf(segment))) return segment || null;
  const values = [...url.searchParams.values()];
  const named = values.map((v) => v.split(/[/\\]/).pop() ?? '').find((v) => /\.\w{1,8}$/.test(v));
  if (named && !SCRIPT_EXTENSIONS.has(extensionOf(named))) return named;
  const short = values.filter((v) => /^[\w-]{1,40}$/.test(v)).slice(0, 3);

  return short.length > 0 ? `${stemOf(segment)}-${short.join('-')}` : stemOf(segment);
}

/** Whether an extension says nothing about the content (none, or a server script's). */
export function needsExtension(name: string): boolean {
  const ext = extensionOf(name);

  return ext === '' || SCRIPT_EXTENSIONS.has(ext);
}

/** The extension for a MIME type, or '' when unknown or generic. */
export function extensionForMime(contentType: string | null | undefined): string {
  if (!contentType) return '';
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (type === 'application/octet-stream' || type === 'binary/octet-stream') return '';

  return mime.extension(type) || '';
}

/** Replaces a missing or meaningless extension with `ext`. */
export function withExtension(name: string, ext: string): string {
  if (!ext || !needsExtension(name)) return name;
  const base = SCRIPT_EXTENSIONS.has(extensionOf(name)) ? stemOf(name) : name;

  return `${base}.${ext}`;
}

/**
 * Applies `download_suffix` (section 4): `.pdf` replaces the extension, `invoice-2024` becomes the
 * name and keeps the file's extension, `invoice-2024.pdf` is the whole name.
 */
export function applyDownloadSuffix(name: string, suffix: string | null | undefined): string {
  if (!suffix) return name;
  const last = sanitizeFilename(suffix);
  if (!last) return name;
  if (/^\.[^.]+$/.test(suffix.split(/[/\\]/).pop() ?? '')) {
    return `${stemOf(name)}.${suffix.split('.').pop()}`;
  }
  if (extensionOf(last)) return last;
  const ext = path.extname(name);

  return `${last}${ext}`;
}

/** `name`, or `name_1.ext`, `name_2.ext`, … whichever `taken` does not hold yet. */
export function uniqueFilename(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  const ext = path.extname(name);
  const stem = stemOf(name);
  for (let n = 1; ; n++) {
    const mark = `_${n}${ext}`;
    // the number goes inside the length bound: a name already at the bound loses letters for it
    const candidate = `${truncateBytes(stem, MAX_NAME_BYTES - Buffer.byteLength(mark))}${mark}`;
    if (!taken.has(candidate)) return candidate;
  }
}
