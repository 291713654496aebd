/**
 * `authorize`: the decision bound to the linear-time RE2 engine, for anything that enforces access.
 *
 * @module
 */
import { createAuthorizerWith, type AuthorizeFunction } from './decision.js';
import { findPatternGrant } from './pattern-index.js';

/**
 * Decides whether a (verified) token allows a request. Checks, in order: revocation, expiry, issue time, the bound
 * uuid, then grants. Permissions are additive: exact-name entries are consulted first, then patterns, and the first
 * entry carrying the permission allows. A pattern matches when found anywhere in the name (unanchored RE2 search)
 * unless it anchors itself with `^...$`. Patterns are compiled once per process (into bounded matchers: see
 * `LIMITS.maxPatternCost`; patterns that differ only in a literal prefix, such as `^user-1-.*$` and `^user-2-.*$`,
 * share one); a token's patterns are indexed by that prefix, so a call consults only those a name could match; a
 * pattern `compilePattern` refuses grants nothing, and the patterns one call consults cost at most
 * `LIMITS.maxTotalPatternCost` together, so any token's worst case is bounded.
 *
 * Exported from `@grantkit/core`.
 *
 * @param token - A token already verified with `verifyToken` (authorize does not check signatures).
 * @param request - Who wants which permission on which resource, and when.
 * @returns The decision with its reason and matching entry. Never throws for a denial.
 * @throws `RequestInvalidError` `ERR_REQUEST_INVALID` (field `token`) when `token` is a Promise (a forgotten
 *   `await verifyToken(...)` with a WebCrypto key) or not a token at all.
 * @example
 * ```ts
 * const decision = authorize(verified, { uuid: 'alice', resource: { channel: 'room-1' }, permission: 'write' });
 * if (!decision.allowed) return forbidden(decision.message);
 * ```
 */
export const authorize: AuthorizeFunction = createAuthorizerWith(findPatternGrant);
