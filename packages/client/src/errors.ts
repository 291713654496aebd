/**
 * The client's own typed error, a `GrantkitError` like every error grantkit throws (`isGrantkitError` is true for
 * it). Core's errors (`KeyInvalidError` for a refused secret key, `TokenMalformedError` for a token that does not
 * decode) are thrown as they are. Work cut short by `dispose()` rejects with the standard `AbortError`
 * `DOMException`, as `fetch` does when its signal aborts: cancellation is the platform's, not an error of ours.
 *
 * @module
 */
import { GrantkitError, isGrantkitError } from '@grantkit/core';

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
export class TokenRefreshError extends GrantkitError {
  declare readonly code: 'ERR_TOKEN_REFRESH_FAILED';
  // An explicit name: bundlers minify class names, and `new.target.name` would then read `e`.
  override name = 'TokenRefreshError';
  /** Whether trying again later may succeed. */
  readonly retryable: boolean;
  /** HTTP status of the token endpoint's answer, when there was one. */
  readonly status: number | undefined;

  constructor(message: string, options: TokenRefreshErrorOptions = {}) {
    super('ERR_TOKEN_REFRESH_FAILED', message, options.cause === undefined ? {} : { cause: options.cause });
    this.retryable = options.retryable ?? true;
    this.status = options.status;
  }
}

/**
 * True for a {@link TokenRefreshError}, even one thrown by a second copy of the package (it checks grantkit's
 * `Symbol.for` error marker and the code, not `instanceof`).
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
  return isGrantkitError(error) && error.code === 'ERR_TOKEN_REFRESH_FAILED';
}
