/**
 * How the stores obtain their database drivers. SQLite comes from `node:sqlite` where the runtime has it (Node ≥ 22.5,
 * Bun, Deno) and from the `better-sqlite3` package only where it does not; Redis comes from `ioredis`. Both packages
 * are optional peer dependencies, loaded on first use, so nobody waits for a native build they do not need. When one
 * is missing or unbuilt, the error names the package and the command that fixes it, and keeps the real failure as
 * its `cause`.
 *
 * @internal
 * @module
 */
import { createRequire } from 'node:module';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { StoreUnavailableError } from '@grantkit/core';

/** The SQLite drivers the store can use. @internal */
export type SqliteDriverName = 'node:sqlite' | 'better-sqlite3';

/** The part of a connection the store uses: `node:sqlite`'s `DatabaseSync` and better-sqlite3's `Database` both have it. @internal */
export interface SqliteConnection {
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  close(): void;
}

/** @internal */
export interface SqliteStatement {
  run(...parameters: Array<string | number>): { changes: number | bigint };
  get(...parameters: Array<string | number>): unknown;
}

type SqliteConstructor = new (path: string) => SqliteConnection;

/** An opened connection and the driver that opened it. @internal */
export interface OpenedSqlite {
  connection: SqliteConnection;
  driver: SqliteDriverName;
}

/**
 * Opens `path` with `node:sqlite` when available (or when asked for), else with better-sqlite3.
 *
 * @param from - Where packages are resolved from (this module by default; tests point it at a prepared folder).
 * @throws `StoreUnavailableError` naming the fix when no driver can be loaded; errors opening the file itself are
 *   rethrown as they are, for the store to wrap.
 * @internal
 */
export function openSqlite(path: string, driver: 'auto' | SqliteDriverName = 'auto', from: string = import.meta.url): OpenedSqlite {
  const builtin = driver === 'better-sqlite3' ? undefined : builtinSqlite();
  if (builtin !== undefined) return { connection: new builtin(path), driver: 'node:sqlite' };
  if (driver === 'node:sqlite') {
    throw new StoreUnavailableError(`sqlite revocation store: node:sqlite is not available in ${runtimeName()} (Node ≥ 22.5, Bun and Deno have it)`);
  }
  let open: SqliteConstructor;
  try {
    open = createRequire(from)('better-sqlite3') as SqliteConstructor;
  } catch (cause) {
    throw driverError('better-sqlite3', cause, from);
  }
  try {
    // better-sqlite3 loads its native addon when the first database opens, so an unbuilt install fails here.
    return { connection: new open(path), driver: 'better-sqlite3' };
  } catch (cause) {
    if (nativeFailure(cause) !== undefined) throw driverError('better-sqlite3', cause, from);
    throw cause;
  }
}

/**
 * The ioredis client class.
 *
 * @throws `StoreUnavailableError` naming the install command when ioredis is missing.
 * @internal
 */
export function loadRedis(from: string = import.meta.url): typeof Redis {
  try {
    return (createRequire(from)('ioredis') as typeof import('ioredis')).Redis;
  } catch (cause) {
    throw driverError('ioredis', cause, from);
  }
}

/** `node:sqlite`'s `DatabaseSync`, or undefined where the runtime lacks it (Node < 22.5, or 22.5–22.12 without a flag). */
function builtinSqlite(): SqliteConstructor | undefined {
  const load = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (typeof load !== 'function') return undefined;
  // Node 22 prints "SQLite is an experimental feature" when the module first loads. The user chose the SQLite store,
  // not an experiment, so that one warning is dropped; every other warning passes through.
  const emitWarning = process.emitWarning;
  process.emitWarning = function filtered(this: unknown, warning: string | Error, ...rest: unknown[]) {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (/^SQLite is an experimental feature/.test(text)) return;
    return (emitWarning as (...parameters: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    const sqlite = load.call(process, 'node:sqlite') as { DatabaseSync?: SqliteConstructor } | undefined;
    return sqlite?.DatabaseSync;
  } catch {
    return undefined;
  } finally {
    process.emitWarning = emitWarning;
  }
}

type DriverPackage = 'better-sqlite3' | 'ioredis';
type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

/** Why a native addon failed to load, from better-sqlite3's / Node's own messages. */
function nativeFailure(cause: unknown): 'unbuilt' | 'other-node' | undefined {
  const message = cause instanceof Error ? cause.message : String(cause);
  if (/Could not locate the bindings file/i.test(message)) return 'unbuilt';
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version|ERR_DLOPEN_FAILED/i.test(message)) return 'other-node';
  if ((cause as { code?: unknown } | undefined)?.code === 'ERR_DLOPEN_FAILED') return 'other-node';
  return undefined;
}

function missing(cause: unknown, name: DriverPackage): boolean {
  const { code, message } = (cause ?? {}) as { code?: unknown; message?: unknown };
  return (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && String(message).includes(`'${name}'`);
}

/** The StoreUnavailableError for a driver package that is missing or unbuilt, with the one command that fixes it. */
function driverError(name: DriverPackage, cause: unknown, from: string): StoreUnavailableError {
  const manager = packageManager(from);
  const store = name === 'ioredis' ? 'redis revocation store' : 'sqlite revocation store';
  const instead = name === 'better-sqlite3' ? ` (or run on Node ≥ 22.5, whose built-in node:sqlite needs no package)` : '';
  const failure = missing(cause, name) ? 'missing' : nativeFailure(cause) ?? 'other';
  let message: string;
  switch (failure) {
    case 'missing': {
      const why = name === 'better-sqlite3' ? `${runtimeName()} has no node:sqlite, and the better-sqlite3 package is not installed` : 'the ioredis package is not installed';
      const approve = manager === 'pnpm' && name === 'better-sqlite3' ? ', then `pnpm approve-builds` to let it build' : '';
      message = `${store}: ${why}; run \`${addCommand(manager, name)}\`${approve}${instead}`;
      break;
    }
    case 'unbuilt':
      message = manager === 'pnpm'
        ? `${store}: better-sqlite3 is installed but its native addon was never built (pnpm skips dependencies' build scripts until approved); run \`pnpm approve-builds\` and select better-sqlite3${instead}`
        : `${store}: better-sqlite3 is installed but its native addon was never built; run \`${manager} rebuild better-sqlite3\`${instead}`;
      break;
    case 'other-node':
      message = `${store}: better-sqlite3 was built for another Node.js version than ${runtimeName()}; run \`${manager} rebuild better-sqlite3\`${instead}`;
      break;
    default:
      message = `${store}: the ${name} package could not be loaded; reinstall it with \`${addCommand(manager, name)}\``;
  }
  return new StoreUnavailableError(message, { cause });
}

function addCommand(manager: PackageManager, name: DriverPackage): string {
  return manager === 'npm' ? `npm install ${name}` : `${manager} add ${name}`;
}

/**
 * The package manager that installed this copy of `@grantkit/node`: pnpm's store layout shows in the path; otherwise
 * the `npm_config_user_agent` of a script run; otherwise npm.
 */
function packageManager(from: string): PackageManager {
  let path = from;
  try {
    path = fileURLToPath(from);
  } catch {
    // Not a file URL: keep it as given.
  }
  if (path.includes(`${sep}node_modules${sep}.pnpm${sep}`)) return 'pnpm';
  const agent = process.env.npm_config_user_agent ?? '';
  for (const manager of ['pnpm', 'yarn', 'bun'] as const) if (agent.startsWith(`${manager}/`)) return manager;
  return 'npm';
}

function runtimeName(): string {
  const versions = process.versions as Record<string, string | undefined>;
  if (versions.bun !== undefined) return `Bun ${versions.bun}`;
  if (versions.deno !== undefined) return `Deno ${versions.deno}`;
  return `Node ${process.version}`;
}
