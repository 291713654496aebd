/**
 * New keysets: random subscribe, publish and secret keys in PubNub's key format.
 *
 * @module
 */
import { randomBytes, randomUUID } from 'node:crypto';

/**
 * One keyset: what a subscribe key resolves to, with its secrets in text form.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const keyset: KeysetConfig = {
 *   subscribeKey: 'sub-c-…', publishKey: 'pub-c-…', secretKey: process.env.SECRET!, previousSecretKeys: [process.env.OLD_SECRET!],
 * };
 * ```
 */
export interface KeysetConfig {
  subscribeKey: string;
  publishKey: string;
  /** Signs new tokens and verifies requests. */
  secretKey: string;
  /** Older secrets, still accepted when verifying tokens and request signatures (rotation). */
  previousSecretKeys?: readonly string[];
}

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
