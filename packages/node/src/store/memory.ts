/**
 * In-memory revocation store: one process, nothing survives a restart. For tests, local development and the
 * `AccessManager` library used inside one app process. Synchronous, so `authorizeSync` works with it.
 *
 * @module
 */
import {
  LimitExceededError, StoreUnavailableError, assertRevocationEntry, assertTokenId, type Clock, type RevocationStore,
} from '@grantkit/core';

/**
 * Options of {@link MemoryRevocationStore}.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const options: MemoryRevocationStoreOptions = { maxEntries: 10_000 };
 * ```
 */
export interface MemoryRevocationStoreOptions {
  /** Most revocations held at once; revoking more throws `ERR_LIMIT_EXCEEDED` rather than forgetting one. Default 1,000,000. */
  maxEntries?: number;
  /** Unix seconds, for expiry. Default `Date.now()`. */
  clock?: Clock;
}

/**
 * A revocation denylist in a `Map`, purged of expired entries as it grows.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * import { AccessManager, MemoryRevocationStore } from '@grantkit/node';
 * const accessManager = new AccessManager({ subscribeKey, secretKey, revocations: new MemoryRevocationStore() });
 * ```
 */
export class MemoryRevocationStore implements RevocationStore {
  readonly #entries = new Map<string, number>();
  readonly #maxEntries: number;
  readonly #clock: Clock;
  #closed = false;

  constructor(options: MemoryRevocationStoreOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 1_000_000;
    this.#clock = options.clock ?? (() => Math.floor(Date.now() / 1000));
  }

  /**
   * Records a revocation until `expiresAt`.
   * @throws `LimitExceededError` `ERR_LIMIT_EXCEEDED` when full of unexpired entries;
   *   `StoreUnavailableError` `ERR_STORE_UNAVAILABLE` after `close()`; `RequestInvalidError` for a bad id or time.
   */
  revoke(tokenId: string, expiresAt: number): void {
    assertRevocationEntry(tokenId, expiresAt);
    this.#open();
    if (!this.#entries.has(tokenId) && this.#entries.size >= this.#maxEntries) {
      this.purgeExpired();
      if (this.#entries.size >= this.#maxEntries) {
        throw new LimitExceededError(`revocation store holds ${this.#maxEntries} entries`, { field: 'revocations' });
      }
    }
    this.#entries.set(tokenId, Math.max(expiresAt, this.#entries.get(tokenId) ?? 0));
  }

  /**
   * Whether `tokenId` is revoked.
   * @throws `StoreUnavailableError` `ERR_STORE_UNAVAILABLE` after `close()` (fail closed); `RequestInvalidError` for a
   *   bad id.
   */
  isRevoked(tokenId: string): boolean {
    assertTokenId(tokenId);
    this.#open();
    return this.#entries.has(tokenId);
  }

  /** Drops entries whose token has expired; returns how many. */
  purgeExpired(now: number = this.#clock()): number {
    let removed = 0;
    for (const [id, expiresAt] of this.#entries) {
      if (expiresAt <= now) {
        this.#entries.delete(id);
        removed++;
      }
    }
    return removed;
  }

  /** Number of entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Forgets everything; later calls throw `ERR_STORE_UNAVAILABLE`. */
  close(): void {
    this.#closed = true;
    this.#entries.clear();
  }

  #open(): void {
    if (this.#closed) throw new StoreUnavailableError('memory revocation store is closed');
  }
}
