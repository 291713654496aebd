/**
 * Redis revocation store: several service nodes share one denylist.
 *
 * - `revoke` writes `{prefix}{tokenId}` with `EXAT` at the token's own expiry (Redis purges it then) and publishes
 *   the id on a channel, in one `MULTI`.
 * - Each node keeps a small local cache: ids known revoked (kept until their expiry; a revoked token never comes
 *   back) and ids recently seen *not* revoked (kept at most `negativeCacheMs`). Published revocations drop the
 *   negative entry at once, so another node rejects a revoked token within pub/sub latency (milliseconds). If the
 *   subscription is down, the negative cache is cleared and not used, so the bound becomes a direct Redis read;
 *   a message lost without a visible disconnect can leave a stale "not revoked" for at most `negativeCacheMs`
 *   (default 500 ms), which is the documented worst case.
 * - Fail closed: the client never queues offline, so while Redis is unreachable every lookup that the positive cache
 *   cannot answer rejects with `ERR_STORE_UNAVAILABLE`. Grants do not touch the store and keep working.
 * - Persistence: revocations live only as long as Redis keeps its data. Without RDB snapshots or an AOF, a Redis
 *   restart forgets every revocation and every node then accepts the revoked tokens again (until they expire).
 *   `ready()` reads Redis's persistence settings and warns through `onWarning` when there are none; `persistence`
 *   reports what it found (for readiness checks).
 *
 * @module
 */
import type { Redis, RedisOptions } from 'ioredis';
import {
  StoreUnavailableError, assertRevocationEntry, assertTokenId, type Clock, type MaybePromise, type RevocationStore,
} from '@grantkit/core';
import { loadRedis } from './drivers.js';

/**
 * Options of {@link RedisRevocationStore}.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const options: RedisRevocationStoreOptions = { url: 'redis://127.0.0.1:6379', keyPrefix: 'myapp:revoked:' };
 * ```
 */
export interface RedisRevocationStoreOptions {
  /** `redis://` URL. Default `redis://127.0.0.1:6379`. */
  url?: string;
  /** Extra ioredis options (merged over the fail-fast defaults). */
  redisOptions?: RedisOptions;
  /** Key prefix of revocation entries. Default `grantkit:revoked:`. */
  keyPrefix?: string;
  /** Pub/sub channel announcing revocations. Default `grantkit:revocations`. */
  channel?: string;
  /** How long a "not revoked" answer may be reused without asking Redis, ms. Default 500; 0 disables. */
  negativeCacheMs?: number;
  /** Most ids held in each local cache. Default 100,000. */
  maxCacheEntries?: number;
  /** Per-command timeout, ms: a lookup slower than this fails closed. Default 1000. */
  commandTimeoutMs?: number;
  /** Called with connection errors (already handled; for logs). */
  onError?: (error: Error) => void;
  /** Called once with a warning when `ready()` finds that Redis persists nothing (for logs). */
  onWarning?: (message: string) => void;
  /** Unix seconds. Default `Date.now()`. */
  clock?: Clock;
}

/**
 * What a Redis server keeps across a restart, as {@link RedisRevocationStore.checkPersistence} reads it: `rdb`
 * (snapshots), `aof` (append-only file), both, `none` (a restart forgets every revocation), or `unknown` (not read
 * yet, or `CONFIG` is not allowed, as on some managed services).
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * if (store.persistence === 'none') console.warn('revocations are lost when Redis restarts');
 * ```
 */
export type RedisPersistence = 'rdb' | 'aof' | 'rdb+aof' | 'none' | 'unknown';

/**
 * A shared revocation denylist in Redis with pub/sub invalidation of a local cache.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * import { RedisRevocationStore } from '@grantkit/node';
 * const store = new RedisRevocationStore({ url: process.env.REDIS_URL });
 * await store.ready();
 * await store.revoke(verified.id, verified.expiresAt);
 * await store.isRevoked(verified.id); // true, on every node within pub/sub latency
 * await store.close();
 * ```
 */
export class RedisRevocationStore implements RevocationStore {
  readonly #client: Redis;
  readonly #subscriber: Redis;
  readonly #prefix: string;
  readonly #channel: string;
  readonly #negativeCacheMs: number;
  readonly #maxCacheEntries: number;
  readonly #clock: Clock;
  readonly #onError: (error: Error) => void;
  readonly #onWarning: (message: string) => void;
  #persistence: RedisPersistence = 'unknown';
  /** id → expiresAt (Unix s) of tokens known revoked. */
  readonly #revoked = new Map<string, number>();
  /** id → time (ms, monotonic) it was last read as not revoked. */
  readonly #notRevoked = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;
  #subscribed = false;
  /** Bumped on every invalidation, so a lookup racing a revocation does not cache a stale "not revoked". */
  #generation = 0;
  #closed = false;
  /** The latest connection error, named by `ping()` while Redis is unreachable. */
  #lastError: Error | undefined;

  /**
   * Connects (in the background; see {@link RedisRevocationStore.ready}).
   * @throws `StoreUnavailableError` `ERR_STORE_UNAVAILABLE` when the `ioredis` package (an optional peer dependency)
   *   is not installed; the message says how to install it.
   */
  constructor(options: RedisRevocationStoreOptions = {}) {
    this.#prefix = options.keyPrefix ?? 'grantkit:revoked:';
    this.#channel = options.channel ?? 'grantkit:revocations';
    this.#negativeCacheMs = options.negativeCacheMs ?? 500;
    this.#maxCacheEntries = options.maxCacheEntries ?? 100_000;
    this.#clock = options.clock ?? (() => Math.floor(Date.now() / 1000));
    this.#onError = options.onError ?? (() => undefined);
    this.#onWarning = options.onWarning ?? (() => undefined);
    const redisOptions: RedisOptions = {
      // Fail fast instead of queueing: an unanswered lookup must become a denial now, not a hang.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 1_000,
      connectTimeout: 2_000,
      autoResubscribe: false,
      retryStrategy: (attempt) => Math.min(50 * attempt, 1_000),
      ...options.redisOptions,
    };
    const url = options.url ?? 'redis://127.0.0.1:6379';
    // Loaded on first use: ioredis is an optional peer dependency, and takes ~250 ms to import.
    const RedisClient = loadRedis();
    this.#client = new RedisClient(url, redisOptions);
    this.#subscriber = new RedisClient(url, redisOptions);
    const report = (error: Error) => {
      this.#lastError = error;
      this.#onError(error);
    };
    this.#client.on('error', report);
    this.#client.on('ready', () => { this.#lastError = undefined; });
    this.#subscriber.on('error', report);
    this.#subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.#channel) this.#learnRevoked(message);
    });
    const lost = () => {
      // While unsubscribed we could miss revocations: stop trusting "not revoked" answers.
      this.#subscribed = false;
      this.#notRevoked.clear();
      this.#generation++;
    };
    this.#subscriber.on('close', lost);
    this.#subscriber.on('end', lost);
    this.#subscriber.on('reconnecting', lost);
    this.#subscriber.on('ready', () => {
      const generation = this.#generation;
      this.#subscriber.subscribe(this.#channel).then(
        () => {
          if (generation === this.#generation && !this.#closed) this.#subscribed = true;
        },
        (error: Error) => report(error),
      );
    });
    this.#timer = setInterval(() => this.#purgeCaches(), 30_000);
    this.#timer.unref();
  }

  /**
   * Resolves once both connections are up and the invalidation channel is subscribed. The first time, also reads
   * Redis's persistence settings ({@link RedisRevocationStore.checkPersistence}) and calls `onWarning` if Redis
   * persists nothing.
   *
   * @param timeoutMs - How long to wait. Default 5000.
   * @throws `StoreUnavailableError` `ERR_STORE_UNAVAILABLE` when Redis is not reachable in time.
   */
  async ready(timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(this.#subscribed && this.#client.status === 'ready')) {
      if (this.#closed) throw new StoreUnavailableError('redis revocation store is closed');
      if (Date.now() >= deadline) throw new StoreUnavailableError('redis is not reachable');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (this.#persistence === 'unknown') {
      if ((await this.checkPersistence()) === 'none') {
        this.#onWarning('redis persists nothing (no RDB snapshots, no AOF): a redis restart forgets every revocation, and revoked tokens are accepted again until they expire');
      }
    }
  }

  /**
   * What Redis keeps across a restart, as last read by {@link RedisRevocationStore.checkPersistence} (`ready()`
   * reads it once): `none` means a Redis restart forgets every revocation.
   */
  get persistence(): RedisPersistence {
    return this.#persistence;
  }

  /**
   * Reads Redis's persistence settings (`CONFIG GET appendonly`, `CONFIG GET save`) now. `unknown` when they cannot
   * be read (Redis down, or `CONFIG` renamed or forbidden, as on some managed services).
   */
  async checkPersistence(): Promise<RedisPersistence> {
    try {
      const [appendonly, save] = await Promise.all([
        this.#client.config('GET', 'appendonly') as Promise<string[]>,
        this.#client.config('GET', 'save') as Promise<string[]>,
      ]);
      const aof = appendonly[1] === 'yes';
      const rdb = typeof save[1] === 'string' && save[1].trim() !== '';
      this.#persistence = aof && rdb ? 'rdb+aof' : aof ? 'aof' : rdb ? 'rdb' : 'none';
    } catch {
      this.#persistence = 'unknown';
    }
    return this.#persistence;
  }

  /**
   * One `PING` on the command connection (the readiness check of `/ready`): resolves when Redis answers within the
   * command timeout.
   * @throws `StoreUnavailableError` `ERR_STORE_UNAVAILABLE` when it does not.
   */
  async ping(): Promise<void> {
    this.#open();
    const status = this.#client.status;
    if (status !== 'ready') {
      // Say why: "not connected (reconnecting): connect ECONNREFUSED 127.0.0.1:6390" beats ioredis's queue message.
      throw new StoreUnavailableError(`redis is not connected (${status})`, this.#lastError === undefined ? undefined : { cause: this.#lastError });
    }
    try {
      await this.#client.ping();
    } catch (cause) {
      throw new StoreUnavailableError('redis is not answering', { cause });
    }
  }

  /** Whether the store currently has a live connection and subscription. */
  get connected(): boolean {
    return this.#subscribed && this.#client.status === 'ready';
  }

  /**
   * Records a revocation until `expiresAt` and announces it to every node.
   * @throws `StoreUnavailableError` `ERR_STORE_UNAVAILABLE` when Redis cannot be written; `RequestInvalidError` for a
   *   bad id or time.
   */
  async revoke(tokenId: string, expiresAt: number): Promise<void> {
    assertRevocationEntry(tokenId, expiresAt);
    this.#open();
    // An expired token is refused by verification anyway: nothing to record, nothing to remember.
    if (expiresAt > this.#clock()) {
      try {
        const results = await this.#client.multi()
          .set(this.#prefix + tokenId, String(expiresAt), 'EXAT', expiresAt)
          .publish(this.#channel, `${expiresAt}:${tokenId}`)
          .exec();
        const failed = results?.find(([error]) => error !== null);
        if (results === null || failed !== undefined) throw failed?.[0] ?? new Error('transaction aborted');
      } catch (cause) {
        throw new StoreUnavailableError('redis revocation store could not record the revocation', { cause });
      }
      this.#remember(tokenId, expiresAt);
    }
  }

  /**
   * Whether `tokenId` is revoked: synchronous when the local cache knows, otherwise one `GET`.
   * @throws `StoreUnavailableError` `ERR_STORE_UNAVAILABLE` (as a rejection) when Redis cannot answer;
   *   `RequestInvalidError` for a bad id.
   */
  isRevoked(tokenId: string): MaybePromise<boolean> {
    assertTokenId(tokenId);
    this.#open();
    const known = this.#revoked.get(tokenId);
    if (known !== undefined) return true;
    if (this.#subscribed && this.#negativeCacheMs > 0) {
      const seen = this.#notRevoked.get(tokenId);
      if (seen !== undefined) {
        if (performance.now() - seen < this.#negativeCacheMs) return false;
        this.#notRevoked.delete(tokenId);
      }
    }
    return this.#lookup(tokenId);
  }

  async #lookup(tokenId: string): Promise<boolean> {
    const generation = this.#generation;
    const cacheable = this.#subscribed;
    let value: string | null;
    try {
      value = await this.#client.get(this.#prefix + tokenId);
    } catch (cause) {
      throw new StoreUnavailableError('redis revocation store is unavailable', { cause });
    }
    if (value !== null) {
      this.#remember(tokenId, Number(value) || this.#clock() + 43_200 * 60);
      return true;
    }
    if (cacheable && this.#negativeCacheMs > 0 && generation === this.#generation && this.#subscribed) {
      if (this.#notRevoked.size >= this.#maxCacheEntries) this.#notRevoked.clear();
      this.#notRevoked.set(tokenId, performance.now());
    }
    return false;
  }

  /** Closes both connections; later calls throw `ERR_STORE_UNAVAILABLE`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#subscribed = false;
    clearInterval(this.#timer);
    await Promise.all([this.#client, this.#subscriber].map(async (connection) => {
      try {
        await connection.quit();
      } catch {
        connection.disconnect();
      }
    }));
  }

  #learnRevoked(message: string): void {
    const separator = message.indexOf(':');
    if (separator <= 0) return;
    const expiresAt = Number(message.slice(0, separator));
    const tokenId = message.slice(separator + 1);
    if (!Number.isSafeInteger(expiresAt) || tokenId === '') return;
    this.#remember(tokenId, expiresAt);
  }

  #remember(tokenId: string, expiresAt: number): void {
    this.#generation++;
    this.#notRevoked.delete(tokenId);
    if (this.#revoked.size >= this.#maxCacheEntries) {
      // Forget the oldest known revocation; Redis still has it, so forgetting only costs a lookup.
      const oldest = this.#revoked.keys().next().value;
      if (oldest !== undefined) this.#revoked.delete(oldest);
    }
    this.#revoked.set(tokenId, expiresAt);
  }

  #purgeCaches(): void {
    const now = this.#clock();
    for (const [id, expiresAt] of this.#revoked) if (expiresAt <= now) this.#revoked.delete(id);
    const cutoff = performance.now() - this.#negativeCacheMs;
    for (const [id, seen] of this.#notRevoked) if (seen < cutoff) this.#notRevoked.delete(id);
  }

  #open(): void {
    if (this.#closed) throw new StoreUnavailableError('redis revocation store is closed');
  }
}
