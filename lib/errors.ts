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

  constructor(host: string, reason: string) {
    super('blocked_address', `Blocked by the network rules: ${host} (${reason})`);
    this.name = 'BlockedAddressError';
    this.host = host;
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

const HTTP_STATUS: Record<string, number> = {
  BadRequestError: 400,
  AuthError: 403,
  RunNotFoundError: 404,
  ConflictError: 409,
  BlockedAddressError: 400,
};

/** The HTTP status for an error raised while serving a request; anything unknown is a 500. */
export function httpStatusOf(error: unknown): number {
  return error instanceof Error ? (HTTP_STATUS[error.name] ?? 500) : 500;
}

/** A short message safe to show a caller for any error. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
