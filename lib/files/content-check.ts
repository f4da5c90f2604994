import { fileTypeFromBuffer } from 'file-type';
import { extensionOf } from './filename.ts';

/** How many leading bytes the checks read. */
export const HEAD_BYTES = 4100;

/** Extensions under which markup (an HTML page, an XML document) is the expected content. */
const MARKUP_EXTENSIONS = new Set(['html', 'htm', 'xhtml', 'shtml', 'mhtml', 'xml', 'svg', 'rss']);

/** Leading bytes every file of these types starts with; a mismatch means a wrong body. */
const MAGIC: Record<string, Buffer[]> = {
  pdf: [Buffer.from('%PDF-')],
  zip: [Buffer.from('PK\x03\x04'), Buffer.from('PK\x05\x06')],
  xlsx: [Buffer.from('PK\x03\x04')],
  docx: [Buffer.from('PK\x03\x04')],
  pptx: [Buffer.from('PK\x03\x04')],
  odt: [Buffer.from('PK\x03\x04')],
  ods: [Buffer.from('PK\x03\x04')],
  epub: [Buffer.from('PK\x03\x04')],
  png: [Buffer.from([0x89, 0x50, 0x4e, 0x47])],
  gif: [Buffer.from('GIF8')],
  jpg: [Buffer.from([0xff, 0xd8, 0xff])],
  jpeg: [Buffer.from([0xff, 0xd8, 0xff])],
  gz: [Buffer.from([0x1f, 0x8b])],
  tgz: [Buffer.from([0x1f, 0x8b])],
  webm: [Buffer.from([0x1a, 0x45, 0xdf, 0xa3])],
  mkv: [Buffer.from([0x1a, 0x45, 0xdf, 0xa3])],
  '7z': [Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])],
};

/** The start of the text, without a byte-order mark and leading whitespace, lower-cased. */
function leadingText(head: Buffer): string {
  return head
    .subarray(0, 512)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart()
    .slice(0, 64)
    .toLowerCase();
}

/** Whether the bytes start like an HTML document. */
export function looksLikeHtml(head: Buffer): boolean {
  const text = leadingText(head);

  return /^<(!doctype html|html|head|body|script|title|meta|!--)/.test(text);
}

/** Whether the bytes start like an XML document (S3-style error bodies are XML). */
export function looksLikeXml(head: Buffer): boolean {
  return leadingText(head).startsWith('<?xml');
}

/** The extension the bytes themselves announce (magic numbers), or '' when unknown. */
export async function extensionFromBytes(head: Buffer): Promise<string> {
  const detected = await fileTypeFromBuffer(head);
  if (detected) return detected.ext;
  if (looksLikeHtml(head)) return 'html';
  if (looksLikeXml(head)) return 'xml';

  return '';
}

/**
 * Why these bytes must not be stored under `name`, or null when they may be: an HTML or XML page
 * under a document's name (a login or error page), or bytes that contradict a well-known
 * extension.
 */
export function contentMismatch(name: string, head: Buffer): string | null {
  const ext = extensionOf(name);
  if (MARKUP_EXTENSIONS.has(ext)) return null;
  if (looksLikeHtml(head)) return `the server sent an HTML page, not the file ${name}`;
  if (looksLikeXml(head) && ext !== '' && ext !== 'txt') {
    return `the server sent an XML document (often an error), not the file ${name}`;
  }
  const magic = MAGIC[ext];
  if (magic && !magic.some((m) => head.subarray(0, m.length).equals(m))) {
    return `the bytes are not a ${ext.toUpperCase()} file, so ${name} was not stored`;
  }

  return null;
}
