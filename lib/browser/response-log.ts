import type { Response } from 'playwright-core';

/** What naming and checks need from a response; the body is never kept. */
export interface ResponseFacts {
  url: string;
  status: number;
  contentType: string | null;
  contentDisposition: string | null;
  contentLength: number | null;
  contentEncoding: string | null;
  method: string;
}

const MAX_ENTRIES = 500;

/**
 * The latest responses by URL, bounded. Downloads carry no response object of their own, so their
 * names and sizes are read from here by the download's URL.
 */
export class ResponseLog {
  readonly #entries = new Map<string, ResponseFacts>();

  record(response: Response): void {
    const status = response.status();
    if (status >= 300 && status < 400) return;
    const headers = response.headers();
    const length = Number.parseInt(headers['content-length'] ?? '', 10);
    const url = response.url();
    this.#entries.delete(url);
    this.#entries.set(url, {
      url,
      status,
      contentType: headers['content-type'] ?? null,
      contentDisposition: headers['content-disposition'] ?? null,
      contentLength: Number.isFinite(length) ? length : null,
      contentEncoding: headers['content-encoding'] ?? null,
      method: response.request().method(),
    });
    if (this.#entries.size > MAX_ENTRIES) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  get(url: string): ResponseFacts | null {
    return this.#entries.get(url) ?? null;
  }
}

/** Where a link with a `download` attribute pointed and the name it asked for. */
export interface DownloadHint {
  href: string;
  download: string;
}

/** Names from `download` attributes of clicked links, by resolved href, bounded. */
export class DownloadHints {
  readonly #byHref = new Map<string, string>();

  add(hint: DownloadHint): void {
    if (!hint.download) return;
    this.#byHref.delete(hint.href);
    this.#byHref.set(hint.href, hint.download);
    if (this.#byHref.size > MAX_ENTRIES) {
      const oldest = this.#byHref.keys().next().value;
      if (oldest !== undefined) this.#byHref.delete(oldest);
    }
  }

  get(href: string): string | null {
    return this.#byHref.get(href) ?? null;
  }
}
