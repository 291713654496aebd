/**
 * The client's own typed error. Core's errors (`KeyInvalidError` for a refused secret key, `TokenMalformedError`
 * for a token that does not decode) are thrown as they are. Work cut short by `dispose()` rejects with the
 * standard `AbortError` `DOMException`, as `fetch` does when its signal aborts.
 *
 * @module
 */

const MARKER = Symbol.for('grantkit.client-error');

/**
 * Options of {@link TokenRefreshError}.
 *
 * Exported from `@grantkit/client`.
 *
 * @example
 * ```ts
 * throw new TokenRefreshError('session ended', { retryable: false, status: 401 });
 * ```
 */
export interface TokenRefreshErrorOptions {
  /** Whether trying again later may succeed. Default `true`. */
  retryable?: boolean;
  /** HTTP status of the token endpoint's answer, when there was one. */
  status?: number;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * Obtaining a token failed (code `ERR_TOKEN_REFRESH_FAILED`). `retryable` says whether trying again may help:
 * `false` when the token endpoint answered 401 or 403 (the session is over: sign the user in again) or another
 * 4xx, or handed out a secret key; `true` for network failures, 408, 429 and 5xx answers, and unusable answers.
 * After a permanent (`retryable: false`) failure the client stops refreshing on its own until you call `refresh()`
 * or `setToken()`.
 *
 * `fetchToken` implementations may throw this themselves to say which kind of failure they hit.
 *
 * Exported from `@grantkit/client`.
 *
 * @example
 * ```ts
 * client.on('refresh-error', ({ error }) => {
 *   if (!error.retryable) location.assign('/sign-in');
 * });
 * ```
 */
export class TokenRefreshError extends Error {
  /** Stable, machine-readable identity of the failure. */
  readonly code = 'ERR_TOKEN_REFRESH_FAILED' as const;
  /** Whether trying again later may succeed. */
  readonly retryable: boolean;
  /** HTTP status of the token endpoint's answer, when there was one. */
  readonly status: number | undefined;
  /** Marks the error across duplicate installs; see {@link isTokenRefreshError}. */
  readonly [MARKER] = true;

  constructor(message: string, options: TokenRefreshErrorOptions = {}) {
    super(message, { cause: options.cause });
    // An explicit name: bundlers minify class names, and `new.target.name` would then read `e`.
    this.name = 'TokenRefreshError';
    this.retryable = options.retryable ?? true;
    this.status = options.status;
  }
}

/**
 * True for a {@link TokenRefreshError}, even one thrown by a second copy of the package (it checks a `Symbol.for`
 * marker, not `instanceof`). Core's errors (`KeyInvalidError`, `TokenMalformedError`) carry core's own marker.
 *
 * Exported from `@grantkit/client`.
 *
 * @param error - Anything caught.
 * @returns Whether `error` is a {@link TokenRefreshError}.
 * @example
 * ```ts
 * catch (error) { if (isTokenRefreshError(error) && !error.retryable) signOut(); }
 * ```
 */
export function isTokenRefreshError(error: unknown): error is TokenRefreshError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
}
