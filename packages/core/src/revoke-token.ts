/**
 * Revocation: the one place that decides whether a token may be revoked, used by the REST handler and by the Node
 * SDK's local mode alike.
 *
 * @module
 */
import { FeatureDisabledError, isGrantkitError, StoreUnavailableError, TokenExpiredError } from './errors.js';
import type { HmacKey, RevocationStore } from './ports.js';
import { verifyToken, type VerifiedToken } from './token/verify.js';

/**
 * Options of {@link revokeToken}.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const options: RevokeTokenOptions = { keys: [currentKey, previousKey], revocations: store };
 * ```
 */
export interface RevokeTokenOptions {
  /** The keyset's keys, current first: only a token this keyset signed can be revoked. */
  keys: readonly HmacKey[];
  /** The denylist; without one, revocation is disabled (as PubNub answers for keysets without it). */
  revocations: RevocationStore | undefined;
  /** Current Unix time in seconds (default: now). */
  now?: number;
}

/**
 * Revokes a token: it must be well-formed, signed by one of the keyset's keys, and not yet expired (an expired
 * token needs no revocation, and PubNub refuses it too). Records its id until it would have expired anyway.
 *
 * Exported from `@grantkit/core`.
 *
 * @param token - Token text.
 * @param options - Keys, store, clock.
 * @returns The verified token that was revoked.
 * @throws {@link FeatureDisabledError} `ERR_FEATURE_DISABLED` without a store; `TokenMalformedError`
 *   `ERR_TOKEN_MALFORMED`, `TokenSignatureInvalidError` `ERR_TOKEN_SIGNATURE_INVALID`, {@link TokenExpiredError}
 *   `ERR_TOKEN_EXPIRED` for a token that cannot be revoked (PubNub: 400 `Invalid token`); {@link StoreUnavailableError}
 *   `ERR_STORE_UNAVAILABLE` when the store fails.
 * @example
 * ```ts
 * await revokeToken(token, { keys: [key], revocations: store });
 * ```
 */
export async function revokeToken(token: string, options: RevokeTokenOptions): Promise<VerifiedToken> {
  if (options.revocations === undefined) throw new FeatureDisabledError();
  const verified = await verifyToken(token, options.keys, { ignoreTime: true });
  if ((options.now ?? Math.floor(Date.now() / 1000)) >= verified.expiresAt) throw new TokenExpiredError();
  try {
    await options.revocations.revoke(verified.id, verified.expiresAt);
  } catch (cause) {
    // A store that refuses the entry (a bad id, a full memory store) answers for itself; only a failure is a 503.
    if (isGrantkitError(cause) && cause.code !== 'ERR_STORE_UNAVAILABLE') throw cause;
    throw new StoreUnavailableError('revocation store is unavailable', { cause });
  }
  return verified;
}
