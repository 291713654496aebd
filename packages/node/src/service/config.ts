/**
 * Service configuration: command-line flags over environment variables over a JSON config file over defaults, all
 * three checked against one JSON Schema (`config.schema.json`, published in the package).
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
import { ConfigInvalidError, isGrantkitError, normalizeKeyset, readKeysetsFromEnv, type KeysetConfig, type ValidationMode } from '@grantkit/core';
import type { LogLevel } from './logger.js';
import { generateKeyset } from './keygen.js';
import { checkConfigFile, defaultOf, settingsFromEnv, settingsFromFlags } from './config-schema.js';

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
  /** `pretty` (human-readable, colourised), `json` (JSON lines), or `auto` (pretty on a terminal). */
  logFormat: 'auto' | 'pretty' | 'json';
  /** How long `/ready` waits for each store, ms. */
  readyTimeoutMs: number;
  /** A separate listener for `/metrics`, when configured; otherwise `/metrics` is on the main port. */
  metrics: { port: number; host: string } | undefined;
  /** Bearer token `/metrics` requires, when set. */
  metricsToken: string | undefined;
  /** Whether the demo keyset may be served on a non-loopback host. */
  allowDemoKeysetOnNetwork: boolean;
  /** What was ignored (a `GRANTKIT_` variable that is not grantkit's and is not a near miss of one). */
  warnings: string[];
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
  /** Parsed flags by flag name (`port`, `data-dir`, `log-level`, `allow-demo-keyset-on-network`, ...; `config`). */
  flags?: Record<string, string | boolean | undefined>;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /**
   * With no keyset configured: `create` makes the demo keyset in the data directory (what `grantkit serve` does);
   * `existing` only reads one that is there, so read-only commands never write. Default `create`.
   */
  demoKeyset?: 'create' | 'existing';
}

/** The JSON config file's shape (validated against the schema before use). */
interface ConfigFile {
  keysets?: Array<Partial<KeysetConfig> & { secretKeyEnv?: string; previousSecretKeysEnv?: string }>;
  [setting: string]: unknown;
}

/**
 * The demo keyset's file name inside the data directory.
 *
 * @internal
 *
 * @example
 * ```ts
 * const path = join(dataDir, DEMO_KEYSET_FILE); // …/demo-keyset.json
 * ```
 */
export const DEMO_KEYSET_FILE = 'demo-keyset.json';

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
  if (configPath !== undefined && typeof configPath !== 'string') throw new ConfigInvalidError('--config needs a file path', { field: 'config' });
  const file = configPath === undefined ? {} : readConfigFile(resolve(cwd, configPath));
  const { keysets: fileKeysets, ...fileSettings } = file;
  // Later sources win: flags beat variables beat the file beat the schema's defaults.
  const fromEnv = settingsFromEnv(env);
  const settings: Record<string, unknown> = { ...fileSettings, ...fromEnv.values, ...settingsFromFlags(flags) };
  const get = <T>(key: string): T => (settings[key] ?? defaultOf(key)) as T;
  const host = get<string>('host');
  const dataDir = resolve(cwd, get<string>('dataDir'));
  const redisUrl = settings.redisUrl as string | undefined;
  const store = (settings.store ?? (redisUrl === undefined ? 'sqlite' : 'redis')) as StoreKind;
  if (store === 'redis' && redisUrl === undefined) throw new ConfigInvalidError('store redis needs --redis-url or GRANTKIT_REDIS_URL', { field: 'redisUrl' });
  const validation = get<ValidationMode>('validation');
  const keysets = new Map<string, KeysetConfig>();
  for (const [index, entry] of (fileKeysets ?? []).entries()) {
    const keyset = keysetFromFile(entry, index, env);
    if (keysets.has(keyset.subscribeKey)) {
      throw new ConfigInvalidError(`duplicate subscribeKey in keysets[${index}]`, { field: `keysets[${index}].subscribeKey` });
    }
    keysets.set(keyset.subscribeKey, keyset);
  }
  const fromFile = keysets.size > 0;
  // Variables beat the file, as for every other setting: an env keyset replaces a file keyset of the same subscribe key.
  // GRANTKIT_VALIDATION is the service-wide default here (below --validation), not the env keysets' own setting.
  const envKeysets = readKeysetsFromEnv({ ...env, GRANTKIT_VALIDATION: undefined });
  for (const keyset of envKeysets) keysets.set(keyset.subscribeKey, keyset);
  let keysetSource: ServiceConfig['keysetSource'] = fromFile && envKeysets.length > 0 ? 'config+env' : fromFile ? 'config' : 'env';
  const allowDemoKeysetOnNetwork = get<boolean>('allowDemoKeysetOnNetwork');
  if (keysets.size === 0) {
    const demo = (sources.demoKeyset ?? 'create') === 'create'
      ? createDemoKeyset(dataDir, host, allowDemoKeysetOnNetwork)
      : existingDemoKeyset(dataDir);
    keysets.set(demo.subscribeKey, demo);
    keysetSource = 'demo';
  }
  const metricsPort = settings.metricsPort as number | undefined;
  return {
    port: get<number>('port'),
    host,
    dataDir,
    store,
    redisUrl,
    logLevel: get<LogLevel>('logLevel'),
    logFormat: get<ServiceConfig['logFormat']>('logFormat'),
    keysets: [...keysets.values()].map((keyset) => ({ ...keyset, validation: keyset.validation ?? validation })),
    validation,
    keysetSource,
    requestWindow: get<number>('requestWindow'),
    maxBodyBytes: get<number>('maxBodyBytes'),
    shutdownTimeoutMs: get<number>('shutdownTimeoutMs'),
    readyTimeoutMs: get<number>('readyTimeoutMs'),
    metrics: metricsPort === undefined ? undefined : { port: metricsPort, host: get<string>('metricsHost') },
    metricsToken: settings.metricsToken as string | undefined,
    allowDemoKeysetOnNetwork,
    warnings: fromEnv.warnings,
  };
}

/**
 * Whether an address only this machine can reach: `localhost`, `127.0.0.0/8`, `::1`.
 *
 * @internal
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$/.test(bare) || /^::ffff:127\./.test(bare);
}

function createDemoKeyset(dataDir: string, host: string, allowOnNetwork: boolean): KeysetConfig {
  // Checked before anything is written: a refused start leaves no demo secret behind.
  if (!isLoopbackHost(host) && !allowOnNetwork) {
    throw new ConfigInvalidError(
      `refusing to serve the DEMO keyset on ${host}: its secret is printed at start-up and lets anyone who reads it grant anything. ` +
      'Configure your own keyset (grantkit keygen, then GRANTKIT_* variables or --config), listen on 127.0.0.1, ' +
      'or pass --allow-demo-keyset-on-network (GRANTKIT_ALLOW_DEMO_KEYSET_ON_NETWORK=true) if you really mean it',
      { field: 'host' },
    );
  }
  return loadDemoKeyset(dataDir);
}

function existingDemoKeyset(dataDir: string): KeysetConfig {
  const path = join(dataDir, DEMO_KEYSET_FILE);
  if (!existsSync(path)) {
    throw new ConfigInvalidError(
      `no keyset is configured and there is no demo keyset at ${path}: set GRANTKIT_SECRET_KEY (or --secret-key), ` +
      'give --config, or point --data-dir at the data directory of a running grantkit serve',
      { field: 'keysets' },
    );
  }
  return loadDemoKeyset(dataDir);
}


/**
 * Loads the demo keyset from `dataDir`, creating it (random secret, mode 0600) on first use. The subscribe and publish
 * keys are fixed (`sub-c-demo`, `pub-c-demo`) so examples can be copied; the secret never is.
 *
 * @internal
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
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigInvalidError(`config file ${path} must hold a JSON object`, { field: 'config' });
  }
  checkConfigFile(json, path);
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
