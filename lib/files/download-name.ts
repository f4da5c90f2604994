import { extensionFromBytes } from './content-check.ts';
import { filenameFromDisposition } from './disposition.ts';
import {
  extensionForMime,
  filenameFromUrl,
  needsExtension,
  sanitizeFilename,
  withExtension,
} from './filename.ts';

/** Everything known about a finished download that bears on its name. */
export interface NameSources {
  url: string;
  contentDisposition: string | null;
  contentType: string | null;
  /** The `download` attribute of the link that started it, when one did. */
  downloadAttribute: string | null;
  /** The name the browser proposed. */
  suggestedName: string;
  /** The first bytes of the file. */
  head: Buffer;
}

const FALLBACK_NAME = 'download';

function isOpaqueUrl(url: string): boolean {
  return url.startsWith('blob:') || url.startsWith('data:');
}

/**
 * The file's name before `download_suffix` (section 4): Content-Disposition (`filename*`, then
 * `filename`), then the link's `download` attribute, then the URL's last path segment, cleaned;
 * a missing extension comes from the bytes, then from the MIME type.
 */
export async function deriveFilename(sources: NameSources): Promise<string> {
  const candidates = [
    filenameFromDisposition(sources.contentDisposition),
    sources.downloadAttribute,
    isOpaqueUrl(sources.url) ? sources.suggestedName : filenameFromUrl(sources.url),
    sources.suggestedName,
  ];
  let name = FALLBACK_NAME;
  for (const candidate of candidates) {
    const clean = candidate ? sanitizeFilename(candidate) : '';
    if (clean) {
      name = clean;
      break;
    }
  }
  if (!needsExtension(name)) return name;
  const ext = (await extensionFromBytes(sources.head)) || extensionForMime(sources.contentType);

  return withExtension(name, ext);
}

/** A URL fit for a run record: data: URLs are reduced to their type, long URLs are cut. */
export function displayUrl(url: string): string {
  if (url.startsWith('data:')) {
    const comma = url.indexOf(',');
    return `${url.slice(0, comma > 0 ? Math.min(comma, 100) : 100)},…`;
  }

  return url.length > 2000 ? `${url.slice(0, 2000)}…` : url;
}
