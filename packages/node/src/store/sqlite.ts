/**
 * Embedded SQLite revocation store (the default): one file in the data directory, safe to share between processes
 * on one machine (WAL), durable across `kill -9`. Lookups are synchronous, so the hot path never awaits.
 *
 * Durability: `journal_mode = WAL` with `synchronous = FULL`. WAL alone already survives a killed process (a
 * committed transaction is in the WAL file, in the OS page cache); FULL also fsyncs the WAL on every commit, so a
 * revoke that answered 200 survives a power loss too. The fsync takes milliseconds, so revokes to a database file
 * are committed by a worker thread in group commits, and checkpointed by another (`./sqlite-writer.ts`): a revoke
 * resolves once durable, and the event loop keeps answering lookups meanwhile. Lookups are reads and never fsync.
 *
 * Files: the database and its `-wal`/`-shm` are created readable by their owner only (0600), wherever they are.
 *
 * Lookups: a SQLite read costs several system calls (its file and WAL locks), more than the rest of an authorization.
 * So answers are kept in memory for as long as the database has not changed, which is read on every lookup from the
 * WAL-index header at the start of the `-shm` file (https://www.sqlite.org/walformat.html): every commit, by any
 * connection or process, rewrites it (frame count, change counter, salts, checksum), and SQLite itself decides from
 * it whether what it cached is still current. One small read of that header replaces the query: a revoke committed
 * anywhere is seen by the next lookup, as before. When the header cannot be read, or is being written (its two
 * copies differ, or its checksum does not match), the lookup queries the database.
 *
 * @module
 */
import { closeSync, mkdirSync, openSync, readSync } from 'node:fs';
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
  /** The lookups' memory (see the module notes): the `-shm` file, the header the answers hold for, the answers. */
  readonly #walIndex: WalIndexView | undefined;
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
    this.#walIndex = isFilePath(this.path) && (process.platform === 'linux' || process.platform === 'darwin')
      ? WalIndexView.open(`${this.path}-shm`)
      : undefined;
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
    const view = this.#walIndex;
    if (view === undefined || this.#closed || !view.current()) return this.#run(() => this.#select.get(tokenId) !== undefined);
    const known = view.answer(tokenId);
    if (known !== undefined) return known;
    const revoked = this.#run(() => this.#select.get(tokenId) !== undefined);
    // Kept for the header read before the query: if a commit landed in between, the next lookup sees a new header
    // and forgets this answer.
    view.remember(tokenId, revoked);
    return revoked;
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
    this.#walIndex?.close();
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

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Bytes of one copy of the WAL-index header; the file starts with two copies of it. */
const WAL_INDEX_HEADER_BYTES = 48;
/**
 * Answers remembered at most. They are kept in two generations of half that each: when the newer one fills, the older
 * one is dropped, so a full memory forgets its least recently used half, not everything at once (each forgotten
 * answer costs one query to learn again). Deleting single oldest entries from a `Map` instead costs a scan past every
 * earlier deletion (about 18 µs per lookup at this size, measured).
 *
 * @internal
 */
export const MAX_REMEMBERED = 65_536;

/**
 * Lookups answered from memory while the WAL-index header is unchanged (see the module notes).
 *
 * @internal
 */
export class WalIndexView {
  /** The answers for the database as {@link WalIndexView.current} last found it: the newer generation, then the older. */
  #recent = new Map<string, boolean>();
  #older = new Map<string, boolean>();
  readonly #fd: number;
  readonly #read = Buffer.alloc(WAL_INDEX_HEADER_BYTES * 2);
  readonly #header = Buffer.alloc(WAL_INDEX_HEADER_BYTES);
  #closed = false;

  private constructor(fd: number) {
    this.#fd = fd;
  }

  /** A view over the `-shm` file at `path`, or undefined when it cannot be opened (lookups then always query). */
  static open(path: string): WalIndexView | undefined {
    try {
      return new WalIndexView(openSync(path, 'r'));
    } catch {
      return undefined;
    }
  }

  /**
   * Reads the header: true when it could be read whole and consistent, after forgetting every answer if it changed
   * since the last read; false when it could not be (the caller queries the database).
   */
  current(): boolean {
    if (this.#closed) return false;
    const read = this.#read;
    try {
      if (readSync(this.#fd, read, 0, read.length, 0) !== read.length) return false;
    } catch {
      return false;
    }
    // Initialised, both copies equal (a writer updates the second copy, then the first), and the checksum right.
    if (read[12] !== 1 || read.compare(read, WAL_INDEX_HEADER_BYTES, WAL_INDEX_HEADER_BYTES * 2, 0, WAL_INDEX_HEADER_BYTES) !== 0) return false;
    if (!checksumMatches(read)) return false;
    if (read.compare(this.#header, 0, WAL_INDEX_HEADER_BYTES, 0, WAL_INDEX_HEADER_BYTES) !== 0) {
      this.#forget();
      read.copy(this.#header, 0, 0, WAL_INDEX_HEADER_BYTES);
    }
    return true;
  }

  /** The remembered answer for `tokenId`, if any (call {@link WalIndexView.current} first). */
  answer(tokenId: string): boolean | undefined {
    const recent = this.#recent.get(tokenId);
    if (recent !== undefined) return recent;
    const older = this.#older.get(tokenId);
    // Still in use: moved to the newer generation, so it outlives the answers nobody asked for again.
    if (older !== undefined) this.remember(tokenId, older);
    return older;
  }

  remember(tokenId: string, revoked: boolean): void {
    if (this.#recent.size >= MAX_REMEMBERED / 2) {
      this.#older = this.#recent;
      this.#recent = new Map();
    }
    this.#recent.set(tokenId, revoked);
  }

  #forget(): void {
    this.#recent = new Map();
    this.#older = new Map();
  }

  /** How many answers are remembered (an entry in both generations counts twice). */
  get size(): number {
    return this.#recent.size + this.#older.size;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#forget();
    try {
      closeSync(this.#fd);
    } catch {
      // Already gone: nothing to release.
    }
  }
}

/**
 * The WAL-index header's checksum (its last 8 bytes) over its first 40, as SQLite computes it: pairs of 32-bit words
 * in the machine's byte order, `s1 += x0 + s2; s2 += x1 + s1`.
 */
function checksumMatches(header: Buffer): boolean {
  const little = LITTLE_ENDIAN;
  let s1 = 0;
  let s2 = 0;
  for (let offset = 0; offset < 40; offset += 8) {
    const x0 = little ? header.readUInt32LE(offset) : header.readUInt32BE(offset);
    const x1 = little ? header.readUInt32LE(offset + 4) : header.readUInt32BE(offset + 4);
    s1 = (s1 + x0 + s2) >>> 0;
    s2 = (s2 + x1 + s1) >>> 0;
  }
  const c1 = little ? header.readUInt32LE(40) : header.readUInt32BE(40);
  const c2 = little ? header.readUInt32LE(44) : header.readUInt32BE(44);
  return s1 === c1 && s2 === c2;
}
