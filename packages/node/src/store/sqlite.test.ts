import { chmodSync, closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from './drivers.js';
import { MAX_REMEMBERED, SqliteRevocationStore, WalIndexView } from './sqlite.js';
import { SqliteWriter, type SqliteWriterOptions } from './sqlite-writer.js';

// Behaviour every store shares (validation, close, failing closed) is in test/store-contract.test.ts.

const directory = mkdtempSync(join(tmpdir(), 'grantkit-sqlite-unit-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

// The worker-thread writer runs on Node; the store falls back to committing on its own connection elsewhere.
const OFF_LOOP_WRITER = process.versions.bun === undefined && (globalThis as { Deno?: unknown }).Deno === undefined;

/** What the store gives its writer for `store`'s file; tests add their own checkpoint thresholds. */
function writerOptions(store: SqliteRevocationStore): SqliteWriterOptions {
  return {
    driver: store.driver,
    modulePath: store.driver === 'better-sqlite3' ? createRequire(import.meta.url).resolve('better-sqlite3') : 'node:sqlite',
    path: store.path,
    busyTimeoutMs: 5_000,
    insertSql: 'INSERT INTO revocations (token_id, expires_at) VALUES (?, ?) ON CONFLICT (token_id) DO NOTHING',
  };
}

/** `groups` × 10 revokes, one group at a time (each group its own transaction). */
async function revokeInGroups(writer: SqliteWriter, prefix: string, groups: number): Promise<void> {
  for (let group = 0; group < groups; group++) {
    await Promise.all(Array.from({ length: 10 }, (_, index) => writer.write(`${prefix}-${group}-${index}`, 4_000_000_000)));
  }
}

describe('SqliteRevocationStore', () => {
  it('commits revokes off the event loop: each resolves once durable, all are seen at once by another connection', async () => {
    const store = new SqliteRevocationStore({ dataDir: join(directory, 'group') });
    const ids = Array.from({ length: 300 }, (_, index) => `token-${index}`);
    const writes = ids.map((id) => store.revoke(id, 4_000_000_000));
    if (OFF_LOOP_WRITER) {
      // Accepted, not yet durable: the writer thread has not committed them, and lookups still answer meanwhile.
      expect(writes.every((write) => write instanceof Promise)).toBe(true);
      expect(store.isRevoked('token-0')).toBe(false);
    } else {
      // Bun and Deno commit on the main connection: durable when revoke returns.
      expect(writes.every((write) => write === undefined)).toBe(true);
      expect(store.isRevoked('token-0')).toBe(true);
    }
    await Promise.all(writes);
    expect(ids.every((id) => store.isRevoked(id))).toBe(true);
    const other = openSqlite(store.path).connection;
    expect(other.prepare('SELECT count(*) AS total FROM revocations').get()).toEqual({ total: 300 });
    other.close();
    // Revokes accepted before close are committed by close.
    const last = store.revoke('token-last', 4_000_000_000);
    await store.close();
    await last;
    const reopened = new SqliteRevocationStore({ dataDir: join(directory, 'group') });
    expect(reopened.isRevoked('token-last')).toBe(true);
    await reopened.close();
  });

  it('keeps committing revokes posted while a group is being committed, in order, each durable when it resolves', async () => {
    const store = new SqliteRevocationStore({ dataDir: join(directory, 'turns'), purgeIntervalMs: 0 });
    try {
      const writes: Array<Promise<void> | void> = [];
      for (let turn = 0; turn < 20; turn++) {
        for (let index = 0; index < 5; index++) writes.push(store.revoke(`token-${turn}-${index}`, 4_000_000_000));
        await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all(writes);
      const other = openSqlite(store.path).connection;
      expect(other.prepare('SELECT count(*) AS total FROM revocations').get()).toEqual({ total: 100 });
      other.close();
    } finally {
      await store.close();
    }
  });

  it.runIf(OFF_LOOP_WRITER)('checkpoints from a second connection, not in the commits', async () => {
    const store = new SqliteRevocationStore({ dataDir: join(directory, 'checkpoints'), purgeIntervalMs: 0 });
    // The writer's own checkpoint is out of reach: only the checkpointer can copy pages into the database file.
    const writer = new SqliteWriter({ ...writerOptions(store), checkpointFrames: 8, maxWalFrames: 1_000_000 });
    try {
      const databaseBytes = statSync(store.path).size;
      // Each commit reports the checkpoints done so far; a few hundred groups are far more than one needs.
      for (let group = 0; writer.checkpoints === 0 && group < 500; group++) await revokeInGroups(writer, `group-${group}`, 1);
      expect(writer.checkpoints).toBeGreaterThan(0);
      expect(statSync(store.path).size).toBeGreaterThan(databaseBytes);
    } finally {
      await writer.close();
      await store.close();
    }
  });

  it.runIf(OFF_LOOP_WRITER)('keeps the WAL bounded during back-to-back commits', async () => {
    const store = new SqliteRevocationStore({ dataDir: join(directory, 'bounded'), purgeIntervalMs: 0 });
    // Back to back, a checkpoint rarely finishes between two commits, and only then can the WAL start over: the
    // writer's own checkpoint at the bound makes room.
    const writer = new SqliteWriter({ ...writerOptions(store), checkpointFrames: 8, maxWalFrames: 32 });
    try {
      let most = 0;
      for (let group = 0; group < 150; group++) {
        await revokeInGroups(writer, `group-${group}`, 1);
        most = Math.max(most, walFrames(store.path));
      }
      // A checkpoint busy with the other connection's can delay it by a commit or two; 150 groups wrote 300+ frames.
      expect(most).toBeLessThanOrEqual(4 * 32);
      // A WAL file is a 32-byte header and frames of a 24-byte header and a page each; it is reused, never shrunk.
      expect(statSync(`${store.path}-wal`).size).toBeLessThanOrEqual(32 + 4 * 32 * (24 + pageSize(store.path)));
      expect(store.size).toBe(1_500);
    } finally {
      await writer.close();
      await store.close();
    }
  });

  it('remembers at most MAX_REMEMBERED answers, forgetting the least recently used half when full', async () => {
    const store = new SqliteRevocationStore({ dataDir: join(directory, 'memo'), purgeIntervalMs: 0 });
    const view = WalIndexView.open(`${store.path}-shm`)!;
    try {
      expect(view.current()).toBe(true);
      view.remember('hot', true);
      for (let index = 0; index < MAX_REMEMBERED; index++) {
        view.remember(`token-${index}`, false);
        // Asked for now and then, as a token in use is: it outlives the answers nobody asks for again.
        if (index % 1_000 === 0) expect(view.answer('hot')).toBe(true);
      }
      expect(view.size).toBeLessThanOrEqual(MAX_REMEMBERED);
      expect(view.size).toBeGreaterThanOrEqual(MAX_REMEMBERED / 2);
      expect(view.answer('hot')).toBe(true);
      expect(view.answer(`token-${MAX_REMEMBERED - 1}`)).toBe(false);
      expect(view.answer('token-0')).toBeUndefined();
      // Still exact: a lookup of a forgotten answer queries again.
      expect(store.isRevoked('token-0')).toBe(false);
    } finally {
      view.close();
      await store.close();
    }
  });

  it('answers lookups from memory while the WAL-index header is unchanged, and forgets them at any commit', async () => {
    const store = new SqliteRevocationStore({ dataDir: join(directory, 'view') });
    const view = WalIndexView.open(`${store.path}-shm`)!;
    try {
      // The header of a real database reads whole and consistent (else every lookup would query).
      expect(view.current()).toBe(true);
      view.remember('token-x', false);
      expect(view.current()).toBe(true);
      expect(view.answer('token-x')).toBe(false);
      // A commit by this store's writer, then by another connection: each changes the header, and the answers go.
      await store.revoke('token-y', 4_000_000_000);
      expect(view.current()).toBe(true);
      expect(view.size).toBe(0);
      view.remember('token-x', false);
      const other = openSqlite(store.path).connection;
      other.prepare('DELETE FROM revocations WHERE token_id = ?').run('token-y');
      other.close();
      expect(view.current()).toBe(true);
      expect(view.size).toBe(0);
    } finally {
      view.close();
      await store.close();
    }
  });

  it('sees at once what other connections commit, though lookups are answered from memory', async () => {
    const dataDir = join(directory, 'shared');
    const writer = new SqliteRevocationStore({ dataDir });
    const reader = new SqliteRevocationStore({ dataDir });
    const other = openSqlite(writer.path).connection;
    try {
      // Remembered as not revoked, then revoked by another store on the same file: seen by the very next lookup.
      expect(reader.isRevoked('token-a')).toBe(false);
      expect(reader.isRevoked('token-a')).toBe(false);
      await writer.revoke('token-a', 4_000_000_000);
      expect(reader.isRevoked('token-a')).toBe(true);
      // Written by a plain connection (another process would do the same), and deleted again (a purge).
      expect(reader.isRevoked('token-b')).toBe(false);
      other.prepare('INSERT INTO revocations (token_id, expires_at) VALUES (?, ?)').run('token-b', 4_000_000_000);
      expect(reader.isRevoked('token-b')).toBe(true);
      other.prepare('DELETE FROM revocations WHERE token_id = ?').run('token-a');
      expect(reader.isRevoked('token-a')).toBe(false);
      expect(reader.isRevoked('token-b')).toBe(true);
    } finally {
      other.close();
      await reader.close();
      await writer.close();
    }
    // Closed: lookups fail closed, as before.
    expect(() => reader.isRevoked('token-b')).toThrow(expect.objectContaining({ code: 'ERR_STORE_UNAVAILABLE' }));
  });

  it('creates the file in the data directory with WAL and synchronous=FULL', () => {
    const store = new SqliteRevocationStore({ dataDir: join(directory, 'a') });
    expect(store.path).toBe(join(directory, 'a', 'revocations.sqlite3'));
    const reader = openSqlite(store.path).connection;
    expect(reader.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    reader.close();
    store.close();
  });

  it('persists revocations across reopen and answers lookups synchronously', async () => {
    const first = new SqliteRevocationStore({ dataDir: join(directory, 'b') });
    await first.revoke('token-a', 4_000_000_000);
    await first.revoke('token-a', 3_000_000_000); // a second revoke never shortens the entry
    await first.close();
    const second = new SqliteRevocationStore({ dataDir: join(directory, 'b') });
    const answer = second.isRevoked('token-a');
    expect(answer).toBe(true);
    expect(second.isRevoked('token-b')).toBe(false);
    second.close();
  });

  it('purges expired entries on open and on demand', () => {
    let now = 1_000;
    const store = new SqliteRevocationStore({ path: ':memory:', clock: () => now, purgeIntervalMs: 0 });
    store.revoke('old', 1_500);
    store.revoke('new', 5_000);
    expect(store.size).toBe(2);
    now = 2_000;
    expect(store.purgeExpired()).toBe(1);
    expect(store.isRevoked('old')).toBe(false);
    expect(store.isRevoked('new')).toBe(true);
    store.close();
  });

  it('fails closed (ERR_STORE_UNAVAILABLE) when the database cannot be opened, or is closed with revokes to write', async () => {
    const file = new SqliteRevocationStore({ dataDir: join(directory, 'closed') });
    await file.close();
    expect(() => file.revoke('x', 10)).toThrow(expect.objectContaining({ code: 'ERR_STORE_UNAVAILABLE' }));
    const locked = join(directory, 'locked');
    await new SqliteRevocationStore({ dataDir: locked }).close();
    chmodSync(join(locked, 'revocations.sqlite3'), 0o000);
    chmodSync(locked, 0o500);
    try {
      // root ignores file modes; only assert when the OS enforces them.
      if (process.getuid?.() !== 0) {
        expect(() => new SqliteRevocationStore({ dataDir: locked })).toThrow(expect.objectContaining({ code: 'ERR_STORE_UNAVAILABLE' }));
      }
      expect(() => new SqliteRevocationStore({ path: join(directory, 'missing-dir', 'x', 'db.sqlite3') }))
        .toThrow(expect.objectContaining({ code: 'ERR_STORE_UNAVAILABLE' }));
    } finally {
      chmodSync(locked, 0o700);
      chmodSync(join(locked, 'revocations.sqlite3'), 0o600);
    }
  });
});

function pageSize(path: string): number {
  const connection = openSqlite(path).connection;
  try {
    return (connection.prepare('PRAGMA page_size').get() as { page_size: number }).page_size;
  } finally {
    connection.close();
  }
}

/** The frames in the WAL, from the WAL-index header (see sqlite-writer.ts), in the machine's byte order. */
function walFrames(path: string): number {
  const fd = openSync(`${path}-shm`, 'r');
  try {
    const header = Buffer.alloc(48);
    readSync(fd, header, 0, header.length, 0);
    return endianness() === 'LE' ? header.readUInt32LE(16) : header.readUInt32BE(16);
  } finally {
    closeSync(fd);
  }
}
