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

  try {
    return JSON.parse(body);
  } catch {
    throw new RequestValidationError([
      { loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' },
    ]);
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
