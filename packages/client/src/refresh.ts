/**
 * Retry policy for token refreshes: which failures are worth retrying, and how long to wait between attempts.
 *
 * @module
 */
import { isTokenRefreshError, TokenRefreshError } from './errors.js';
import { isRetryableStatus } from './token-endpoint.js';

/**
 * How a refresh retries. Durations are in seconds.
 *
 * Exported from `@grantkit/client`.
 *
 * @example
 * ```ts
 * new TokenClient({ authUrl: '/api/token', retry: { attempts: 8, initialDelay: 0.5, maxDelay: 60 } });
 * ```
 */
export interface RetryOptions {
  /** Attempts per refresh, the first included. Default 5. */
  attempts?: number;
  /** Wait before the second attempt, in seconds; doubled for each further attempt. Default 1. */
  initialDelay?: number;
  /** Longest wait between attempts, in seconds. Default 30. */
  maxDelay?: number;
}

/**
 * Seconds to wait after failed attempt `attempt` (1-based), given `random` in [0, 1): exponential, capped, with "equal jitter" (a random
 * half) so clients that failed together do not retry together.
 *
 * @internal
 */
export function retryDelay(attempt: number, options: RetryOptions, random: number): number {
  const base = Math.min(options.maxDelay ?? 30, (options.initialDelay ?? 1) * 2 ** (attempt - 1));
  return base / 2 + (base / 2) * random;
}

/**
 * Turns anything a token source threw into a {@link TokenRefreshError}. Errors carrying a boolean `retryable`, or an
 * HTTP `status` (a thrown `Response`, an HTTP client's error), keep that meaning; a secret key handed out by the
 * source (`ERR_KEY_INVALID`) is permanent; anything else, a malformed token included (a captive portal or a proxy
 * may have answered), counts as retryable, like a network failure.
 *
 * @internal
 */
export function toRefreshError(cause: unknown): TokenRefreshError {
  if (isTokenRefreshError(cause)) return cause;
  const { retryable, status, code } = (cause ?? {}) as { retryable?: unknown; status?: unknown; code?: unknown };
  const httpStatus = typeof status === 'number' && status >= 400 ? status : undefined;
  return new TokenRefreshError('Token source failed', {
    retryable: typeof retryable === 'boolean' ? retryable : httpStatus ? isRetryableStatus(httpStatus) : code !== 'ERR_KEY_INVALID',
    status: httpStatus,
    cause,
  });
}
