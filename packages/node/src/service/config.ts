/**
 * Service configuration: command-line flags over environment variables over a JSON config file over defaults.
 * Keysets come from the config file and/or the variables `@grantkit/core`'s `readKeysetsFromEnv` reads (the Workers
 * reader too): `GRANTKIT_SUBSCRIBE_KEY` / `GRANTKIT_PUBLISH_KEY` / `GRANTKIT_SECRET_KEY` (+
 * `GRANTKIT_PREVIOUS_SECRET_KEYS`, comma-separated) and `GRANTKIT_KEYSETS` (JSON). Config file keysets go through the
 * same validation (`normalizeKeyset`): every key is trimmed. With none, a demo keyset is created in the data
 * directory (random secret, file mode 0600) and labelled as such everywhere it shows.
 *
 * Grant validation (`pubnub`, the default, or `strict`) is set per keyset: a keyset's own `validation` in the config
 * file wins; otherwise the service-wide default applies, from `--validation` over `GRANTKIT_VALIDATION` over the
 * file's top-level `validation`.
 *
 * @module
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ConfigInvalidError, isGrantkitError, normalizeKeyset, readKeysetsFromEnv, VALIDATION_MODES, type KeysetConfig, type ValidationMode,
} from '@grantkit/core';
import { isLogLevel, type LogLevel } from './logger.js';
import { generateKeyset } from './keygen.js';

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
  /** The service-wide grant validation mode; each keyset carries its own, resolved, in `keysets[].validation`. */
  validation: ValidationMode;
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
  flags?: Partial<Record<'port' | 'host' | 'data-dir' | 'config' | 'store' | 'redis-url' | 'log-level' | 'validation', string>>;
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
  validation?: ValidationMode;
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
 * @throws `ConfigInvalidError` `ERR_CONFIG_INVALID` naming the setting (`port`, `store`, `config`...);
 *   `KeyInvalidError` `ERR_KEY_INVALID` naming the keyset field (`GRANTKIT_PUBLISH_KEY`, `keysets[1].secretKey`).
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
  if (!STORES.includes(store)) throw new ConfigInvalidError(`store must be one of ${STORES.join(', ')}`, { field: 'store' });
  if (store === 'redis' && redisUrl === undefined) throw new ConfigInvalidError('store redis needs --redis-url or GRANTKIT_REDIS_URL', { field: 'redis-url' });
  const logLevel = flags['log-level'] ?? env.GRANTKIT_LOG_LEVEL ?? file.logLevel ?? 'info';
  if (!isLogLevel(logLevel)) throw new ConfigInvalidError('log level must be debug, info, warn, error or silent', { field: 'log-level' });
  const validation = validationMode(flags.validation ?? env.GRANTKIT_VALIDATION ?? file.validation ?? 'pubnub', 'validation');

  const keysets = new Map<string, KeysetConfig>();
  for (const [index, entry] of (file.keysets ?? []).entries()) {
    const keyset = keysetFromFile(entry, index, env);
    if (keysets.has(keyset.subscribeKey)) {
      throw new ConfigInvalidError(`duplicate subscribeKey in keysets[${index}]`, { field: `keysets[${index}].subscribeKey` });
    }
    keysets.set(keyset.subscribeKey, keyset);
  }
  const fromFile = keysets.size > 0;
  // Variables beat the file, as for every other setting: an env keyset replaces a file keyset of the same subscribe key.
  // GRANTKIT_VALIDATION is the service-wide default here (below --validation), not the env keysets' own setting.
  const fromEnv = readKeysetsFromEnv({ ...env, GRANTKIT_VALIDATION: undefined });
  for (const keyset of fromEnv) keysets.set(keyset.subscribeKey, keyset);
  const envKeysets = fromEnv.length > 0;
  let keysetSource: ServiceConfig['keysetSource'] = fromFile && envKeysets ? 'config+env' : fromFile ? 'config' : 'env';
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
    keysets: [...keysets.values()].map((keyset) => ({ ...keyset, validation: keyset.validation ?? validation })),
    validation,
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
 * @throws `ConfigInvalidError` `ERR_CONFIG_INVALID` when the file cannot be read or written; `KeyInvalidError`
 *   `ERR_KEY_INVALID` when it holds no valid keyset.
 * @example
 * ```ts
 * const demo = loadDemoKeyset('./.grantkit-data');
 * ```
 */
export function loadDemoKeyset(dataDir: string): KeysetConfig {
  const path = join(dataDir, DEMO_KEYSET_FILE);
  try {
    if (existsSync(path)) {
      return normalizeKeyset(JSON.parse(readFileSync(path, 'utf8')), DEMO_KEYSET_FILE);
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
    if (isGrantkitError(cause)) throw cause;
    // Two processes creating it at once: the loser reads the winner's file.
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') return loadDemoKeyset(dataDir);
    throw new ConfigInvalidError(`demo keyset at ${path} could not be read or created`, { field: 'data-dir', cause });
  }
}

function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigInvalidError(`config file ${path} could not be read`, { field: 'config', cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConfigInvalidError(`config file ${path} is not valid JSON`, { field: 'config', cause });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ConfigInvalidError('config file must hold a JSON object', { field: 'config' });
  const keysets = (json as ConfigFile).keysets;
  if (keysets !== undefined && !Array.isArray(keysets)) throw new ConfigInvalidError('keysets must be an array', { field: 'keysets' });
  return json as ConfigFile;
}

function keysetFromFile(entry: ConfigFile['keysets'] extends Array<infer E> | undefined ? E : never, index: number, env: Record<string, string | undefined>): KeysetConfig {
  const where = `keysets[${index}]`;
  if (typeof entry !== 'object' || entry === null) throw new ConfigInvalidError(`${where} must be an object`, { field: where });
  const { secretKeyEnv, previousSecretKeysEnv, ...keyset } = entry;
  const secretKey = secretKeyEnv !== undefined ? env[secretKeyEnv] : keyset.secretKey;
  if (secretKeyEnv !== undefined && secretKey === undefined) {
    throw new ConfigInvalidError(`${where}.secretKeyEnv names ${secretKeyEnv}, which is not set`, { field: `${where}.secretKeyEnv` });
  }
  // The variable holds a list as GRANTKIT_PREVIOUS_SECRET_KEYS does: comma-separated, empty entries dropped.
  const previous = previousSecretKeysEnv !== undefined
    ? (env[previousSecretKeysEnv] ?? '').split(',').filter((secret) => secret.trim() !== '')
    : keyset.previousSecretKeys;
  return normalizeKeyset({ ...keyset, secretKey, ...(previous === undefined ? {} : { previousSecretKeys: previous }) }, where);
}

function integer(value: unknown, field: string, min: number, max: number): number {
  const number = typeof value === 'number' ? value : /^[0-9]+$/.test(String(value)) ? Number(value) : Number.NaN;
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new ConfigInvalidError(`${field} must be an integer from ${min} to ${max}`, { field });
  }
  return number;
}

function validationMode(value: unknown, field: string): ValidationMode {
  if (!VALIDATION_MODES.includes(value as ValidationMode)) {
    throw new ConfigInvalidError(`${field} must be one of ${VALIDATION_MODES.join(', ')}`, { field });
  }
  return value as ValidationMode;
}
