/**
 * New keysets: random subscribe, publish and secret keys in PubNub's key format.
 *
 * @module
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { KeysetConfig } from '@grantkit/core';

/**
 * Generates a keyset: `sub-c-<uuid>`, `pub-c-<uuid>`, and a secret `sec-c-<43 base64url chars>` (256 random bits).
 *
 * Exported from `@grantkit/node`.
 *
 * @returns A new keyset.
 * @example
 * ```ts
 * const { subscribeKey, publishKey, secretKey } = generateKeyset();
 * ```
 */
export function generateKeyset(): KeysetConfig {
  return {
    subscribeKey: `sub-c-${randomUUID()}`,
    publishKey: `pub-c-${randomUUID()}`,
    secretKey: `sec-c-${randomBytes(32).toString('base64url')}`,
  };
}
