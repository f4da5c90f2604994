import { describe, expect, it } from 'vitest';
import { contentMismatch, extensionFromBytes } from '../../lib/files/content-check.ts';
import { filenameFromDisposition } from '../../lib/files/disposition.ts';
import { deriveFilename } from '../../lib/files/download-name.ts';
import {
  applyDownloadSuffix,
  filenameFromUrl,
  sanitizeFilename,
  uniqueFilename,
} from '../../lib/files/filename.ts';

const latin1 = (value: string) => Buffer.from(value, 'utf8').toString('latin1');

describe('filenameFromDisposition', () => {
  it('prefers filename* whichever order the parameters come in', () => {
    expect(
      filenameFromDisposition(`attachment; filename="a.txt"; filename*=UTF-8''b%C3%A9.txt`),
    ).toBe('bé.txt');
    expect(
      filenameFromDisposition(
        `attachment; filename*=UTF-8''%E2%82%AC%20rates.csv; filename="EURO rates.csv"`,
      ),
    ).toBe('€ rates.csv');
  });

  it('reads raw UTF-8 bytes in filename, as Node or Chromium hand them over', () => {
    expect(filenameFromDisposition(latin1('attachment; filename="啊.txt"'))).toBe('啊.txt');
    expect(filenameFromDisposition('attachment; filename="啊.txt"')).toBe('啊.txt');
  });

  it('keeps a latin1 name that is not valid UTF-8 as it is', () => {
    expect(filenameFromDisposition('attachment; filename="caf\u00e9.txt"')).toBe('café.txt');
  });

  it('decodes MIME encoded words', () => {
    expect(filenameFromDisposition('attachment; filename="=?UTF-8?Q?my=20File.txt?="')).toBe(
      'my File.txt',
    );
    expect(filenameFromDisposition('attachment; filename="=?UTF-8?B?w5xiZXIucGRm?="')).toBe(
      'Über.pdf',
    );
  });

  it('reads headers the strict parser refuses', () => {
    expect(filenameFromDisposition('attachment; filename=report 2024.pdf')).toBe('report 2024.pdf');
    expect(filenameFromDisposition('attachment; filename="a.pdf"; filename="b.pdf"')).toBe('a.pdf');
  });

  it('answers null without a file name', () => {
    expect(filenameFromDisposition('inline')).toBeNull();
    expect(filenameFromDisposition(null)).toBeNull();
  });
});

describe('sanitizeFilename', () => {
  it('keeps only the last path segment and drops control characters and leading dots', () => {
    expect(sanitizeFilename('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFilename('..\\..\\boot.ini')).toBe('boot.ini');
    expect(sanitizeFilename('.hidden')).toBe('hidden');
    expect(sanitizeFilename('a\u0000b\u001fc.txt')).toBe('abc.txt');
  });

  it('normalises to NFC', () => {
    expect(sanitizeFilename('U\u0308bersicht.pdf')).toBe('\u00dcbersicht.pdf');
  });

  it('bounds the length to 230 bytes and keeps the extension', () => {
    const name = sanitizeFilename(`${'é'.repeat(300)}.pdf`);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(230);
    expect(Buffer.byteLength(name)).toBeGreaterThan(225);
    expect(name.endsWith('.pdf')).toBe(true);
  });

  it('keeps a long name that fits whole (208 bytes of Portuguese)', () => {
    const long = `${'Relatório de Execução Orçamentária '.repeat(5).trim()} 2024.pdf`;
    expect(sanitizeFilename(long)).toBe(long);
  });
});

describe('filenameFromUrl', () => {
  it('takes the last path segment without the query', () => {
    expect(filenameFromUrl('http://cdn.test/bucket/abc.pdf?X-Sig=1&Expires=2')).toBe('abc.pdf');
    expect(filenameFromUrl('http://a.test/files/r%C3%A9sum%C3%A9.pdf')).toBe('résumé.pdf');
  });

  it('names a script URL after a file-like query value or after its parameters', () => {
    expect(
      filenameFromUrl('http://a.test/download.aspx?link=docs/nice-filename.pdf&session=x'),
    ).toBe('nice-filename.pdf');
    expect(filenameFromUrl('http://a.test/invoices.php?id=1001')).toBe('invoices-1001');
  });

  it('gives nothing for blob and data URLs', () => {
    expect(filenameFromUrl('blob:http://a.test/5d1c')).toBeNull();
    expect(filenameFromUrl('data:text/plain,hi')).toBeNull();
  });
});

describe('applyDownloadSuffix', () => {
  it('replaces the extension when the suffix is one', () => {
    expect(applyDownloadSuffix('report.txt', '.pdf')).toBe('report.pdf');
  });

  it('renames and keeps the extension when the suffix has none', () => {
    expect(applyDownloadSuffix('report.pdf', 'invoice-2024')).toBe('invoice-2024.pdf');
  });

  it('uses the whole suffix when it has an extension, only its last path segment', () => {
    expect(applyDownloadSuffix('report.pdf', 'invoice-2024.xlsx')).toBe('invoice-2024.xlsx');
    expect(applyDownloadSuffix('report.pdf', '../x/invoice.pdf')).toBe('invoice.pdf');
  });
});

describe('uniqueFilename', () => {
  it('adds _1, _2 before the extension on collisions', () => {
    const taken = new Set(['a.pdf', 'a_1.pdf']);
    expect(uniqueFilename('a.pdf', taken)).toBe('a_2.pdf');
    expect(uniqueFilename('b.pdf', taken)).toBe('b.pdf');
  });

  it('keeps a numbered name of a name at the bound within the bound', () => {
    const full = sanitizeFilename(`${'x'.repeat(400)}.pdf`);
    const numbered = uniqueFilename(full, new Set([full]));
    expect(Buffer.byteLength(numbered)).toBe(230);
    expect(numbered.endsWith('_1.pdf')).toBe(true);
  });
});

describe('deriveFilename', () => {
  const base = {
    url: 'http://a.test/x',
    contentDisposition: null,
    contentType: null,
    downloadAttribute: null,
    suggestedName: 'x',
    head: Buffer.alloc(0),
  };

  it('adds an extension from the bytes, then from the MIME type', async () => {
    expect(await deriveFilename({ ...base, head: Buffer.from('%PDF-1.7\n') })).toBe('x.pdf');
    expect(await deriveFilename({ ...base, contentType: 'text/csv; charset=utf-8' })).toBe('x.csv');
  });

  it('takes the download attribute over the URL', async () => {
    expect(await deriveFilename({ ...base, downloadAttribute: 'My Puppy.webm' })).toBe(
      'My Puppy.webm',
    );
  });

  it('uses the browser name for blob URLs', async () => {
    const name = await deriveFilename({
      ...base,
      url: 'blob:http://a.test/1',
      suggestedName: 'export.csv',
    });
    expect(name).toBe('export.csv');
  });
});

describe('contentMismatch', () => {
  it('refuses an HTML page under a document name', () => {
    expect(contentMismatch('contract.pdf', Buffer.from('\uFEFF  <!DOCTYPE html><html>'))).toMatch(
      /HTML page/,
    );
    expect(contentMismatch('data.csv', Buffer.from('<html><body>Sign in'))).toMatch(/HTML page/);
  });

  it('refuses an XML error body under a document name', () => {
    const xml = Buffer.from('<?xml version="1.0"?><Error><Code>AccessDenied</Code></Error>');
    expect(contentMismatch('file.pdf', xml)).toMatch(/XML/);
  });

  it('refuses bytes that contradict a well-known extension', () => {
    expect(contentMismatch('a.zip', Buffer.from('hello'))).toMatch(/not a ZIP/);
  });

  it('accepts HTML saved under an html name and real documents', () => {
    expect(contentMismatch('foo.html', Buffer.from('<!doctype html>'))).toBeNull();
    expect(contentMismatch('a.pdf', Buffer.from('%PDF-1.4'))).toBeNull();
    expect(contentMismatch('a.csv', Buffer.from('id,name'))).toBeNull();
  });

  it('finds extensions from magic numbers', async () => {
    expect(
      await extensionFromBytes(
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]),
      ),
    ).toBe('png');
    expect(await extensionFromBytes(Buffer.from('<!doctype html><p>'))).toBe('html');
  });
});
