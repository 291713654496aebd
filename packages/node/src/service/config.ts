/**
 * Service configuration: command-line flags over environment variables over a JSON config file over defaults.
 * Keysets come from the config file and/or `GRANTKIT_SUBSCRIBE_KEY` / `GRANTKIT_PUBLISH_KEY` /
 * `GRANTKIT_SECRET_KEY` (+ `GRANTKIT_PREVIOUS_SECRET_KEYS`, comma-separated); with none, a demo keyset is created in
 * the data directory (random secret, file mode 0600) and labelled as such everywhere it shows.
 *
 * @module
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isLogLevel, type LogLevel } from './logger.js';
import { generateKeyset, type KeysetConfig } from './keygen.js';

/**
 * Where revocations live: `sqlite` (default, in the data directory), `redis` (shared by several nodes), `memory`
 * (lost on restart), or `none` (revocation disabled: revoke answers 403 `Feature disabled`, as PubNub).
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const store: StoreKind = 'redis';
 * ```
 */
export type StoreKind = 'sqlite' | 'redis' | 'memory' | 'none';

/**
 * The resolved configuration of `grantkit serve`.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const config: ServiceConfig = resolveServiceConfig({ flags: { port: '8080' }, env: process.env });
 * ```
 */
export interface ServiceConfig {
  port: number;
  host: string;
  /** Absolute path of the data directory. */
  dataDir: string;
  store: StoreKind;
  redisUrl: string | undefined;
  logLevel: LogLevel;
  keysets: KeysetConfig[];
  /** Where the keysets came from; `demo` means the generated demo keyset (not for production). */
  keysetSource: 'config' | 'env' | 'config+env' | 'demo';
  /** Allowed request timestamp distance, seconds. */
  requestWindow: number;
  /** Largest accepted request body, bytes. */
  maxBodyBytes: number;
  /** How long shutdown waits for in-flight requests, ms. */
  shutdownTimeoutMs: number;
}

/**
 * A configuration problem (bad flag value, unreadable config file, invalid keyset). The CLI prints it as a usage error.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * if (error instanceof ConfigError) process.exitCode = 2;
 * ```
 */
export class ConfigError extends Error {
  /** Stable code. */
  readonly code = 'ERR_CONFIG_INVALID' as const;
  /** The setting that failed. */
  readonly field: string;
  constructor(message: string, field: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
    this.field = field;
  }
}

/**
 * Inputs of {@link resolveServiceConfig}: raw flag strings (as parsed from the command line), the environment and the
 * working directory.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const sources: ConfigSources = { flags: { 'data-dir': './data' }, env: process.env };
 * ```
 */
export interface ConfigSources {
  flags?: Partial<Record<'port' | 'host' | 'data-dir' | 'config' | 'store' | 'redis-url' | 'log-level', string>>;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** The JSON config file's shape. */
interface ConfigFile {
  port?: number;
  host?: string;
  dataDir?: string;
  store?: StoreKind;
  redisUrl?: string;
  logLevel?: LogLevel;
  requestWindow?: number;
  maxBodyBytes?: number;
  shutdownTimeoutMs?: number;
  keysets?: Array<Partial<KeysetConfig> & { secretKeyEnv?: string; previousSecretKeysEnv?: string }>;
}

/**
 * The demo keyset's file name inside the data directory.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const path = join(dataDir, DEMO_KEYSET_FILE); // …/demo-keyset.json
 * ```
 */
export const DEMO_KEYSET_FILE = 'demo-keyset.json';
const STORES: readonly StoreKind[] = ['sqlite', 'redis', 'memory', 'none'];

/**
 * Resolves the service configuration. Creates the demo keyset in the data directory when no keyset is configured.
 *
 * Exported from `@grantkit/node`.
 *
 * @param sources - Flags, environment, working directory.
 * @returns The configuration.
 * @throws {@link ConfigError} `ERR_CONFIG_INVALID` naming the setting.
 * @example
 * ```ts
 * const config = resolveServiceConfig({ flags: { port: '0', 'data-dir': '/tmp/grantkit' }, env: process.env });
 * ```
 */
export function resolveServiceConfig(sources: ConfigSources = {}): ServiceConfig {
  const flags = sources.flags ?? {};
  const env = sources.env ?? {};
  const cwd = sources.cwd ?? process.cwd();
  const configPath = flags.config ?? env.GRANTKIT_CONFIG;
  const file = configPath === undefined ? {} : readConfigFile(resolve(cwd, configPath));

  const port = integer(flags.port ?? env.GRANTKIT_PORT ?? file.port ?? 8080, 'port', 0, 65_535);
  const host = String(flags.host ?? env.GRANTKIT_HOST ?? file.host ?? '127.0.0.1');
  const dataDir = resolve(cwd, String(flags['data-dir'] ?? env.GRANTKIT_DATA_DIR ?? file.dataDir ?? '.grantkit-data'));
  const redisUrl = flags['redis-url'] ?? env.GRANTKIT_REDIS_URL ?? file.redisUrl;
  const store = (flags.store ?? env.GRANTKIT_STORE ?? file.store ?? (redisUrl === undefined ? 'sqlite' : 'redis')) as StoreKind;
  if (!STORES.includes(store)) throw new ConfigError(`store must be one of ${STORES.join(', ')}`, 'store');
  if (store === 'redis' && redisUrl === undefined) throw new ConfigError('store redis needs --redis-url or GRANTKIT_REDIS_URL', 'redis-url');
  const logLevel = flags['log-level'] ?? env.GRANTKIT_LOG_LEVEL ?? file.logLevel ?? 'info';
  if (!isLogLevel(logLevel)) throw new ConfigError('log level must be debug, info, warn, error or silent', 'log-level');

  const keysets = new Map<string, KeysetConfig>();
  for (const [index, entry] of (file.keysets ?? []).entries()) {
    const keyset = keysetFromFile(entry, index, env);
    if (keysets.has(keyset.subscribeKey)) throw new ConfigError(`duplicate subscribeKey in keysets[${index}]`, `keysets[${index}].subscribeKey`);
    keysets.set(keyset.subscribeKey, keyset);
  }
  const fromFile = keysets.size > 0;
  const fromEnv = keysetFromEnv(env);
  if (fromEnv !== undefined) keysets.set(fromEnv.subscribeKey, fromEnv);
  let keysetSource: ServiceConfig['keysetSource'] = fromFile && fromEnv ? 'config+env' : fromFile ? 'config' : 'env';
  if (keysets.size === 0) {
    const demo = loadDemoKeyset(dataDir);
    keysets.set(demo.subscribeKey, demo);
    keysetSource = 'demo';
  }
  return {
    port,
    host,
    dataDir,
    store,
    redisUrl,
    logLevel,
    keysets: [...keysets.values()],
    keysetSource,
    requestWindow: integer(env.GRANTKIT_REQUEST_WINDOW ?? file.requestWindow ?? 60, 'requestWindow', 1, 3_600),
    maxBodyBytes: integer(env.GRANTKIT_MAX_BODY_BYTES ?? file.maxBodyBytes ?? 32_768, 'maxBodyBytes', 1_024, 1_048_576),
    shutdownTimeoutMs: integer(env.GRANTKIT_SHUTDOWN_TIMEOUT_MS ?? file.shutdownTimeoutMs ?? 10_000, 'shutdownTimeoutMs', 0, 600_000),
  };
}

/**
 * Loads the demo keyset from `dataDir`, creating it (random secret, mode 0600) on first use. The subscribe and publish
 * keys are fixed (`sub-c-demo`, `pub-c-demo`) so examples can be copied; the secret never is.
 *
 * Exported from `@grantkit/node`.
 *
 * @param dataDir - The data directory.
 * @returns The demo keyset.
 * @throws {@link ConfigError} when the file cannot be read or written.
 * @example
 * ```ts
 * const demo = loadDemoKeyset('./.grantkit-data');
 * ```
 */
export function loadDemoKeyset(dataDir: string): KeysetConfig {
  const path = join(dataDir, DEMO_KEYSET_FILE);
  try {
    if (existsSync(path)) {
      const stored = JSON.parse(readFileSync(path, 'utf8')) as Partial<KeysetConfig>;
      return checkKeyset(stored, DEMO_KEYSET_FILE);
    }
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const keyset: KeysetConfig = {
      subscribeKey: 'sub-c-demo',
      publishKey: 'pub-c-demo',
      secretKey: generateKeyset().secretKey.replace('sec-c-', 'sec-c-demo-'),
    };
    writeFileSync(path, `${JSON.stringify({ ...keyset, note: 'DEMO keyset generated by grantkit; not for production' }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
    return keyset;
  } catch (cause) {
    if (cause instanceof ConfigError) throw cause;
    // Two processes creating it at once: the loser reads the winner's file.
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') return loadDemoKeyset(dataDir);
    throw new ConfigError(`demo keyset at ${path} could not be read or created`, 'data-dir', { cause });
  }
}

function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`config file ${path} could not be read`, 'config', { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`config file ${path} is not valid JSON`, 'config', { cause });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ConfigError('config file must hold a JSON object', 'config');
  const keysets = (json as ConfigFile).keysets;
  if (keysets !== undefined && !Array.isArray(keysets)) throw new ConfigError('keysets must be an array', 'keysets');
  return json as ConfigFile;
}

function keysetFromFile(entry: ConfigFile['keysets'] extends Array<infer E> | undefined ? E : never, index: number, env: Record<string, string | undefined>): KeysetConfig {
  const where = `keysets[${index}]`;
  if (typeof entry !== 'object' || entry === null) throw new ConfigError(`${where} must be an object`, where);
  const secretKey = entry.secretKeyEnv !== undefined ? env[entry.secretKeyEnv] : entry.secretKey;
  if (entry.secretKeyEnv !== undefined && secretKey === undefined) {
    throw new ConfigError(`${where}.secretKeyEnv names ${entry.secretKeyEnv}, which is not set`, `${where}.secretKeyEnv`);
  }
  const previous = entry.previousSecretKeysEnv !== undefined
    ? splitList(env[entry.previousSecretKeysEnv])
    : entry.previousSecretKeys;
  return checkKeyset({ ...entry, secretKey, ...(previous === undefined ? {} : { previousSecretKeys: previous }) }, where);
}

function keysetFromEnv(env: Record<string, string | undefined>): KeysetConfig | undefined {
  const { GRANTKIT_SUBSCRIBE_KEY: subscribeKey, GRANTKIT_PUBLISH_KEY: publishKey, GRANTKIT_SECRET_KEY: secretKey } = env;
  if (subscribeKey === undefined && publishKey === undefined && secretKey === undefined) return undefined;
  const previous = splitList(env.GRANTKIT_PREVIOUS_SECRET_KEYS);
  return checkKeyset({ subscribeKey, publishKey, secretKey, ...(previous.length === 0 ? {} : { previousSecretKeys: previous }) }, 'GRANTKIT_*');
}

function checkKeyset(keyset: Partial<KeysetConfig>, where: string): KeysetConfig {
  for (const name of ['subscribeKey', 'publishKey', 'secretKey'] as const) {
    const value = keyset[name];
    if (typeof value !== 'string' || value.trim() === '') {
      const variable = { subscribeKey: 'GRANTKIT_SUBSCRIBE_KEY', publishKey: 'GRANTKIT_PUBLISH_KEY', secretKey: 'GRANTKIT_SECRET_KEY' }[name];
      throw new ConfigError(
        where === 'GRANTKIT_*' ? `${variable} must be set (the single-keyset variables go together)` : `${where}.${name} must be a non-empty string`,
        where === 'GRANTKIT_*' ? variable : `${where}.${name}`,
      );
    }
  }
  const previous = keyset.previousSecretKeys ?? [];
  if (!Array.isArray(previous) || previous.some((secret) => typeof secret !== 'string' || secret === '')) {
    throw new ConfigError(`${where}.previousSecretKeys must be non-empty strings`, `${where}.previousSecretKeys`);
  }
  return {
    subscribeKey: keyset.subscribeKey!,
    publishKey: keyset.publishKey!,
    secretKey: keyset.secretKey!,
    ...(previous.length === 0 ? {} : { previousSecretKeys: [...previous] }),
  };
}

function splitList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');
}

function integer(value: unknown, field: string, min: number, max: number): number {
  const number = typeof value === 'number' ? value : /^[0-9]+$/.test(String(value)) ? Number(value) : Number.NaN;
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new ConfigError(`${field} must be an integer from ${min} to ${max}`, field);
  }
  return number;
}
