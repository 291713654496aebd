/**
 * Keysets from bindings: the single-keyset variables, the `GRANTKIT_KEYSETS` JSON binding, or both. Secrets come from
 * the environment only, never from code; every error names the binding at fault and never quotes its value.
 *
 * @module
 */
import { KeyInvalidError, type Keyset } from '@grantkit/core';
import { importHmacKey } from './crypto.js';
import type { GrantkitEnv, KeysetBinding } from './env.js';

/**
 * Reads and validates the keyset bindings, without importing any key.
 *
 * Exported from `@grantkit/edge`.
 *
 * @param env - The Worker's `env`, or any object with the same variables (`Deno.env.toObject()`, `process.env`).
 * @returns The configured keysets, the single-keyset variables first.
 * @throws `KeyInvalidError` `ERR_KEY_INVALID` (field: the binding name) when nothing is configured, a variable
 *   is missing or empty, `GRANTKIT_KEYSETS` is not valid JSON of the right shape, or a subscribe key repeats.
 * @example
 * ```ts
 * const [keyset] = readKeysetBindings({
 *   GRANTKIT_SUBSCRIBE_KEY: 'sub-c-1', GRANTKIT_PUBLISH_KEY: 'pub-c-1', GRANTKIT_SECRET_KEY: 'sec-c-1',
 * });
 * keyset.subscribeKey; // 'sub-c-1'
 * ```
 */
export function readKeysetBindings(env: GrantkitEnv): KeysetBinding[] {
  const keysets: KeysetBinding[] = [];
  const single = readSingleKeyset(env);
  if (single !== undefined) keysets.push(single);
  if (env.GRANTKIT_KEYSETS !== undefined && env.GRANTKIT_KEYSETS !== '') {
    keysets.push(...readKeysetsBinding(env.GRANTKIT_KEYSETS));
  }
  if (keysets.length === 0) {
    throw new KeyInvalidError(
      'no keyset configured: set GRANTKIT_SUBSCRIBE_KEY, GRANTKIT_PUBLISH_KEY and GRANTKIT_SECRET_KEY, or GRANTKIT_KEYSETS',
      { field: 'GRANTKIT_SECRET_KEY' },
    );
  }
  const seen = new Set<string>();
  for (const keyset of keysets) {
    if (seen.has(keyset.subscribeKey)) {
      throw new KeyInvalidError('a subscribe key is configured twice', { field: 'GRANTKIT_KEYSETS' });
    }
    seen.add(keyset.subscribeKey);
  }
  return keysets;
}

/**
 * Imports keyset bindings as core `Keyset`s (current secret first, then previous ones), keyed by subscribe key:
 * the shape `createGrantHandler` takes. Keys come from the per-isolate cache after the first call.
 *
 * Exported from `@grantkit/edge`.
 *
 * @param bindings - Keysets, e.g. from {@link readKeysetBindings}.
 * @returns Subscribe key → keyset.
 * @throws `KeyInvalidError` `ERR_KEY_INVALID` when a secret is empty.
 * @example
 * ```ts
 * const keysets = await importKeysets(readKeysetBindings(env));
 * const handler = createGrantHandler({ keysets });
 * ```
 */
export async function importKeysets(bindings: readonly KeysetBinding[]): Promise<Map<string, Keyset>> {
  const entries = await Promise.all(bindings.map(async (binding): Promise<[string, Keyset]> => {
    const secrets = [binding.secretKey, ...(binding.previousSecretKeys ?? [])];
    const keys = await Promise.all(secrets.map((secret) => importHmacKey(secret)));
    return [binding.subscribeKey, Object.freeze({ subscribeKey: binding.subscribeKey, publishKey: binding.publishKey, keys })];
  }));
  return new Map(entries);
}

// One parsed, imported keyset map per env object: a Worker isolate sees the same env on every request.
const keysetsByEnv = new WeakMap<object, Promise<Map<string, Keyset>>>();

/**
 * The keysets configured in `env`, imported and cached per `env` object for the life of the isolate.
 *
 * Exported from `@grantkit/edge`.
 *
 * @param env - The Worker's `env`.
 * @returns Subscribe key → keyset.
 * @throws `KeyInvalidError` `ERR_KEY_INVALID`, as {@link readKeysetBindings}.
 * @example
 * ```ts
 * const keysets = await keysetsFromEnv(env);
 * const handler = createGrantHandler({ keysets, revocations });
 * ```
 */
export function keysetsFromEnv(env: GrantkitEnv): Promise<Map<string, Keyset>> {
  let keysets = keysetsByEnv.get(env);
  if (keysets === undefined) {
    try {
      keysets = importKeysets(readKeysetBindings(env));
    } catch (error) {
      return Promise.reject(error);
    }
    keysetsByEnv.set(env, keysets);
    keysets.catch(() => keysetsByEnv.delete(env));
  }
  return keysets;
}

function readSingleKeyset(env: GrantkitEnv): KeysetBinding | undefined {
  const { GRANTKIT_SUBSCRIBE_KEY: subscribeKey, GRANTKIT_PUBLISH_KEY: publishKey, GRANTKIT_SECRET_KEY: secretKey } = env;
  if (subscribeKey === undefined && publishKey === undefined && secretKey === undefined) return undefined;
  const keyset: KeysetBinding = {
    subscribeKey: requireText(subscribeKey, 'GRANTKIT_SUBSCRIBE_KEY'),
    publishKey: requireText(publishKey, 'GRANTKIT_PUBLISH_KEY'),
    secretKey: requireText(secretKey, 'GRANTKIT_SECRET_KEY'),
  };
  const previous = env.GRANTKIT_PREVIOUS_SECRET_KEYS;
  if (previous !== undefined) {
    if (typeof previous !== 'string') {
      throw new KeyInvalidError('GRANTKIT_PREVIOUS_SECRET_KEYS must be comma-separated text', { field: 'GRANTKIT_PREVIOUS_SECRET_KEYS' });
    }
    const secrets = previous.split(',').map((secret) => secret.trim()).filter((secret) => secret !== '');
    if (secrets.length > 0) keyset.previousSecretKeys = secrets;
  }
  return keyset;
}

function readKeysetsBinding(value: unknown): KeysetBinding[] {
  const field = 'GRANTKIT_KEYSETS';
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      // No `cause`: JSON.parse messages quote the input, and the input holds secrets.
      throw new KeyInvalidError('GRANTKIT_KEYSETS is not valid JSON', { field });
    }
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  return list.map((entry: unknown, index): KeysetBinding => {
    const at = `${field}[${index}]`;
    if (typeof entry !== 'object' || entry === null) {
      throw new KeyInvalidError(`${at} must be an object with subscribeKey, publishKey and secretKey`, { field: at });
    }
    const record = entry as Record<string, unknown>;
    const keyset: KeysetBinding = {
      subscribeKey: requireText(record.subscribeKey, `${at}.subscribeKey`),
      publishKey: requireText(record.publishKey, `${at}.publishKey`),
      secretKey: requireText(record.secretKey, `${at}.secretKey`),
    };
    const previous = record.previousSecretKeys;
    if (previous !== undefined) {
      if (!Array.isArray(previous)) {
        throw new KeyInvalidError(`${at}.previousSecretKeys must be an array of secrets`, { field: `${at}.previousSecretKeys` });
      }
      keyset.previousSecretKeys = previous.map((secret, position) => requireText(secret, `${at}.previousSecretKeys[${position}]`));
    }
    return keyset;
  });
}

function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new KeyInvalidError(`${field} must be a non-empty string`, { field });
  }
  return value.trim();
}
