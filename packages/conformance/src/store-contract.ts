/**
 * The revocation store contract: what every `RevocationStore` grantkit ships must do, whatever its backend. Each
 * runtime runs it against its stores (memory, SQLite and Redis in Node; KV and the Durable Object in workerd) with
 * real backends, so a rule written once in core (`assertTokenId`, fail closed) is proven in all five.
 *
 * @module
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MaybePromise, RevocationStore } from '@grantkit/core';

/**
 * One store under test, made fresh for each test by the runner's `makeStore`.
 *
 * Exported from `@grantkit/conformance`.
 *
 * @example
 * ```ts
 * const harness: StoreHarness = {
 *   store: new MemoryRevocationStore(),
 *   purge: () => void harness.store.purgeExpired(),
 *   makeUnavailable: () => (harness.store.close(), harness.store),
 * };
 * ```
 */
export interface StoreHarness {
  /** A store with no revocations recorded by earlier tests (a fresh database, prefix or object name). */
  store: RevocationStore;
  /**
   * Runs the backend's own clean-up of expired entries now (a purge, an alarm). Leave it out when the backend expires
   * entries by itself (Redis `EXAT`, KV `expiration`).
   */
  purge?(): MaybePromise<void>;
  /**
   * Puts a store in a state where its backend cannot answer, for real (stop the server, close the database, a
   * binding whose backend refuses), and returns it (the same store or one on the failing backend).
   */
  makeUnavailable(): MaybePromise<RevocationStore>;
  /** Releases what the harness set up and restores anything `makeUnavailable` broke. Runs after every test. */
  dispose?(): MaybePromise<void>;
}

/** A well-formed id in the shape grantkit derives: a 32-byte signature in base64url. */
const REAL_SHAPED_ID = 'FEcK_a4piVX-UQ62y1O7N5Lu9-Xg1zHs329mecNCpa8';
const BAD_IDS: unknown[] = ['', 'x'.repeat(129), 'a:b', 'has space', '../escape', 'a/b', 'ü', 42, null];
const BAD_EXPIRIES: unknown[] = [Number.NaN, -1, 1.5, Number.POSITIVE_INFINITY, '100'];

/** Calls a store method as a Promise, so synchronous stores' throws and asynchronous stores' rejections compare alike. */
function settle<T>(call: () => MaybePromise<T>): Promise<T> {
  return Promise.resolve().then(call);
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Registers the revocation store contract with vitest: revoke/isRevoked, expiry, idempotent re-revoke, close, fail
 * closed when the backend cannot answer, and core's one token-id rule.
 *
 * Exported from `@grantkit/conformance`.
 *
 * @param name - The store's name in test titles.
 * @param makeStore - Makes a fresh {@link StoreHarness} for each test.
 * @example
 * ```ts
 * import { runStoreContract } from '@grantkit/conformance';
 * import { MemoryRevocationStore } from '@grantkit/node';
 * runStoreContract('MemoryRevocationStore', () => {
 *   const store = new MemoryRevocationStore();
 *   return { store, purge: () => void store.purgeExpired(), makeUnavailable: () => (store.close(), store) };
 * });
 * ```
 */
export function runStoreContract(name: string, makeStore: () => MaybePromise<StoreHarness>): void {
  describe(`store contract: ${name}`, () => {
    let current: StoreHarness | undefined;

    async function harness(): Promise<StoreHarness> {
      current = await makeStore();
      return current;
    }

    afterEach(async () => {
      const finished = current;
      current = undefined;
      await finished?.dispose?.();
    });

    it('remembers a revocation and answers for each id on its own', async () => {
      const { store } = await harness();
      expect(await settle(() => store.isRevoked(REAL_SHAPED_ID))).toBe(false);
      await settle(() => store.revoke(REAL_SHAPED_ID, nowSeconds() + 600));
      expect(await settle(() => store.isRevoked(REAL_SHAPED_ID))).toBe(true);
      expect(await settle(() => store.isRevoked('contract-other'))).toBe(false);
      // The longest id the rule allows is a valid key in every backend.
      await settle(() => store.revoke('x'.repeat(128), nowSeconds() + 600));
      expect(await settle(() => store.isRevoked('x'.repeat(128)))).toBe(true);
    });

    it('keeps an entry until the token would have expired, and needs none for a token already expired', async () => {
      const { store, purge } = await harness();
      await settle(() => store.revoke('contract-live', nowSeconds() + 3600));
      await settle(() => store.revoke('contract-expired', nowSeconds() - 1));
      await purge?.();
      expect(await settle(() => store.isRevoked('contract-live'))).toBe(true);
      // Verification refuses an expired token by itself, so its entry may go (here: once the store has purged).
      expect(await settle(() => store.isRevoked('contract-expired'))).toBe(false);
    });

    it('treats revoking again as a no-op, and a late revoke with a past expiry never undoes one', async () => {
      const { store, purge } = await harness();
      const expiresAt = nowSeconds() + 3600;
      await settle(() => store.revoke('contract-again', expiresAt));
      await settle(() => store.revoke('contract-again', expiresAt));
      expect(await settle(() => store.isRevoked('contract-again'))).toBe(true);
      await settle(() => store.revoke('contract-again', nowSeconds() - 1));
      await purge?.();
      expect(await settle(() => store.isRevoked('contract-again'))).toBe(true);
    });

    it('refuses malformed token ids and expiries with ERR_REQUEST_INVALID (core\'s one rule)', async () => {
      const { store } = await harness();
      for (const id of BAD_IDS) {
        const invalidId = { code: 'ERR_REQUEST_INVALID', field: 'tokenId' };
        await expect(settle(() => store.revoke(id as string, nowSeconds() + 600)), `revoke ${String(id)}`).rejects.toMatchObject(invalidId);
        await expect(settle(() => store.isRevoked(id as string)), `isRevoked ${String(id)}`).rejects.toMatchObject(invalidId);
      }
      for (const expiresAt of BAD_EXPIRIES) {
        await expect(settle(() => store.revoke('contract-expiry', expiresAt as number)), `expiresAt ${String(expiresAt)}`)
          .rejects.toMatchObject({ code: 'ERR_REQUEST_INVALID', field: 'expiresAt' });
      }
      expect(await settle(() => store.isRevoked('contract-expiry'))).toBe(false);
    });

    it('fails closed: rejects with ERR_STORE_UNAVAILABLE, never answers false, when the backend cannot answer', async () => {
      const unavailable = await (await harness()).makeUnavailable();
      const code = { code: 'ERR_STORE_UNAVAILABLE' };
      await expect(settle(() => unavailable.isRevoked('contract-unseen'))).rejects.toMatchObject(code);
      await expect(settle(() => unavailable.revoke('contract-unseen', nowSeconds() + 600))).rejects.toMatchObject(code);
    });

    it('closes idempotently, and fails closed afterwards', async () => {
      const { store } = await harness();
      await settle(() => store.revoke('contract-closed', nowSeconds() + 600));
      expect(store.close).toBeTypeOf('function');
      await settle(() => store.close!());
      await settle(() => store.close!());
      const code = { code: 'ERR_STORE_UNAVAILABLE' };
      await expect(settle(() => store.isRevoked('contract-closed'))).rejects.toMatchObject(code);
      await expect(settle(() => store.revoke('contract-closed', nowSeconds() + 600))).rejects.toMatchObject(code);
    });
  });
}
