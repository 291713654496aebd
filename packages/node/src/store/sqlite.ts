/**
 * Embedded SQLite revocation store (the default): one file in the data directory, safe to share between processes
 * on one machine (WAL), durable across `kill -9`. Lookups are synchronous, so the hot path never awaits.
 *
 * Durability: `journal_mode = WAL` with `synchronous = FULL`. WAL alone already survives a killed process (a
 * committed transaction is in the WAL file, in the OS page cache); FULL also fsyncs the WAL on every commit, so a
 * revoke that answered 200 survives a power loss too. The fsync takes milliseconds, so revokes to a database file
 * are committed by a worker thread in group commits (`./sqlite-writer.ts`): a revoke resolves once durable, and the
 * event loop keeps answering lookups meanwhile. Lookups are reads and never fsync.
 *
 * Files: the database and its `-wal`/`-shm` are created readable by their owner only (0600), wherever they are.
 *
 * @module
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  StoreUnavailableError, assertRevocationEntry, assertTokenId, type Clock, type RevocationStore,
} from '@grantkit/core';
import { openSqlite, type SqliteConnection, type SqliteDriverName, type SqliteStatement } from './drivers.js';
import { isFilePath, restrictToOwner } from './private-file.js';
import { SqliteWriter } from './sqlite-writer.js';

// Keep the later expiry if one token is revoked twice with different expiries (it never is, but be monotonic).
const INSERT_SQL = `INSERT INTO revocations (token_id, expires_at) VALUES (?, ?)
  ON CONFLICT (token_id) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)`;

/**
 * Options of {@link SqliteRevocationStore}.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const options: SqliteRevocationStoreOptions = { dataDir: '/var/lib/grantkit' };
 * ```
 */
export interface SqliteRevocationStoreOptions {
  /** Directory holding `revocations.sqlite3` (created if missing). Ignored when `path` is given. */
  dataDir?: string;
  /** Database file path; `:memory:` for a private in-memory database. */
  path?: string;
  /** How often expired entries are purged, ms. Default 10 minutes; 0 disables the timer (call `purgeExpired`). */
  purgeIntervalMs?: number;
  /** How long to wait for another process's write lock, ms. Default 5000. */
  busyTimeoutMs?: number;
  /** Unix seconds. Default `Date.now()`. */
  clock?: Clock;
  /**
   * Which SQLite driver to use. Default `'auto'`: the runtime's built-in `node:sqlite` where it exists (Node ≥ 22.5,
   * Bun, Deno), else the `better-sqlite3` package (an optional peer dependency: install it on Node 20).
   */
  driver?: 'auto' | 'node:sqlite' | 'better-sqlite3';
}

/**
 * The database file name inside a data directory.
 *
 * @internal
 *
 * @example
 * ```ts
 * const path = join(dataDir, SQLITE_FILE_NAME); // …/revocations.sqlite3
 * ```
 */
export const SQLITE_FILE_NAME = 'revocations.sqlite3';

/**
 * A revocation denylist in SQLite: `node:sqlite` where the runtime has it, else `better-sqlite3`. Lookups are
 * synchronous; `revoke` resolves once the entry is durable (on Node, committed off the event loop for a database
 * file; at once for `:memory:`). Failures throw or reject `ERR_STORE_UNAVAILABLE`, so authorization fails closed.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * import { SqliteRevocationStore } from '@grantkit/node';
 * const store = new SqliteRevocationStore({ dataDir: './.grantkit-data' });
 * await store.revoke(verified.id, verified.expiresAt);
 * store.isRevoked(verified.id); // true
 * await store.close();
 * ```
 */
export class SqliteRevocationStore implements RevocationStore {
  /** The database file in use. */
  readonly path: string;
  /** The SQLite driver in use. */
  readonly driver: 'node:sqlite' | 'better-sqlite3';
  readonly #database: SqliteConnection;
  readonly #insert: SqliteStatement;
  readonly #select: SqliteStatement;
  readonly #purge: SqliteStatement;
  readonly #count: SqliteStatement;
  readonly #clock: Clock;
  readonly #timer: NodeJS.Timeout | undefined;
  /** The off-loop writer; undefined for `:memory:` (a worker cannot share a private in-memory database). */
  readonly #writer: SqliteWriter | undefined;
  #closed = false;

  /**
   * Opens (and creates) the database.
   * @throws `StoreUnavailableError` `ERR_STORE_UNAVAILABLE` when the file cannot be opened, or when no driver can be
   *   loaded (the message names the package and the command that fixes it; `cause` keeps the real failure).
   */
  constructor(options: SqliteRevocationStoreOptions = {}) {
    this.#clock = options.clock ?? (() => Math.floor(Date.now() / 1000));
    if (options.path !== undefined) {
      this.path = options.path;
    } else {
      const directory = options.dataDir ?? '.grantkit-data';
      mkdirSync(directory, { recursive: true, mode: 0o700 });
      this.path = join(directory, SQLITE_FILE_NAME);
    }
    let opened: { connection: SqliteConnection; driver: SqliteDriverName };
    try {
      // Owner-only in any directory, before SQLite creates anything (its -wal and -shm copy the database's mode).
      if (isFilePath(this.path)) restrictToOwner(this.path);
      // Loaded on first use, so only SQLite users need a driver at all.
      opened = openSqlite(this.path, options.driver);
    } catch (cause) {
      if (cause instanceof StoreUnavailableError) throw cause;
      throw new StoreUnavailableError('sqlite revocation store could not be opened', { cause });
    }
    this.#database = opened.connection;
    this.driver = opened.driver;
    try {
      this.#database.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5_000))}`);
      this.#database.exec('PRAGMA journal_mode = WAL');
      this.#database.exec('PRAGMA synchronous = FULL');
      this.#database.exec(`CREATE TABLE IF NOT EXISTS revocations (
        token_id TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS revocations_expires_at ON revocations (expires_at);`);
      this.#insert = this.#database.prepare(INSERT_SQL);
      this.#select = this.#database.prepare('SELECT 1 AS found FROM revocations WHERE token_id = ?');
      this.#purge = this.#database.prepare('DELETE FROM revocations WHERE expires_at <= ?');
      this.#count = this.#database.prepare('SELECT count(*) AS total FROM revocations');
      // The off-loop writer needs Node's worker threads; Bun and Deno keep committing on the main connection. The
      // file already exists (created 0600 above), so the worker's connection opens it with its mode unchanged.
      const node = process.versions.bun === undefined && (globalThis as { Deno?: unknown }).Deno === undefined;
      this.#writer = isFilePath(this.path) && node
        ? new SqliteWriter({
          driver: this.driver,
          modulePath: this.driver === 'better-sqlite3' ? createRequire(import.meta.url).resolve('better-sqlite3') : 'node:sqlite',
          path: this.path,
          busyTimeoutMs: options.busyTimeoutMs ?? 5_000,
          insertSql: INSERT_SQL,
        })
        : undefined;
    } catch (cause) {
      this.#database.close();
      throw new StoreUnavailableError('sqlite revocation store could not be opened', { cause });
    }
    this.purgeExpired();
    const interval = options.purgeIntervalMs ?? 600_000;
    if (interval > 0) {
      this.#timer = setInterval(() => {
        try {
          this.purgeExpired();
        } catch {
          // A failed purge only delays cleanup; lookups report their own failures.
        }
      }, interval);
      this.#timer.unref();
    }
  }

  /**
   * Records a revocation until `expiresAt`; resolves once it is on disk (fsynced), committed together with every
   * other revoke that arrived meanwhile.
   * @throws `RequestInvalidError` for a bad id or time, `StoreUnavailableError` `ERR_STORE_UNAVAILABLE` when closed
   *   (both synchronously); the promise rejects `ERR_STORE_UNAVAILABLE` when the write fails.
   */
  revoke(tokenId: string, expiresAt: number): Promise<void> | void {
    assertRevocationEntry(tokenId, expiresAt);
    if (this.#writer === undefined) {
      this.#run(() => this.#insert.run(tokenId, expiresAt));
      return;
    }
    if (this.#closed) throw new StoreUnavailableError('sqlite revocation store is closed');
    return this.#writer.write(tokenId, expiresAt);
  }

  /**
   * Whether `tokenId` is revoked. Never answers `false` on failure.
   * @throws `StoreUnavailableError` `ERR_STORE_UNAVAILABLE` when the database cannot be read (fail closed);
   *   `RequestInvalidError` for a bad id.
   */
  isRevoked(tokenId: string): boolean {
    assertTokenId(tokenId);
    return this.#run(() => this.#select.get(tokenId) !== undefined);
  }

  /** Deletes entries whose token has expired; returns how many. */
  purgeExpired(now: number = this.#clock()): number {
    return this.#run(() => Number(this.#purge.run(now).changes));
  }

  /** Number of entries held (expired ones included until purged). */
  get size(): number {
    return this.#run(() => (this.#count.get() as { total: number }).total);
  }

  /**
   * Reads the database once (the readiness check of `/ready`).
   * @throws `StoreUnavailableError` `ERR_STORE_UNAVAILABLE` when it cannot be read.
   */
  ping(): void {
    // An indexed lookup of an id no token has: reads the real table, costs one B-tree probe whatever its size.
    this.#run(() => this.#select.get(''));
  }

  /**
   * Stops the purge timer and closes the database; revokes already accepted are committed first. Later calls throw
   * `ERR_STORE_UNAVAILABLE`.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#database.close();
    await this.#writer?.close();
  }

  #run<T>(operation: () => T): T {
    if (this.#closed) throw new StoreUnavailableError('sqlite revocation store is closed');
    try {
      return operation();
    } catch (cause) {
      throw new StoreUnavailableError('sqlite revocation store failed', { cause });
    }
  }
}
