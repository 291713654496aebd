/**
 * The SQLite store's writer: revocations are committed by a worker thread with its own connection, in group commits
 * (every revoke that arrived while the previous commit was being fsynced goes into the next transaction, one fsync
 * for all of them). `write` resolves only once its transaction is durable, so "a 200 means durable" still holds, but
 * the fsync (milliseconds) no longer blocks the event loop: authorizations keep being answered during a revoke flood.
 *
 * @module
 */
import { Worker } from 'node:worker_threads';
import { StoreUnavailableError } from '@grantkit/core';

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
}

// Plain CommonJS evaluated in the worker: a separate file would need its own build entry and path resolution.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const message = (error) => String((error && error.message) || error);
let database;
let commit;
try {
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
  database.exec('PRAGMA synchronous = FULL');
  const insert = database.prepare(workerData.insertSql);
  commit = (entries) => {
    database.exec('BEGIN IMMEDIATE');
    try {
      for (const entry of entries) insert.run(entry[0], entry[1]);
      database.exec('COMMIT');
    } catch (error) {
      try { database.exec('ROLLBACK'); } catch {}
      throw error;
    }
  };
} catch (error) {
  parentPort.postMessage({ failed: message(error) });
}
let queue = [];
let scheduled = false;
function flush() {
  scheduled = false;
  const batch = queue;
  queue = [];
  const done = batch.map((item) => item.seq);
  try {
    commit(batch.map((item) => item.entry));
    parentPort.postMessage({ done });
  } catch (error) {
    parentPort.postMessage({ done, error: message(error) });
  }
}
parentPort.on('message', (item) => {
  if (item === 'close') {
    if (queue.length > 0 && commit) flush();
    if (database) database.close();
    parentPort.close();
    return;
  }
  // A batch of revokes, as the store posts them (one message per event-loop turn): [seq, tokenId, expiresAt, ...].
  const items = [];
  for (let index = 0; index + 2 < item.length; index += 3) items.push({ seq: item[index], entry: [item[index + 1], item[index + 2]] });
  if (!commit) return parentPort.postMessage({ done: items.map((one) => one.seq), error: 'database is not open' });
  queue.push(...items);
  // Everything that arrives before this turn ends (messages queued during the last fsync) joins one transaction.
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
  readonly #pending = new Map<number, Pending>();
  readonly #exited: Promise<void>;
  /** Revokes not yet posted to the worker, flat (`seq, tokenId, expiresAt`): posted together once per turn. */
  #outbox: Array<number | string> = [];
  #posting = false;
  #sequence = 0;
  #failure: string | undefined;

  constructor(options: SqliteWriterOptions) {
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: options });
    // Only pending writes keep the process alive (see write).
    this.#worker.unref();
    this.#worker.on('message', (message: { done?: number[]; error?: string; failed?: string }) => {
      if (message.failed !== undefined) {
        this.#failure = message.failed;
        this.#failAll();
        return;
      }
      for (const sequence of message.done ?? []) {
        const pending = this.#pending.get(sequence);
        this.#pending.delete(sequence);
        if (message.error === undefined) pending?.resolve();
        else pending?.reject(new StoreUnavailableError('sqlite revocation store failed', { cause: new Error(message.error) }));
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

  /** Commits one revocation; resolves once it is on disk (fsynced). */
  write(tokenId: string, expiresAt: number): Promise<void> {
    if (this.#failure !== undefined) {
      return Promise.reject(new StoreUnavailableError('sqlite revocation store failed', { cause: new Error(this.#failure) }));
    }
    const sequence = ++this.#sequence;
    if (this.#pending.size === 0) this.#worker.ref();
    return new Promise<void>((resolve, reject) => {
      this.#pending.set(sequence, { resolve, reject });
      this.#outbox.push(sequence, tokenId, expiresAt);
      if (!this.#posting) {
        // Every revoke answered in this turn of the event loop goes in one message: one copy and one wake-up of the
        // worker for all of them (it commits what it has received together anyway).
        this.#posting = true;
        setImmediate(() => this.#post());
      }
    });
  }

  #post(): void {
    this.#posting = false;
    if (this.#outbox.length === 0) return;
    const batch = this.#outbox;
    this.#outbox = [];
    if (this.#failure !== undefined) return; // already rejected by #failAll
    this.#worker.postMessage(batch);
  }

  /** Commits what is queued, then stops the worker. */
  close(): Promise<void> {
    if (this.#failure === undefined) {
      // Keep the process alive until the worker has committed and exited: the caller awaits it.
      this.#worker.ref();
      this.#post();
      this.#worker.postMessage('close');
    }
    return this.#exited;
  }

  #failAll(): void {
    const error = new StoreUnavailableError('sqlite revocation store failed', { cause: new Error(this.#failure) });
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    this.#worker.unref();
  }
}
