/**
 * Minting: validate, encode, sign. With a synchronous key (Node) the whole call is synchronous.
 *
 * @module
 */
import { normalizeInput, type GrantInput } from '../grant/grant-input.js';
import { isValidatedGrant, type TokenGrant, type ValidationOptions } from '../grant/validate-grant.js';
import type { HmacKey, KeyResult } from '../ports.js';
import { mintInPlace } from './writer.js';

/**
 * Options for {@link mintToken}.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const options: MintTokenOptions = { timestamp: 1_700_000_000 };
 * ```
 */
export interface MintTokenOptions extends ValidationOptions {
  /** Issue time, Unix seconds (default: now). Fixing it makes minting byte-for-byte reproducible. */
  timestamp?: number;
}

/**
 * Mints a signed token from either grant style (or a grant already validated by {@link normalizeGrant} /
 * `grantFromRequestBody`, which is not validated again). `options.validation` picks the mode for raw input
 * (default `pubnub`).
 *
 * Exported from `@grantkit/core`.
 *
 * @param grant - What to grant.
 * @param key - The keyset's signing key (the current secret).
 * @param options - Issue time, validation mode.
 * @returns The token (padded base64url); a Promise when the key is asynchronous.
 * @throws {@link GrantInvalidError} `ERR_GRANT_INVALID`, {@link PatternInvalidError} `ERR_PATTERN_INVALID`,
 *   {@link LimitExceededError} `ERR_LIMIT_EXCEEDED`.
 * @example
 * ```ts
 * const token = mintToken({ ttl: 15, authorizedUuid: 'alice', channels: [Channel.id('room-1').read().write()] }, key);
 * ```
 */
export function mintToken<K extends HmacKey>(
  grant: GrantInput | TokenGrant,
  key: K,
  options: MintTokenOptions = {},
): KeyResult<K, string> {
  // Raw input is checked exactly as normalizeGrant checks it, without the freezing: that grant never leaves here.
  const valid = isValidatedGrant(grant) ? grant : normalizeInput(grant as GrantInput, options, false);
  // Encoded, signed and completed in one buffer; a synchronous key never waits and nothing is copied.
  return mintInPlace(valid, options.timestamp ?? Math.floor(Date.now() / 1000), key) as KeyResult<K, string>;
}
