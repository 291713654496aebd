/**
 * Data files readable by their owner only. SQLite creates its database with the process umask (0644 usually), in
 * whatever directory it is given, and its `-wal` and `-shm` files copy that mode: revocation lists (token ids and
 * expiries) readable by every local user. The file is created 0600 before SQLite opens it, and an existing one (from
 * an older version, or copied in) is narrowed to 0600 with its companions.
 *
 * @internal
 * @module
 */
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';

/** SQLite's companion files: the write-ahead log and its shared-memory index. */
const COMPANIONS = ['-wal', '-shm', '-journal'];

/**
 * Creates `path` 0600 if it does not exist, and narrows it and its SQLite companions to 0600 if they do.
 *
 * @internal
 */
export function restrictToOwner(path: string): void {
  // 'a' creates without truncating; the mode applies only when the file is created.
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
  for (const suffix of COMPANIONS) if (existsSync(path + suffix)) chmodSync(path + suffix, 0o600);
}

/** Whether `path` names a file on disk (not SQLite's `:memory:`, an empty temporary name, or a `file:` URI). @internal */
export function isFilePath(path: string): boolean {
  return path !== '' && path !== ':memory:' && !path.startsWith('file:');
}
