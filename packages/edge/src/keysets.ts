/**
 * Keysets from bindings: `@grantkit/core`'s one reader (`readKeysetsFromEnv`) and one import path (`importKeyset`)
 * with the WebCrypto port, cached per isolate. Secrets come from bindings only, never from code; every error names
 * the binding at fault and never quotes its value.
 *
 * @module
 */
import { importKeyset, KeyInvalidError, readKeysetsFromEnv, type Keyset, type KeysetConfig } from '@grantkit/core';
import { webCryptoHmacSha256 } from './crypto.js';
import type { GrantkitEnv } from './env.js';

/**
 * Imports keysets with the WebCrypto port (current secret first, then previous ones, every key trimmed), keyed by
 * subscribe key: the shape `createGrantHandler` takes. Keys come from the per-isolate cache after the first call.
 *
 * Exported from `@grantkit/edge`.
 *
 * @param configs - Keysets, e.g. from `readKeysetsFromEnv` of `@grantkit/core`.
 * @returns Subscribe key → keyset.
 * @throws `KeyInvalidError` `ERR_KEY_INVALID` when a key is missing or empty.
 * @example
 * ```ts
 * import { readKeysetsFromEnv } from '@grantkit/core';
 * const keysets = await importKeysets(readKeysetsFromEnv(env));
 * const handler = createGrantHandler({ keysets });
 * ```
 */
export async function importKeysets(configs: readonly KeysetConfig[]): Promise<Map<string, Keyset>> {
  const keysets = await Promise.all(configs.map((config) => importKeyset(config, webCryptoHmacSha256)));
  return new Map(keysets.map((keyset) => [keyset.subscribeKey, keyset]));
}

// One parsed, imported keyset map per env object: a Worker isolate sees the same env on every request.
const keysetsByEnv = new WeakMap<object, Promise<Map<string, Keyset>>>();

/**
 * The keysets configured in `env`, read by `@grantkit/core`'s `readKeysetsFromEnv`, imported and cached per `env`
 * object for the life of the isolate.
 *
 * Exported from `@grantkit/edge`.
 *
 * @param env - The Worker's `env`.
 * @returns Subscribe key → keyset.
 * @throws `KeyInvalidError` `ERR_KEY_INVALID` (field: the binding name) when no keyset is configured or a binding
 *   is wrong, as `readKeysetsFromEnv` reports it.
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
      const configs = readKeysetsFromEnv(env);
      if (configs.length === 0) {
        throw new KeyInvalidError(
          'no keyset configured: set GRANTKIT_SUBSCRIBE_KEY, GRANTKIT_PUBLISH_KEY and GRANTKIT_SECRET_KEY, or GRANTKIT_KEYSETS',
          { field: 'GRANTKIT_SECRET_KEY' },
        );
      }
      keysets = importKeysets(configs);
    } catch (error) {
      return Promise.reject(error);
    }
    keysetsByEnv.set(env, keysets);
    keysets.catch(() => keysetsByEnv.delete(env));
  }
  return keysets;
}
