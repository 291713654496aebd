/**
 * The token writer: cbor-x configured to write tokens exactly as PubNub's server does (see `token-codec` for the
 * layout and what the signature covers). Kept apart from the reader so decode-only bundles (the browser client)
 * do not ship an encoder.
 *
 * @module
 */
import { Encoder } from 'cbor-x';
import { base64UrlEncode } from './base64url.js';
import { LimitExceededError, TokenMalformedError } from './errors.js';
import type { TokenGrant } from './grant-request.js';
import { LIMITS } from './limits.js';
import type { PermissionSlots } from './slots.js';
import { SIGNATURE_LENGTH, SLOT_KEYS, TOKEN_VERSION } from './token-codec.js';

const ascii = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));
const KEY = {
  v: ascii('v'), t: ascii('t'), ttl: ascii('ttl'), res: ascii('res'), pat: ascii('pat'), meta: ascii('meta'),
  uuid: ascii('uuid'), slots: SLOT_KEYS.map(([type, slot]) => [type, ascii(slot)] as const),
};
/** `"sig"` as a byte-string key (0x43 's' 'i' 'g') followed by the header of a 32-byte byte string (0x58 0x20). */
const SIG_SUFFIX = Uint8Array.of(0x43, 0x73, 0x69, 0x67, 0x58, SIGNATURE_LENGTH);

// Settings that give plain, portable CBOR, byte-identical in Node, workerd and browsers: no records (cbor-x only),
// shortest map headers, untagged byte strings, and no tag 259 on Map values (the SDK's decoder does not expect it).
const encoder = new Encoder({
  useRecords: false,
  variableMapSize: true,
  tagUint8Array: false,
  useTag259ForMaps: false,
} as ConstructorParameters<typeof Encoder>[0]);

function slotMap(slots: PermissionSlots): Map<Uint8Array, Record<string, number>> {
  const map = new Map<Uint8Array, Record<string, number>>();
  for (const [type, key] of KEY.slots) map.set(key, slots[type]);
  return map;
}

/**
 * Encodes the unsigned part of a token (the CBOR map without `sig`): the bytes the HMAC covers.
 *
 * Exported from `@grantkit/core`.
 *
 * @param grant - A validated grant.
 * @param timestamp - Issue time, Unix seconds.
 * @returns The CBOR bytes to sign.
 * @example
 * ```ts
 * const message = encodeUnsignedToken(grant, Math.floor(Date.now() / 1000));
 * const token = assembleToken(message, hmacSha256(secret, message));
 * ```
 */
export function encodeUnsignedToken(grant: TokenGrant, timestamp: number): Uint8Array {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new TokenMalformedError('timestamp must be a non-negative integer', { field: 'timestamp' });
  }
  const map = new Map<Uint8Array, unknown>([
    [KEY.v, TOKEN_VERSION],
    [KEY.t, timestamp],
    [KEY.ttl, grant.ttl],
    [KEY.res, slotMap(grant.resources)],
    [KEY.pat, slotMap(grant.patterns)],
    [KEY.meta, grant.meta],
  ]);
  if (grant.authorizedUuid !== undefined) map.set(KEY.uuid, grant.authorizedUuid);
  const bytes = encoder.encode(map) as Uint8Array;
  // The map header must be one byte (< 24 entries) for the signed-bytes rule; we write at most 7 entries.
  if ((bytes[0]! & 0xe0) !== 0xa0 || (bytes[0]! & 0x1f) >= 23) {
    throw new TokenMalformedError('unexpected CBOR map header', { field: 'token' });
  }
  return bytes;
}

/**
 * Appends the signature to the unsigned bytes and returns the token text (padded base64url).
 *
 * Exported from `@grantkit/core`.
 *
 * @param unsigned - Output of {@link encodeUnsignedToken}.
 * @param signature - 32-byte HMAC-SHA256 of `unsigned`.
 * @returns The token.
 * @throws {@link LimitExceededError} `ERR_LIMIT_EXCEEDED` when the token would exceed `LIMITS.maxTokenLength`.
 * @example
 * ```ts
 * const token = assembleToken(unsigned, signature);
 * ```
 */
export function assembleToken(unsigned: Uint8Array, signature: Uint8Array): string {
  if (signature.length !== SIGNATURE_LENGTH) {
    throw new TokenMalformedError(`signature must be ${SIGNATURE_LENGTH} bytes`, { field: 'signature' });
  }
  const bytes = new Uint8Array(unsigned.length + SIG_SUFFIX.length + SIGNATURE_LENGTH);
  bytes.set(unsigned);
  bytes[0] = unsigned[0]! + 1; // one more entry: sig
  bytes.set(SIG_SUFFIX, unsigned.length);
  bytes.set(signature, unsigned.length + SIG_SUFFIX.length);
  const token = base64UrlEncode(bytes);
  if (token.length > LIMITS.maxTokenLength) {
    throw new LimitExceededError(`token would be longer than ${LIMITS.maxTokenLength} characters`, { field: 'token' });
  }
  return token;
}

