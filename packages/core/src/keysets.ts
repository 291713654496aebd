/**
 * Keysets: one model (a {@link KeysetConfig} of text keys, imported into a {@link Keyset} of HMAC keys), one reader of
 * the `GRANTKIT_*` variables for every runtime (Workers bindings, `process.env`, `Deno.env.toObject()`), and one
 * import path. Every key is trimmed on the way in, wherever it comes from: a secret saved with a trailing newline
 * (`echo "$SECRET" | wrangler secret put`, a `.env` file) signs the same bytes on every runtime. Errors name the
 * variable or field at fault and never quote its value.
 *
 * @module
 */
import { KeyInvalidError } from './errors.js';
import { VALIDATION_MODES, type ValidationMode } from './grant/validation-mode.js';
import { isPromise, type MaybePromise } from './internal/maybe-promise.js';
import type { HmacKey, HmacSha256 } from './ports.js';

/**
 * One keyset as configured: text keys, as the environment, a config file or code hold them.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const config: KeysetConfig = {
 *   subscribeKey: 'sub-c-1', publishKey: 'pub-c-1', secretKey: 'sec-c-new', previousSecretKeys: ['sec-c-old'],
 * };
 * ```
 */
export interface KeysetConfig {
  subscribeKey: string;
  /** Part of what signature v2 signs, so the REST endpoints need it. */
  publishKey: string;
  /** The current secret: signs new tokens and verifies everything. */
  secretKey: string;
  /** Retired secrets that still verify tokens and request signatures during a rotation, newest first. */
  previousSecretKeys?: readonly string[];
  /** How grants for this keyset are validated: `pubnub` (default, as PubNub's service) or `strict`. */
  validation?: ValidationMode;
}

/**
 * One keyset with its secrets imported: what a subscribe key resolves to when serving requests.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const keyset: Keyset = { subscribeKey: 'sub-c-1', publishKey: 'pub-c-1', keys: [currentKey, previousKey] };
 * ```
 */
export interface Keyset<K extends HmacKey = HmacKey> {
  subscribeKey: string;
  publishKey: string;
  /** The current secret's key first (it signs), then previous secrets (they still verify: key rotation). */
  keys: readonly K[];
  /** How grants for this keyset are validated: `pubnub` (default, as PubNub's service) or `strict`. */
  validation?: ValidationMode;
}

/**
 * The variables {@link readKeysetsFromEnv} reads:
 * - one keyset: `GRANTKIT_SUBSCRIBE_KEY`, `GRANTKIT_PUBLISH_KEY`, `GRANTKIT_SECRET_KEY` (all three, or none) and,
 *   during a rotation, `GRANTKIT_PREVIOUS_SECRET_KEYS` (comma-separated, newest first);
 * - several keysets: `GRANTKIT_KEYSETS`, JSON text (or, as a Workers JSON var, an already-parsed value) holding one
 *   {@link KeysetConfig} or an array of them.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const env: KeysetEnv = { GRANTKIT_SUBSCRIBE_KEY: 'sub-c-1', GRANTKIT_PUBLISH_KEY: 'pub-c-1', GRANTKIT_SECRET_KEY: 'sec-c-1' };
 * ```
 */
export interface KeysetEnv {
  GRANTKIT_SUBSCRIBE_KEY?: string | undefined;
  GRANTKIT_PUBLISH_KEY?: string | undefined;
  GRANTKIT_SECRET_KEY?: string | undefined;
  /** Comma-separated previous secrets, newest first. */
  GRANTKIT_PREVIOUS_SECRET_KEYS?: string | undefined;
  /** JSON text, or an already-parsed keyset or array of keysets. */
  GRANTKIT_KEYSETS?: string | KeysetConfig | readonly KeysetConfig[] | undefined;
  /** `pubnub` (default) or `strict`: grant validation for every keyset that sets none of its own. */
  GRANTKIT_VALIDATION?: string | undefined;
}

const SINGLE = {
  subscribeKey: 'GRANTKIT_SUBSCRIBE_KEY',
  publishKey: 'GRANTKIT_PUBLISH_KEY',
  secretKey: 'GRANTKIT_SECRET_KEY',
  previousSecretKeys: 'GRANTKIT_PREVIOUS_SECRET_KEYS',
  validation: 'GRANTKIT_VALIDATION',
} as const;

/**
 * Reads the keysets configured in environment variables or Worker bindings: the single-keyset variables first, then
 * `GRANTKIT_KEYSETS`. Pure: it reads only the object it is given, and imports no key. Every key is trimmed; empty
 * entries of `GRANTKIT_PREVIOUS_SECRET_KEYS` are dropped.
 *
 * Exported from `@grantkit/core`.
 *
 * @param env - `process.env`, a Worker's `env`, or any object with these variables.
 * @returns The configured keysets; empty when none of the variables is set.
 * @throws {@link KeyInvalidError} `ERR_KEY_INVALID`, its `field` naming the variable (`GRANTKIT_PUBLISH_KEY`,
 *   `GRANTKIT_KEYSETS[1].secretKey`), when one of the single-keyset variables is missing or empty,
 *   `GRANTKIT_KEYSETS` is not JSON of the right shape, or a subscribe key is configured twice.
 * @example
 * ```ts
 * const [keyset] = readKeysetsFromEnv({ GRANTKIT_SUBSCRIBE_KEY: 'sub-c-1', GRANTKIT_PUBLISH_KEY: 'pub-c-1', GRANTKIT_SECRET_KEY: 'sec-c-1\n' });
 * keyset.secretKey; // 'sec-c-1'
 * ```
 */
export function readKeysetsFromEnv(env: KeysetEnv): KeysetConfig[] {
  const keysets: KeysetConfig[] = [];
  if (env.GRANTKIT_SUBSCRIBE_KEY !== undefined || env.GRANTKIT_PUBLISH_KEY !== undefined || env.GRANTKIT_SECRET_KEY !== undefined) {
    const previous = env.GRANTKIT_PREVIOUS_SECRET_KEYS;
    if (previous !== undefined && typeof previous !== 'string') {
      throw new KeyInvalidError(`${SINGLE.previousSecretKeys} must be comma-separated text`, { field: SINGLE.previousSecretKeys });
    }
    const list = (previous ?? '').split(',').filter((secret) => secret.trim() !== '');
    keysets.push(normalize({
      subscribeKey: env.GRANTKIT_SUBSCRIBE_KEY,
      publishKey: env.GRANTKIT_PUBLISH_KEY,
      secretKey: env.GRANTKIT_SECRET_KEY,
      ...(list.length === 0 ? {} : { previousSecretKeys: list }),
    }, (name) => SINGLE[name]));
  }
  const many = env.GRANTKIT_KEYSETS;
  if (many !== undefined && many !== '') keysets.push(...readKeysetsVariable(many));
  const fallback = env.GRANTKIT_VALIDATION === undefined || env.GRANTKIT_VALIDATION === ''
    ? undefined
    : validationMode(env.GRANTKIT_VALIDATION, 'GRANTKIT_VALIDATION');
  const seen = new Set<string>();
  for (const keyset of keysets) {
    if (keyset.validation === undefined && fallback !== undefined) keyset.validation = fallback;
    if (seen.has(keyset.subscribeKey)) throw new KeyInvalidError('a subscribe key is configured twice', { field: 'GRANTKIT_KEYSETS' });
    seen.add(keyset.subscribeKey);
  }
  return keysets;
}

function readKeysetsVariable(value: unknown): KeysetConfig[] {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      // No `cause`: JSON.parse messages quote the input, and the input holds secrets.
      throw new KeyInvalidError('GRANTKIT_KEYSETS is not valid JSON', { field: 'GRANTKIT_KEYSETS' });
    }
  }
  return (Array.isArray(parsed) ? parsed : [parsed]).map((entry: unknown, index) => normalizeKeyset(entry, `GRANTKIT_KEYSETS[${index}]`));
}

/**
 * Validates one keyset and trims its keys: the rule every source goes through (environment variables, a config
 * file, bindings, code).
 *
 * Exported from `@grantkit/core`.
 *
 * @param input - Anything: a parsed config file entry, a JSON value.
 * @param where - How errors name the keyset, e.g. `keysets[2]`; fields are `<where>.secretKey` and so on.
 * @returns The keyset, keys trimmed; `previousSecretKeys` only when there are some.
 * @throws {@link KeyInvalidError} `ERR_KEY_INVALID` naming the field when a key is missing, not text or empty, or
 *   `previousSecretKeys` is not an array of them.
 * @example
 * ```ts
 * normalizeKeyset({ subscribeKey: 'sub-c-1', publishKey: 'pub-c-1', secretKey: ' sec-c-1\n' }, 'keysets[0]').secretKey; // 'sec-c-1'
 * ```
 */
export function normalizeKeyset(input: unknown, where = 'keyset'): KeysetConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new KeyInvalidError(`${where} must be an object with subscribeKey, publishKey and secretKey`, { field: where });
  }
  return normalize(input as Record<string, unknown>, (name) => `${where}.${name}`);
}

function normalize(input: Record<string, unknown>, fieldOf: (name: keyof KeysetConfig) => string): KeysetConfig {
  const keyset: KeysetConfig = {
    subscribeKey: key(input.subscribeKey, fieldOf('subscribeKey')),
    publishKey: key(input.publishKey, fieldOf('publishKey')),
    secretKey: key(input.secretKey, fieldOf('secretKey')),
  };
  const previous = previousSecrets(input.previousSecretKeys, fieldOf('previousSecretKeys'));
  if (previous.length > 0) keyset.previousSecretKeys = previous;
  if (input.validation !== undefined) keyset.validation = validationMode(input.validation, fieldOf('validation'));
  return keyset;
}

function validationMode(value: unknown, field: string): ValidationMode {
  if (!VALIDATION_MODES.includes(value as ValidationMode)) {
    throw new KeyInvalidError(`${field} must be one of ${VALIDATION_MODES.join(', ')}`, { field });
  }
  return value as ValidationMode;
}

function previousSecrets(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new KeyInvalidError(`${field} must be an array of secrets`, { field });
  return value.map((secret, index) => key(secret, `${field}[${index}]`));
}

/** The whitespace rule: keys are trimmed, and must not be empty after that. */
function key(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new KeyInvalidError(`${field} must be a non-empty string`, { field });
  return value.trim();
}

/**
 * Imports a keyset's secrets with a runtime's crypto port, current secret first: the one way a {@link KeysetConfig}
 * becomes a {@link Keyset}, so every runtime signs with the same bytes. The keyset is normalized first (keys trimmed).
 * Synchronous with a synchronous port (Node's), a Promise with WebCrypto.
 *
 * Exported from `@grantkit/core`.
 *
 * @param config - The keyset.
 * @param crypto - The runtime's `HmacSha256` port (`nodeCrypto` from `@grantkit/node`, `webCryptoHmacSha256` from
 *   `@grantkit/edge`).
 * @returns The keyset with imported keys.
 * @throws {@link KeyInvalidError} `ERR_KEY_INVALID` as {@link normalizeKeyset}.
 * @example
 * ```ts
 * import { nodeCrypto } from '@grantkit/node';
 * const keyset = importKeyset({ subscribeKey: 'sub-c-1', publishKey: 'pub-c-1', secretKey: 'sec-c-1' }, nodeCrypto);
 * mintToken(grant, keyset.keys[0]!);
 * ```
 */
export function importKeyset<K extends HmacKey>(config: KeysetConfig, crypto: { importKey(secret: string): K }): Keyset<K>;
export function importKeyset<K extends HmacKey>(config: KeysetConfig, crypto: { importKey(secret: string): Promise<K> }): Promise<Keyset<K>>;
export function importKeyset(config: KeysetConfig, crypto: HmacSha256): MaybePromise<Keyset>;
export function importKeyset(config: KeysetConfig, crypto: HmacSha256): MaybePromise<Keyset> {
  const { subscribeKey, publishKey, validation } = normalizeKeyset(config);
  const assemble = (keys: readonly HmacKey[]): Keyset => Object.freeze({
    subscribeKey, publishKey, keys: Object.freeze([...keys]), validation: validation ?? 'pubnub',
  });
  const keys = importSecretKeys(config, crypto);
  return isPromise(keys) ? keys.then(assemble) : assemble(keys);
}

/**
 * Imports just a keyset's secrets, current first, under the same rule as {@link importKeyset}: for code that holds
 * a keyset without a publish key (an `AccessManager` in local mode needs none).
 *
 * Exported from `@grantkit/core`.
 *
 * @param secrets - The current secret and, during a rotation, the previous ones.
 * @param crypto - The runtime's `HmacSha256` port.
 * @returns The keys, current first.
 * @throws {@link KeyInvalidError} `ERR_KEY_INVALID` (field `secretKey`, `previousSecretKeys[n]`) for a missing or
 *   empty secret.
 * @example
 * ```ts
 * const [current, previous] = importSecretKeys({ secretKey: 'sec-c-new', previousSecretKeys: ['sec-c-old'] }, nodeCrypto);
 * ```
 */
export function importSecretKeys<K extends HmacKey>(secrets: Pick<KeysetConfig, 'secretKey' | 'previousSecretKeys'>, crypto: { importKey(secret: string): K }): K[];
export function importSecretKeys<K extends HmacKey>(secrets: Pick<KeysetConfig, 'secretKey' | 'previousSecretKeys'>, crypto: { importKey(secret: string): Promise<K> }): Promise<K[]>;
export function importSecretKeys(secrets: Pick<KeysetConfig, 'secretKey' | 'previousSecretKeys'>, crypto: HmacSha256): MaybePromise<HmacKey[]>;
export function importSecretKeys(secrets: Pick<KeysetConfig, 'secretKey' | 'previousSecretKeys'>, crypto: HmacSha256): MaybePromise<HmacKey[]> {
  const list = [key(secrets?.secretKey, 'secretKey'), ...previousSecrets(secrets?.previousSecretKeys, 'previousSecretKeys')];
  const keys = list.map((secret) => crypto.importKey(secret));
  return keys.some(isPromise) ? Promise.all(keys) : (keys as HmacKey[]);
}
