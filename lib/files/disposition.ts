import contentDisposition from 'content-disposition';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Re-reads a string whose characters are bytes (how Node and some CDP paths hand over header
 * values) as UTF-8, when those bytes are valid UTF-8; otherwise returns it unchanged.
 */
export function redecodeUtf8(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range test is the point
  if (/^[\x00-\x7f]*$/.test(value) || /[^\x00-\xff]/.test(value)) return value;
  try {
    return UTF8.decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`) that some servers send. */
export function decodeMimeWords(value: string): string {
  return value.replace(
    /=\?([\w-]+)\?([QqBb])\?([^?]*)\?=/g,
    (word, charset: string, encoding: string, text: string) => {
      const bytes =
        encoding.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(
              text
                .replace(/_/g, ' ')
                .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) =>
                  String.fromCharCode(Number.parseInt(hex, 16)),
                ),
              'latin1',
            );
      try {
        return new TextDecoder(charset.toLowerCase(), { fatal: true }).decode(bytes);
      } catch {
        return word;
      }
    },
  );
}

/** Turns any string into one whose characters are all bytes, so the header parser accepts it. */
function toByteString(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range test is the point
  return /[^\x00-\xff]/.test(value) ? Buffer.from(value, 'utf8').toString('latin1') : value;
}

/** A lenient reading for headers the strict parser refuses (duplicates, stray characters). */
function looseFilename(header: string): string | null {
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;\s]+)/i.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[2]);
    } catch {
      // fall through to the plain parameter
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header);
  if (!plain) return null;

  return (plain[1] ?? plain[2]).replace(/\\(.)/g, '$1').trim();
}

/**
 * The file name a Content-Disposition header gives: `filename*` first, in whichever order the
 * parameters come, then `filename` (raw UTF-8 bytes and MIME words decoded). Null when there is
 * none.
 */
export function filenameFromDisposition(header: string | null | undefined): string | null {
  if (!header) return null;
  const bytes = toByteString(header);
  let name: string | null;
  let extended = false;
  try {
    const parsed = contentDisposition.parse(bytes);
    name = parsed.parameters.filename ?? null;
    extended = /filename\*\s*=/i.test(bytes);
  } catch {
    name = looseFilename(bytes);
    extended = /filename\*\s*=/i.test(bytes) && name !== null;
  }
  if (name === null) return null;
  // a filename* value is already Unicode; only the plain parameter carries raw bytes
  const decoded = extended ? name : decodeMimeWords(redecodeUtf8(name));

  return decoded.trim() || null;
}

/** The disposition type (`attachment`, `inline`), or null without a readable header. */
export function dispositionType(header: string | null | undefined): string | null {
  if (!header) return null;
  const match = /^\s*([A-Za-z-]+)/.exec(header);

  return match ? match[1].toLowerCase() : null;
}
