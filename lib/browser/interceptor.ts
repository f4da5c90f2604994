import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { dispositionType, filenameFromDisposition } from '../files/disposition.ts';

interface HeaderEntry {
  name: string;
  value: string;
}

interface PausedRequest {
  requestId: string;
  request: { url: string; headers: Record<string, string> };
  responseStatusCode?: number;
  responseHeaders?: HeaderEntry[];
}

/** What the interceptor does to the requests and responses of every page. */
export interface InterceptOptions {
  /** extra_http_headers and the one origin that receives them. */
  headers: { origin: string; values: Record<string, string> } | null;
  /** Whether a document response must be saved rather than shown (a link's `download`). */
  wantsDownload(url: string): boolean;
}

/** Content types that are documents to keep, never pages to read, whatever the browser build. */
const SAVE_TYPES = /^application\/(pdf|x-pdf)\b/i;
/**
 * Names of documents a page shown `inline` still means as a file, whatever type it claims
 * (`text/plain` on a PDF would show its bytes as text).
 */
const DOCUMENT_NAME = /\.(pdf|zip|gz|tgz|7z|rar|xlsx?|docx?|pptx?|od[tsp]|csv|tsv|parquet|epub)$/i;

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

function header(headers: HeaderEntry[], name: string): string | null {
  return headers.find((h) => h.name.toLowerCase() === name)?.value ?? null;
}

/**
 * The response headers that make the browser save the body as a download, or null to leave the
 * response alone. The body itself is never touched, so the saved bytes are the server's.
 */
export function attachmentHeaders(
  url: string,
  status: number,
  headers: HeaderEntry[],
  wantsDownload: (url: string) => boolean,
): HeaderEntry[] | null {
  if (status < 200 || status >= 300) return null;
  const disposition = header(headers, 'content-disposition');
  if (dispositionType(disposition) === 'attachment') return null;
  const type = header(headers, 'content-type') ?? '';
  const namedDocument = DOCUMENT_NAME.test(filenameFromDisposition(disposition) ?? '');
  if (!SAVE_TYPES.test(type) && !namedDocument && !wantsDownload(url)) return null;
  const rest = headers.filter((h) => h.name.toLowerCase() !== 'content-disposition');
  const params = disposition ? disposition.replace(/^\s*[A-Za-z-]+\s*;?\s*/, '') : '';

  return [
    ...rest,
    { name: 'Content-Disposition', value: params ? `attachment; ${params}` : 'attachment' },
  ];
}

async function interceptPage(context: BrowserContext, page: Page, options: InterceptOptions) {
  let session: CDPSession;
  try {
    session = await context.newCDPSession(page);
  } catch {
    return;
  }
  const scoped = options.headers;
  const names = new Set(Object.keys(scoped?.values ?? {}).map((n) => n.toLowerCase()));
  session.on('Fetch.requestPaused', (event: PausedRequest) => {
    const { requestId, request } = event;
    let command: Promise<unknown>;
    if (event.responseStatusCode !== undefined) {
      const forced = attachmentHeaders(
        request.url,
        event.responseStatusCode,
        event.responseHeaders ?? [],
        options.wantsDownload,
      );
      command = forced
        ? session.send('Fetch.continueResponse', {
            requestId,
            responseCode: event.responseStatusCode,
            responseHeaders: forced,
          })
        : session.send('Fetch.continueRequest', { requestId });
    } else {
      // every hop of a redirect is paused again, so the headers never follow it elsewhere
      const kept = Object.entries(request.headers).filter(([n]) => !names.has(n.toLowerCase()));
      if (scoped && originOf(request.url) === scoped.origin)
        kept.push(...Object.entries(scoped.values));
      command = session.send('Fetch.continueRequest', {
        requestId,
        headers: kept.map(([name, value]) => ({ name, value })),
      });
    }
    command.catch(() => undefined);
  });
  type Pattern = {
    urlPattern: string;
    resourceType?: 'Document';
    requestStage: 'Request' | 'Response';
  };
  const patterns: Pattern[] = [
    { urlPattern: '*', resourceType: 'Document', requestStage: 'Response' },
  ];
  if (scoped) patterns.push({ urlPattern: '*', requestStage: 'Request' });
  await session.send('Fetch.enable', { patterns }).catch(() => undefined);
}

/**
 * Intercepts every page of the context: extra_http_headers go to the start URL's origin only,
 * and documents that must be files (PDFs, links with a `download` name the browser ignored
 * because they are cross-origin) arrive as downloads in every Chromium build. Resolves once the
 * pages open now are covered.
 */
// Limitation: a tab the site opens sends its first request before it can be covered, so that
// request goes without the extra headers (never to a wrong origin); worker requests are not
// covered. Attaching to new targets before they start would lift it.
export async function interceptContext(
  context: BrowserContext,
  options: InterceptOptions,
): Promise<void> {
  const normalised = options.headers
    ? { ...options.headers, origin: originOf(options.headers.origin) ?? options.headers.origin }
    : null;
  const resolved = { ...options, headers: normalised };
  context.on('page', (page) => {
    interceptPage(context, page, resolved).catch(() => undefined);
  });
  await Promise.all(context.pages().map((page) => interceptPage(context, page, resolved)));
}
