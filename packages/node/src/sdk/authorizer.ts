/**
 * What a route guard needs from whoever decides: one method. `AccessManager` implements it; the guard depends on this
 * interface only, so the SDK and the middleware do not import each other.
 *
 * @module
 */
import type { AuthorizationRequest, TokenCheckResult } from '@grantkit/core';

/**
 * One question for an {@link Authorizer}: who wants which permission on which resource (the revocation lookup is
 * the authorizer's job).
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const request: AccessRequest = { uuid: 'alice', resource: { channel: 'room-1' }, permission: 'write' };
 * ```
 */
export type AccessRequest = Omit<AuthorizationRequest, 'revoked'>;

/**
 * Anything that can decide a presented token: an `AccessManager`, local or remote, or your own.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const authorizer: Authorizer = accessManager;
 * ```
 */
export interface Authorizer {
  /**
   * Decides `token` (`''` when the request carried none) for `request`. Denials resolve; a revocation store or
   * service that cannot answer rejects with `ERR_STORE_UNAVAILABLE` or `ERR_NETWORK`.
   */
  authorize(token: string, request: AccessRequest): Promise<TokenCheckResult>;
}
