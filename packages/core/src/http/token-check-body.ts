/**
 * The JSON a token check is answered with, by the authorize endpoint, the Worker helper's `forbiddenResponse` and the
 * Node route guard alike.
 *
 * @module
 */
import type { TokenCheckResult } from '../check-token.js';

/**
 * The answer body for a token check: 200 when allowed, 403 (with `error: true`) when denied. It carries the reason,
 * the message and the matching grant entry, never the token.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const body: TokenCheckBody = { error: true, allowed: false, reason: 'expired', message: 'Token is expired', status: 403, service: 'Access Manager' };
 * ```
 */
export interface TokenCheckBody extends Omit<TokenCheckResult, 'token'> {
  /** Present, `true`, on a denial. */
  error?: true;
  status: 200 | 403;
  service: 'Access Manager';
}

/**
 * The body to answer a token check with; its `status` is the HTTP status.
 *
 * Exported from `@grantkit/core`.
 *
 * @param result - What {@link checkToken} decided.
 * @returns `{ allowed, reason, message, match?, status: 200, service }`, or on a denial
 *   `{ error: true, allowed: false, reason, message, match?, status: 403, service }`.
 * @example
 * ```ts
 * const body = tokenCheckBody(await checkToken(token, options));
 * return new Response(JSON.stringify(body), { status: body.status, headers: { 'content-type': 'application/json' } });
 * ```
 */
export function tokenCheckBody(result: TokenCheckResult): TokenCheckBody {
  // Field by field: the verified token stays out of every answer. One literal per shape (the key order of each is the
  // answer's byte order), rather than spreads.
  const { allowed, reason, message, match } = result;
  if (allowed) {
    return match === undefined
      ? { allowed, reason, message, status: 200, service: 'Access Manager' }
      : { allowed, reason, message, match, status: 200, service: 'Access Manager' };
  }
  return match === undefined
    ? { error: true, allowed, reason, message, status: 403, service: 'Access Manager' }
    : { error: true, allowed, reason, message, match, status: 403, service: 'Access Manager' };
}
