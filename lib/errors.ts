import { stripVTControlCharacters } from 'node:util';
/** Options shared by every error of the service. */
export interface RetrieverErrorOptions extends ErrorOptions {
  retryable?: boolean;
}

/**
 * Base of every error the service raises on purpose. `code` is stable and machine-readable; the
 * state machine's Retry and Catch match on `name`.
 */
export class RetrieverError extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: RetrieverErrorOptions = {}) {
    super(message, options);
    this.name = 'RetrieverError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** A request that is well-formed but cannot be served (HTTP 400). */
export class BadRequestError extends RetrieverError {
  constructor(message: string, options?: RetrieverErrorOptions) {
    super('bad_request', message, options);
    this.name = 'BadRequestError';
  }
}

/** Missing, unknown or revoked API key (HTTP 403). */
export class AuthError extends RetrieverError {
  constructor() {
    super('invalid_credentials', 'Invalid credentials');
    this.name = 'AuthError';
  }
}

/** A run that does not exist or belongs to another owner (HTTP 404). */
export class RunNotFoundError extends RetrieverError {
  constructor(runId: string) {
    super('run_not_found', `Run not found: ${runId}`);
    this.name = 'RunNotFoundError';
  }
}

/** A browser profile that does not exist or belongs to another owner (HTTP 404). */
export class ProfileNotFoundError extends RetrieverError {
  constructor(profileId: string) {
    super('profile_not_found', `Browser profile not found: ${profileId}`);
    this.name = 'ProfileNotFoundError';
  }
}

/** A browser session that does not exist or belongs to another owner (HTTP 404). */
export class SessionNotFoundError extends RetrieverError {
  constructor(sessionId: string) {
    super('session_not_found', `Browser session not found: ${sessionId}`);
    this.name = 'SessionNotFoundError';
  }
}

/** A write that conflicts with the run's current state, such as cancelling an ended run (409). */
export class ConflictError extends RetrieverError {
  constructor(message: string) {
    super('conflict', message);
    this.name = 'ConflictError';
  }
}

/** A blocked destination under the network rules. */
export class BlockedAddressError extends RetrieverError {
  readonly host: string;
  /** Why, for example `127.0.0.1 is a loopback address`. */
  readonly reason: string;

  constructor(host: string, reason: string) {
    super('blocked_address', `Blocked by the network rules: ${host} (${reason})`);
    this.name = 'BlockedAddressError';
    this.host = host;
    this.reason = reason;
  }
}

/** A transient failure of a dependency that a retry may cure. */
export class TransientError extends RetrieverError {
  constructor(message: string, options?: ErrorOptions) {
    super('transient', message, { ...options, retryable: true });
    this.name = 'TransientError';
  }
}

/** A webhook delivery attempt that failed; the state machine retries it with backoff. */
export class WebhookDeliveryError extends RetrieverError {
  constructor(message: string) {
    super('webhook_failed', message, { retryable: true });
    this.name = 'WebhookDeliveryError';
  }
}

/** The browser could not be launched or attached. */
export class BrowserLaunchError extends RetrieverError {
  constructor(message: string, options?: ErrorOptions) {
    super('browser_launch_failed', message, { ...options, retryable: true });
    this.name = 'BrowserLaunchError';
  }
}

/** One problem with a request, in the shape FastAPI clients parse: where, what, and its kind. */
export interface ValidationProblem {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** A request that does not match its schema (HTTP 422); `problems` has one entry per problem. */
export class RequestValidationError extends RetrieverError {
  readonly problems: ValidationProblem[];

  constructor(problems: ValidationProblem[]) {
    super('validation_failed', problems.map((problem) => problem.msg).join('; '));
    this.name = 'RequestValidationError';
    this.problems = problems;
  }
}

/** A paging cursor that this API did not hand to this owner. */
export class InvalidCursorError extends RetrieverError {
  constructor() {
    super('invalid_cursor', 'cursor is not a cursor this API returned for these runs');
    this.name = 'InvalidCursorError';
  }
}

/** A request body over the size limit (HTTP 413). */
export class PayloadTooLargeError extends RetrieverError {
  constructor(limitBytes: number) {
    super('payload_too_large', `Request body is larger than ${limitBytes} bytes`);
    this.name = 'PayloadTooLargeError';
  }
}

/** A request body that is not JSON (HTTP 415). */
export class UnsupportedMediaTypeError extends RetrieverError {
  constructor(contentType: string | undefined) {
    const received = contentType ? `"${contentType.slice(0, 100)}"` : 'none';
    super(
      'unsupported_media_type',
      `Request body must be JSON with Content-Type application/json (received ${received})`,
    );
    this.name = 'UnsupportedMediaTypeError';
  }
}

/** A path this API does not serve (HTTP 404). */
export class RouteNotFoundError extends RetrieverError {
  constructor() {
    super('not_found', 'Not Found');
    this.name = 'RouteNotFoundError';
  }
}

/** A path served with other methods (HTTP 405). */
export class MethodNotAllowedError extends RetrieverError {
  readonly allowed: string[];

  constructor(allowed: string[]) {
    super('method_not_allowed', 'Method Not Allowed');
    this.name = 'MethodNotAllowedError';
    this.allowed = allowed;
  }
}

const HTTP_STATUS: Record<string, number> = {
  BadRequestError: 400,
  AuthError: 403,
  RunNotFoundError: 404,
  ProfileNotFoundError: 404,
  SessionNotFoundError: 404,
  ConflictError: 409,
  BlockedAddressError: 400,
  RequestValidationError: 422,
  InvalidCursorError: 422,
  PayloadTooLargeError: 413,
  UnsupportedMediaTypeError: 415,
  RouteNotFoundError: 404,
  MethodNotAllowedError: 405,
};

/** The HTTP status for an error raised while serving a request; anything unknown is a 500. */
export function httpStatusOf(error: unknown): number {
  return error instanceof Error ? (HTTP_STATUS[error.name] ?? 500) : 500;
}

/**
 * The first line of an error's message without terminal colour codes, at most 300 characters:
 * browser errors carry a call log and colours that have no place in a run's errors.
 */
export function firstLineOf(error: unknown): string {
  const message = stripVTControlCharacters(error instanceof Error ? error.message : String(error));

  return (message.split('\n')[0] ?? '').trim().slice(0, 300);
}

/** Longest id echoed back in a 404; anything longer cannot be one of our ids anyway. */
const MAX_SHOWN_ID = 64;

/** An id as a 404 message shows it: cut to 64 characters. */
export function shownId(id: string): string {
  return id.length > MAX_SHOWN_ID ? `${id.slice(0, MAX_SHOWN_ID)}...` : id;
}

/** A short message safe to show a caller for any error. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
