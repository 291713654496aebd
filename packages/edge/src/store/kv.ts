/**
 * Revocations in Workers KV. Cheap and read-optimised, but eventually consistent: a revocation is visible at once in
 * the location that wrote it and reaches every other location within about 60 seconds (KV's documented propagation,
 * bounded in practice by the read cache TTL, 60 s by default). Use {@link durableObjectRevocationStore} when a
 * revoked token must stop working everywhere immediately.
 *
 * @module
 */
import {
  StoreUnavailableError, assertRevocationEntry, assertTokenId, type Clock, type RevocationStore,
} from '@grantkit/core';
import type { KvNamespaceLike } from '../env.js';

/** KV refuses expirations less than 60 seconds ahead. */
const KV_MINIMUM_EXPIRATION_SECONDS = 60;

/**
 * Options of {@link kvRevocationStore}.
 *
 * Exported from `@grantkit/edge`.
 *
 * @example
 * ```ts
 * const options: KvRevocationStoreOptions = { prefix: 'tenant-a:revoked:' };
 * ```
 */
export interface KvRevocationStoreOptions {
  /** Key prefix, so the namespace can hold other data. Default `grantkit:revoked:`. */
  prefix?: string;
  /**
   * Seconds a location caches what it read, `not revoked` included. Lower means faster propagation and more reads
   * that miss the cache. Default: KV's own (60 s); KV enforces its minimum.
   */
  cacheTtl?: number;
  /** Unix seconds. Default `Date.now()`. */
  clock?: Clock;
}

/**
 * A `RevocationStore` in Workers KV. Each revocation is one key that KV deletes by itself once the token has
 * expired (`expiration` at the token's expiry, at least 60 s ahead as KV requires), so the namespace never needs a
 * purge. Propagation bound: immediate where written, about 60 s everywhere else.
 *
 * Exported from `@grantkit/edge`.
 *
 * @param namespace - A KV namespace binding, e.g. `env.GRANTKIT_REVOCATIONS_KV`.
 * @param options - Key prefix, read cache TTL, clock.
 * @returns The store. It rejects with `StoreUnavailableError` `ERR_STORE_UNAVAILABLE` when KV fails, so
 *   authorization fails closed, and after `close()` (which releases nothing: the binding belongs to the runtime);
 *   with `RequestInvalidError` `ERR_REQUEST_INVALID` for an id `assertTokenId` refuses.
 * @example
 * ```ts
 * import { createEdgeHandler, kvRevocationStore } from '@grantkit/edge';
 * export default createEdgeHandler({ revocations: (env) => kvRevocationStore(env.GRANTKIT_REVOCATIONS_KV!) });
 * ```
 */
export function kvRevocationStore(namespace: KvNamespaceLike, options: KvRevocationStoreOptions = {}): RevocationStore {
  const prefix = options.prefix ?? 'grantkit:revoked:';
  const clock = options.clock ?? (() => Math.floor(Date.now() / 1000));
  const getOptions = options.cacheTtl === undefined ? undefined : { cacheTtl: options.cacheTtl };
  let closed = false;
  const open = () => {
    if (closed) throw new StoreUnavailableError('Workers KV revocation store is closed');
  };
  return Object.freeze({
    async revoke(tokenId: string, expiresAt: number): Promise<void> {
      assertRevocationEntry(tokenId, expiresAt);
      open();
      const now = clock();
      // An expired token is refused by verification anyway; nothing to remember.
      if (expiresAt <= now) return;
      try {
        await namespace.put(`${prefix}${tokenId}`, String(expiresAt), {
          expiration: Math.max(expiresAt, now + KV_MINIMUM_EXPIRATION_SECONDS),
        });
      } catch (cause) {
        throw new StoreUnavailableError('Workers KV rejected the revocation write', { cause });
      }
    },
    async isRevoked(tokenId: string): Promise<boolean> {
      assertTokenId(tokenId);
      open();
      let value: string | null;
      try {
        value = await namespace.get(`${prefix}${tokenId}`, getOptions);
      } catch (cause) {
        throw new StoreUnavailableError('Workers KV could not be read', { cause });
      }
      return value !== null;
    },
    close(): void {
      closed = true;
    },
  });
}
