/**
 * The SQLite store's writer: revocations are committed by a worker thread with its own connection, in group commits
 * (every revoke that arrived while the previous commit was being fsynced goes into the next transaction, one fsync
 * for all of them). `write` resolves only once its transaction is durable, so "a 200 means durable" still holds, but
 * the fsync (milliseconds) no longer blocks the event loop: authorizations keep being answered during a revoke flood.
 *
 * One batch is in flight at a time: revokes answered while the worker commits wait in the store and are posted
 * together when it reports back. A message costs both threads a wake-up, which on a busy machine costs more than the
 * SQLite work for a few revokes; the next transaction would hold the same revokes anyway.
 *
 * Checkpoints (copying the WAL back into the database file, two fsyncs) are run by a second worker with its own
 * connection, so they do not hold up the commits behind them: SQLite's automatic checkpoint runs inside the commit
 * that crosses its threshold. The writer asks for one once the WAL holds {@link CHECKPOINT_FRAMES} frames not yet
 * copied; a checkpoint never blocks a writer (`PASSIVE`). The WAL file restarts from its beginning only when a commit
 * starts after a complete checkpoint, which a steady flood may never leave room for, so the writer keeps SQLite's own
 * checkpoint at {@link MAX_WAL_FRAMES}: that bounds the WAL, and by then little is left to copy.
 *
 * @module
 */
import { Worker } from 'node:worker_threads';
import { StoreUnavailableError } from '@grantkit/core';

/** WAL frames not yet checkpointed after which the checkpointer is asked to run (SQLite's own default threshold). */
export const CHECKPOINT_FRAMES = 1_000;
/**
 * WAL frames at which the writer checkpoints in its own commit path: the WAL's bound (about 64 MB at 4 kB pages). Each
 * time a flood reaches it, a commit or two wait for a checkpoint again: this far apart, under 1 % of commits even back
 * to back, so below the p99 (at 4,000 frames, a few per cent).
 */
export const MAX_WAL_FRAMES = 16_000;

/** What the worker needs to open its own connection to the same database file. */
export interface SqliteWriterOptions {
  /** The driver the store opened its own connection with. */
  driver: 'node:sqlite' | 'better-sqlite3';
  /** What the worker requires: `node:sqlite`, or better-sqlite3's resolved path (its `require` does not resolve from here). */
  modulePath: string;
  /** Database file. */
  path: string;
  busyTimeoutMs: number;
  /** The upsert statement, `(token_id, expires_at)` parameters. */
  insertSql: string;
  /** Default {@link CHECKPOINT_FRAMES}; tests lower it. */
  checkpointFrames?: number;
  /** Default {@link MAX_WAL_FRAMES}; tests lower it. */
  maxWalFrames?: number;
}

// Plain CommonJS evaluated in the workers: a separate file would need its own build entry and path resolution.
const OPEN_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const message = (error) => String((error && error.message) || error);
function open() {
  let database;
  if (workerData.driver === 'node:sqlite') {
    // The store already let the user know SQLite is in use; Node 22's experimental warning is not repeated here.
    const emitWarning = process.emitWarning;
    process.emitWarning = (warning, ...rest) => /SQLite is an experimental feature/.test(String(warning && warning.message || warning)) ? undefined : emitWarning.call(process, warning, ...rest);
    const { DatabaseSync } = require('node:sqlite');
    process.emitWarning = emitWarning;
    database = new DatabaseSync(workerData.path);
  } else {
    const Database = require(workerData.modulePath);
    database = new Database(workerData.path);
  }
  database.exec('PRAGMA busy_timeout = ' + Math.max(0, Math.trunc(workerData.busyTimeoutMs)));
  database.exec('PRAGMA journal_mode = WAL');
  // FULL in the checkpointer too: it syncs the WAL before copying it and the database file after.
  database.exec('PRAGMA synchronous = FULL');
  return database;
}
`;

const CHECKPOINTER_SOURCE = `${OPEN_SOURCE}
let database;
try {
  database = open();
  // It never writes rows; its only job is the checkpoint it is asked for.
  database.exec('PRAGMA wal_autocheckpoint = 0');
} catch (error) {
  throw new Error('checkpointer: ' + message(error));
}
parentPort.on('message', (item) => {
  if (item === 'close') {
    database.close();
    parentPort.close();
    return;
  }
  // PASSIVE: copies what no reader still needs, without waiting for or blocking the writer. A failure only leaves
  // the work to the next request or to the writer's own checkpoint at the WAL's bound.
  try { database.exec('PRAGMA wal_checkpoint(PASSIVE)'); } catch {}
  parentPort.postMessage('done');
});
`;

const WRITER_SOURCE = `${OPEN_SOURCE}
const { Worker } = require('node:worker_threads');
const { closeSync, openSync, readSync } = require('node:fs');
let database;
let commit;
try {
  database = open();
  const insert = database.prepare(workerData.insertSql);
  commit = (entries) => {
    database.exec('BEGIN IMMEDIATE');
    try {
      for (let index = 0; index + 1 < entries.length; index += 2) insert.run(entries[index], entries[index + 1]);
      database.exec('COMMIT');
    } catch (error) {
      try { database.exec('ROLLBACK'); } catch {}
      throw error;
    }
  };
} catch (error) {
  parentPort.postMessage({ failed: message(error) });
}

// Checkpoints off the commit path (see sqlite-writer.ts). The WAL-index header in the -shm file tells how many frames
// the WAL holds (mxFrame, offset 16) and how many are copied (nBackfill, offset 96), in the machine's byte order.
let checkpointer;
let checkpointing = false;
let checkpoints = 0;
let shm;
const header = Buffer.alloc(100);
const little = require('node:os').endianness() === 'LE';
function ownCheckpoints(frames) {
  try { database.exec('PRAGMA wal_autocheckpoint = ' + frames); } catch {}
}
if (commit) {
  ownCheckpoints(workerData.maxWalFrames);
  try {
    shm = openSync(workerData.path + '-shm', 'r');
    checkpointer = new Worker(${JSON.stringify(CHECKPOINTER_SOURCE)}, { eval: true, workerData });
    checkpointer.on('message', () => { checkpointing = false; checkpoints++; });
    // Without it, SQLite checkpoints in the commit path again, as it would by default.
    const fallBack = () => { checkpointer = undefined; ownCheckpoints(workerData.checkpointFrames); };
    checkpointer.on('error', fallBack);
    checkpointer.on('exit', fallBack);
  } catch {
    checkpointer = undefined;
    ownCheckpoints(workerData.checkpointFrames);
  }
}
function maybeCheckpoint() {
  if (checkpointer === undefined || checkpointing) return;
  try {
    if (readSync(shm, header, 0, header.length, 0) !== header.length || header[12] !== 1) return;
  } catch {
    return;
  }
  const frames = little ? header.readUInt32LE(16) : header.readUInt32BE(16);
  const copied = little ? header.readUInt32LE(96) : header.readUInt32BE(96);
  if (frames - copied < workerData.checkpointFrames) return;
  checkpointing = true;
  checkpointer.postMessage('checkpoint');
}

let queue = [];
let first = 0;
let scheduled = false;
function flush() {
  scheduled = false;
  const batch = queue;
  queue = [];
  // Sequence numbers are consecutive and batches arrive in order, so a reply names the range it made durable.
  const done = [first, first + batch.length / 2 - 1];
  first = 0;
  try {
    commit(batch);
    parentPort.postMessage({ done, checkpoints });
  } catch (error) {
    parentPort.postMessage({ done, checkpoints, error: message(error) });
  }
  maybeCheckpoint();
}
function finish() {
  // A worker's file descriptors are the process's: they outlive the thread unless closed.
  if (shm !== undefined) closeSync(shm);
  if (database) database.close();
  parentPort.close();
}
parentPort.on('message', (item) => {
  if (item === 'close') {
    if (queue.length > 0 && commit) flush();
    if (checkpointer === undefined) return finish();
    checkpointer.removeAllListeners('exit');
    checkpointer.once('exit', finish);
    checkpointer.postMessage('close');
    return;
  }
  // A batch of revokes, as the store posts them: [firstSeq, tokenId, expiresAt, tokenId, expiresAt, ...].
  if (!commit) return parentPort.postMessage({ done: [item[0], item[0] + (item.length - 1) / 2 - 1], error: 'database is not open' });
  if (queue.length === 0) first = item[0];
  for (let index = 1; index < item.length; index++) queue.push(item[index]);
  // Everything that arrives before this turn ends joins one transaction.
  if (!scheduled) { scheduled = true; setImmediate(flush); }
});
`;

interface Pending {
  resolve: () => void;
  reject: (error: Error) => void;
}

/** @internal */
export class SqliteWriter {
  readonly #worker: Worker;
  /** Writes posted or waiting, by sequence number (the worker makes them durable in that order). */
  readonly #pending = new Map<number, Pending>();
  readonly #exited: Promise<void>;
  /** Revokes not yet posted to the worker, flat: the first one's sequence number, then `tokenId, expiresAt` each. */
  #outbox: Array<number | string> = [];
  #posting = false;
  /** Whether a batch is with the worker and not yet reported back. */
  #inFlight = false;
  #sequence = 0;
  #failure: string | undefined;
  #checkpoints = 0;

  constructor(options: SqliteWriterOptions) {
    const workerData = {
      ...options,
      checkpointFrames: options.checkpointFrames ?? CHECKPOINT_FRAMES,
      maxWalFrames: options.maxWalFrames ?? MAX_WAL_FRAMES,
    };
    this.#worker = new Worker(WRITER_SOURCE, { eval: true, workerData });
    // Only pending writes keep the process alive (see write).
    this.#worker.unref();
    this.#worker.on('message', (message: { done?: [number, number]; checkpoints?: number; error?: string; failed?: string }) => {
      if (message.failed !== undefined) {
        this.#failure = message.failed;
        this.#failAll();
        return;
      }
      this.#inFlight = false;
      this.#checkpoints = message.checkpoints ?? this.#checkpoints;
      // The next batch goes before this one's callers run: the worker commits while their answers are written.
      this.#post();
      const [from, to] = message.done ?? [1, 0];
      const error = message.error === undefined
        ? undefined
        : new StoreUnavailableError('sqlite revocation store failed', { cause: new Error(message.error) });
      for (let sequence = from; sequence <= to; sequence++) {
        const pending = this.#pending.get(sequence);
        if (pending === undefined) continue;
        this.#pending.delete(sequence);
        if (error === undefined) pending.resolve();
        else pending.reject(error);
      }
      if (this.#pending.size === 0) this.#worker.unref();
    });
    this.#worker.on('error', (error) => {
      this.#failure = error.message;
      this.#failAll();
    });
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => {
      this.#failure ??= 'the writer stopped';
      this.#failAll();
      resolve();
    }));
  }

  /** Checkpoints the second connection has completed, as of the last commit reported back (tests read it). */
  get checkpoints(): number {
    return this.#checkpoints;
  }

  /** Commits one revocation; resolves once it is on disk (fsynced). */
  write(tokenId: string, expiresAt: number): Promise<void> {
    if (this.#failure !== undefined) {
      return Promise.reject(new StoreUnavailableError('sqlite revocation store failed', { cause: new Error(this.#failure) }));
    }
    const sequence = ++this.#sequence;
    if (this.#pending.size === 0) this.#worker.ref();
    return new Promise<void>((resolve, reject) => {
      this.#pending.set(sequence, { resolve, reject });
      if (this.#outbox.length === 0) this.#outbox.push(sequence);
      this.#outbox.push(tokenId, expiresAt);
      if (!this.#posting && !this.#inFlight) {
        // Every revoke answered in this turn of the event loop goes in one message.
        this.#posting = true;
        setImmediate(() => {
          this.#posting = false;
          this.#post();
        });
      }
    });
  }

  /** Posts the outbox unless a batch is in flight (then it goes when that one is reported back). */
  #post(force = false): void {
    if ((this.#inFlight && !force) || this.#outbox.length === 0) return;
    const batch = this.#outbox;
    this.#outbox = [];
    if (this.#failure !== undefined) return; // already rejected by #failAll
    this.#inFlight = true;
    this.#worker.postMessage(batch);
  }

  /** Commits what is queued, then stops the worker. */
  close(): Promise<void> {
    if (this.#failure === undefined) {
      // Keep the process alive until the worker has committed and exited: the caller awaits it.
      this.#worker.ref();
      this.#post(true);
      this.#worker.postMessage('close');
    }
    return this.#exited;
  }

  #failAll(): void {
    const error = new StoreUnavailableError('sqlite revocation store failed', { cause: new Error(this.#failure) });
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    this.#outbox = [];
    this.#worker.unref();
  }
}
