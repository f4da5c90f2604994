import { MAX_BODY_BYTES } from '../contracts/request.ts';
import {
  PayloadTooLargeError,
  RequestValidationError,
  UnsupportedMediaTypeError,
} from '../errors.ts';
import type { ApiRequest } from './types.ts';

function isJsonMediaType(contentType: string | undefined): boolean {
  const mediaType = contentType?.split(';')[0].trim().toLowerCase() ?? '';

  return mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
}

/**
 * The JSON body of a request, or undefined when it has none. Rejects a body over 256 KiB (413),
 * one not declared as JSON (415) and one that does not parse (422).
 */
export function readJsonBody(request: ApiRequest): unknown {
  const body = request.body ?? '';
  if (body.length === 0) return undefined;
  if (Buffer.byteLength(body, 'utf8') > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(MAX_BODY_BYTES);
  }
  const contentType = request.headers['content-type'];
  if (!isJsonMediaType(contentType)) throw new UnsupportedMediaTypeError(contentType);

  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new RequestValidationError([
      { loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' },
    ]);
  }
  rejectPrototypeKeys(value);

  return value;
}

interface Visit {
  value: unknown;
  key: string | number;
  parent: Visit | null;
}

function locOf(visit: Visit): (string | number)[] {
  const loc: (string | number)[] = [];
  for (let at: Visit | null = visit; at; at = at.parent) loc.unshift(at.key);

  return loc;
}

/**
 * Refuses `__proto__` keys anywhere in a body: JavaScript objects cannot hold them as data, so
 * schema checks would silently drop them. Iterative, and paths are built only for a hit, because
 * a body may nest a hundred thousand levels deep.
 */
function rejectPrototypeKeys(value: unknown): void {
  const pending: Visit[] = [{ value, key: 'body', parent: null }];
  while (pending.length > 0) {
    const visit = pending.pop()!;
    if (visit.value === null || typeof visit.value !== 'object') continue;
    const isArray = Array.isArray(visit.value);
    for (const [key, child] of Object.entries(visit.value)) {
      const next = { value: child, key: isArray ? Number(key) : key, parent: visit };
      if (key === '__proto__') {
        throw new RequestValidationError([
          { loc: locOf(next), msg: 'The key __proto__ is not allowed', type: 'value_error' },
        ]);
      }
      pending.push(next);
    }
  }
}

/** The body, which this operation requires: an empty one is a 422 like any missing field. */
export function readRequiredJsonBody(request: ApiRequest): unknown {
  const body = readJsonBody(request);
  if (body === undefined) {
    throw new RequestValidationError([{ loc: ['body'], msg: 'Field required', type: 'missing' }]);
  }

  return body;
}
