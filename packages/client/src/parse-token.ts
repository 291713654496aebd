/**
 * `parseToken`, exactly as the official `pubnub` SDK returns it.
 *
 * @module
 */
import { parseToken as parseTokenText, type ParsedToken } from '@grantkit/core';
import { refuseSecretKey } from './secret-key.js';

/**
 * Parses a token into its permissions without verifying it: the same object the official `pubnub` SDK's
 * `parseToken` returns (`version`, `timestamp`, `ttl`, `authorized_uuid`, `resources`, `patterns`, `meta`,
 * `signature`), so code written against the SDK keeps working. Uses core's bounded decoder, which throws a typed
 * error for malformed input instead of a raw `RangeError`.
 *
 * Exported from `@grantkit/client`.
 *
 * @param token - Token text, padded or unpadded base64url.
 * @returns The SDK-shaped description.
 * @throws `TokenMalformedError` `ERR_TOKEN_MALFORMED` or `LimitExceededError` `ERR_LIMIT_EXCEEDED` for bad input;
 *   `KeyInvalidError` `ERR_KEY_INVALID` for a secret key.
 * @example
 * ```ts
 * import { parseToken } from '@grantkit/client';
 * parseToken(token).resources?.channels?.['room-1']?.write; // true
 * ```
 */
export function parseToken(token: string): ParsedToken {
  refuseSecretKey(token, 'token');
  return parseTokenText(token);
}
