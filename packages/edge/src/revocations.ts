/**
 * Which revocation store a Worker uses when the code does not say: the one its bindings name.
 *
 * @module
 */
import type { RevocationStore } from '@grantkit/core';
import type { GrantkitEnv } from './env.js';
import { durableObjectRevocationStore } from './store/durable-object.js';
import { kvRevocationStore } from './store/kv.js';

/**
 * The revocation store the bindings configure: the Durable Object store when `GRANTKIT_REVOCATIONS` is bound
 * (strongly consistent), else the KV store when `GRANTKIT_REVOCATIONS_KV` is bound (about 60 s to propagate), else
 * none, in which case revoke answers 403 `Feature disabled`, as PubNub does for keysets without revocation.
 *
 * Exported from `@grantkit/edge`.
 *
 * @param env - The Worker's `env`.
 * @returns The store, or `undefined` when no revocation binding exists.
 * @example
 * ```ts
 * const revocations = revocationsFromEnv(env);
 * if (revocations === undefined) console.warn('revocation is disabled');
 * ```
 */
export function revocationsFromEnv(env: GrantkitEnv): RevocationStore | undefined {
  if (env.GRANTKIT_REVOCATIONS !== undefined) return durableObjectRevocationStore(env.GRANTKIT_REVOCATIONS);
  if (env.GRANTKIT_REVOCATIONS_KV !== undefined) return kvRevocationStore(env.GRANTKIT_REVOCATIONS_KV);
  return undefined;
}
