/**
 * The bindings `@grantkit/edge` reads, and the slices of the Workers binding APIs it uses. The binding shapes are
 * structural on purpose: the package compiles with no Workers types (so nothing Workers-only can creep into the
 * code other runtimes load), and any object with these methods works, e.g. a test double or another runtime's
 * KV adapter. Cloudflare's `KVNamespace` and `DurableObjectNamespace` satisfy them as they are.
 *
 * @module
 */
import type { KeysetEnv } from '@grantkit/core';

/**
 * The bindings `@grantkit/edge` reads from a Worker's `env` (or any object passed as `env`). Set secrets with
 * `wrangler secret put`, never in code or `wrangler.toml`.
 *
 * - Keysets: `@grantkit/core`'s `KeysetEnv`, read by its `readKeysetsFromEnv` (the reader the Node service uses too;
 *   every key is trimmed). One keyset: `GRANTKIT_SUBSCRIBE_KEY`, `GRANTKIT_PUBLISH_KEY`, `GRANTKIT_SECRET_KEY`
 *   (secret) and, during a rotation, `GRANTKIT_PREVIOUS_SECRET_KEYS` (secret, comma-separated). Several keysets:
 *   `GRANTKIT_KEYSETS` (secret), a JSON array of `KeysetConfig`.
 * - Revocations: `GRANTKIT_REVOCATIONS` (a Durable Object namespace bound to {@link RevocationDurableObject}) or
 *   `GRANTKIT_REVOCATIONS_KV` (a KV namespace). With both, the Durable Object wins.
 *
 * Exported from `@grantkit/edge`.
 *
 * @example
 * ```ts
 * interface Env extends GrantkitEnv { ASSETS: Fetcher }
 * export default createEdgeHandler<Env>();
 * ```
 */
export interface GrantkitEnv extends KeysetEnv {
  /** Durable Object namespace bound to {@link RevocationDurableObject}: immediate, strongly consistent revocation. */
  GRANTKIT_REVOCATIONS?: DurableObjectNamespaceLike;
  /** Workers KV namespace: eventually consistent revocation (about 60 s to reach every location). */
  GRANTKIT_REVOCATIONS_KV?: KvNamespaceLike;
}

/**
 * The part of a Workers KV namespace the KV revocation store uses.
 *
 * Exported from `@grantkit/edge`.
 *
 * @example
 * ```ts
 * const store = kvRevocationStore(env.GRANTKIT_REVOCATIONS_KV satisfies KvNamespaceLike);
 * ```
 */
export interface KvNamespaceLike {
  get(key: string, options?: { cacheTtl?: number }): Promise<string | null>;
  put(key: string, value: string, options?: { expiration?: number; expirationTtl?: number }): Promise<void>;
}

/**
 * A Durable Object id, as a namespace hands it out.
 *
 * Exported from `@grantkit/edge`.
 *
 * @example
 * ```ts
 * const id: DurableObjectIdLike = env.GRANTKIT_REVOCATIONS.idFromName('grantkit-revocations-0');
 * ```
 */
export interface DurableObjectIdLike {
  toString(): string;
}

/**
 * The part of a Durable Object stub the revocation client uses: `fetch`.
 *
 * Exported from `@grantkit/edge`.
 *
 * @example
 * ```ts
 * const stub: DurableObjectStubLike = namespace.get(namespace.idFromName('grantkit-revocations-0'));
 * ```
 */
export interface DurableObjectStubLike {
  fetch(request: Request): Promise<Response>;
}

/**
 * The part of a Durable Object namespace binding the revocation client uses.
 *
 * Exported from `@grantkit/edge`.
 *
 * @example
 * ```ts
 * const store = durableObjectRevocationStore(env.GRANTKIT_REVOCATIONS satisfies DurableObjectNamespaceLike);
 * ```
 */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): DurableObjectIdLike;
  get(id: DurableObjectIdLike): DurableObjectStubLike;
}

/**
 * The part of a Durable Object's storage {@link RevocationDurableObject} uses (the key-value API, available on both
 * SQLite-backed and key-value-backed Durable Objects).
 *
 * Exported from `@grantkit/edge`.
 *
 * @example
 * ```ts
 * const storage: DurableObjectStorageLike = state.storage;
 * ```
 */
export interface DurableObjectStorageLike {
  get<T = unknown>(key: string): Promise<T | undefined>;
  put<T>(entries: Record<string, T>): Promise<void>;
  delete(keys: string[]): Promise<number>;
  list<T = unknown>(options?: { prefix?: string; start?: string; end?: string; limit?: number }): Promise<Map<string, T>>;
  getAlarm(): Promise<number | null>;
  setAlarm(scheduledTime: number | Date): Promise<void>;
}

/**
 * The part of a Durable Object's state {@link RevocationDurableObject} uses.
 *
 * Exported from `@grantkit/edge`.
 *
 * @example
 * ```ts
 * new RevocationDurableObject(state satisfies DurableObjectStateLike, env);
 * ```
 */
export interface DurableObjectStateLike {
  readonly storage: DurableObjectStorageLike;
}

/**
 * The part of a Worker's execution context the handler uses.
 *
 * Exported from `@grantkit/edge`.
 *
 * @example
 * ```ts
 * await handler.fetch(request, env, ctx satisfies ExecutionContextLike);
 * ```
 */
export interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void;
}
