/**
 * The token codec: CBOR exactly as PubNub's server writes tokens, and a strict, bounded reader for untrusted ones.
 *
 * ## Wire layout
 * A token is the base64url text (with `=` padding, as PubNub emits it) of one CBOR map with byte-string keys, written
 * in this order: `v` (2), `t` (issue time, Unix seconds), `ttl` (minutes), `res` and `pat` (each a map with all five
 * slots `chan`, `grp`, `usr`, `spc`, `uuid`, each a map from name to permission bitmask), `meta` (always present),
 * `uuid` (only when bound), and last `sig`: a 32-byte HMAC-SHA256 tag. Names and meta keys are text strings.
 *
 * ## What the signature covers
 * `sig = HMAC-SHA256(secret, M)` where `M` is the CBOR map *without* the `sig` entry: the shortest map header for
 * n-1 entries, followed by the **exact received bytes** of every entry before `sig`. Because `sig` must be the last
 * entry, `M` is the token's own bytes minus its last entry with the header count decremented, so verification
 * never re-encodes anything: the bytes that were signed are the bytes that are then decoded. No alternative
 * encoding (different key order, integer widths, key types) of the same content can carry a valid tag, and the
 * decoder rejects duplicate keys, tags and indefinite lengths, so one signed byte string has one meaning.
 *
 * @module
 */
import { base64UrlDecode } from './base64url.js';
import { LimitExceededError, TokenMalformedError } from './errors.js';
import { emptySlots, type PermissionSlots } from './slots.js';
import { CborReader, type CborMap, type CborValue } from './internal/cbor-reader.js';
import { setEntry } from './internal/records.js';
import { LIMITS } from './limits.js';
import type { ResourceType } from './permissions.js';

/** Token format version written by PubNub's server and by grantkit. */
export const TOKEN_VERSION = 2;
/** Bytes in a token signature (HMAC-SHA256). */
export const SIGNATURE_LENGTH = 32;

/**
 * Everything a token holds, decoded but **not verified**. Obtain with {@link decodeToken}, or verified with
 * `verifyToken`.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const payload: TokenPayload = decodeToken(token);
 * payload.resources.channels['room-1']; // bitmask
 * ```
 */
export interface TokenPayload {
  /** Format version (2). */
  readonly version: number;
  /** Issue time, Unix seconds. */
  readonly timestamp: number;
  /** Lifetime in minutes; the token expires at `timestamp + ttl * 60`. */
  readonly ttl: number;
  /** The only uuid allowed to use the token, when bound. */
  readonly authorizedUuid?: string;
  /** Exact-name grants (slots `chan`, `grp`, `uuid`, `spc`, `usr`). */
  readonly resources: PermissionSlots;
  /** RegEx grants. */
  readonly patterns: PermissionSlots;
  /** Metadata. grantkit writes scalars only; tokens from other issuers may carry anything CBOR maps to. */
  readonly meta: Readonly<Record<string, unknown>>;
  /** The HMAC-SHA256 tag. */
  readonly signature: Uint8Array;
}

/** Wire slot name of each resource type, in the order PubNub's server writes them. */
export const SLOT_KEYS: ReadonlyArray<readonly [ResourceType, string]> = [
  ['channels', 'chan'], ['groups', 'grp'], ['users', 'usr'], ['spaces', 'spc'], ['uuids', 'uuid'],
];
const TYPE_BY_SLOT = new Map(SLOT_KEYS.map(([type, slot]) => [slot, type]));


/** A decoded token plus the exact bytes its signature covers (undefined when `sig` is not the last entry). */
export interface ReadToken {
  payload: TokenPayload;
  signedBytes: Uint8Array | undefined;
}

/**
 * Decodes a token and locates the bytes its signature covers. Bounded: length checked before base64 decoding, and
 * the CBOR reader caps depth and items and checks every length against the bytes remaining.
 *
 * @internal
 */
export function readToken(token: string): ReadToken {
  if (typeof token !== 'string' || token.length === 0) {
    throw new TokenMalformedError('token must be a non-empty string', { field: 'token' });
  }
  if (token.length > LIMITS.maxTokenLength) {
    throw new LimitExceededError(`token is longer than ${LIMITS.maxTokenLength} characters`, { field: 'token' });
  }
  const bytes = base64UrlDecode(token);
  const reader = new CborReader(bytes, LIMITS.maxDepth, bytes.length);
  const count = reader.readMapHeader();
  const headerEnd = reader.position;
  const fields = new Map<string, CborValue>();
  let sigStart = -1;
  for (let index = 0; index < count; index++) {
    const keyStart = reader.position;
    const key = reader.readKey();
    if (fields.has(key)) {
      reader.position = keyStart;
      reader.fail('has a duplicate map key');
    }
    if (key === 'sig') sigStart = keyStart;
    fields.set(key, reader.readValue(2));
  }
  if (reader.remaining !== 0) reader.fail('has trailing bytes');

  const payload = toPayload(fields);
  let signedBytes: Uint8Array | undefined;
  // Signed bytes are defined only when sig is the last entry and the remaining count fits a one-byte header.
  if (sigStart >= 0 && reader.position === bytes.length && isLastEntry(reader, sigStart, bytes.length) && count - 1 < 24) {
    signedBytes = new Uint8Array(1 + sigStart - headerEnd);
    signedBytes[0] = 0xa0 + count - 1;
    signedBytes.set(bytes.subarray(headerEnd, sigStart), 1);
  }
  return { payload, signedBytes };
}

function isLastEntry(reader: CborReader, sigStart: number, end: number): boolean {
  // sig key (4 bytes as bstr or tstr) + bstr(32) header (2 bytes) + 32 bytes = 38 bytes to the end.
  return end - sigStart === 4 + 2 + SIGNATURE_LENGTH && reader.bytes[sigStart + 4] === 0x58;
}

function toPayload(fields: Map<string, CborValue>): TokenPayload {
  const version = uint(fields.get('v'), 'v');
  const timestamp = uint(fields.get('t'), 't');
  const ttl = uint(fields.get('ttl'), 'ttl');
  const signature = fields.get('sig');
  if (!(signature instanceof Uint8Array)) throw malformed('sig', 'must be a byte string');
  const uuid = fields.get('uuid');
  if (uuid !== undefined && typeof uuid !== 'string') throw malformed('uuid', 'must be a text string');
  const meta = fields.get('meta');
  if (meta !== undefined && !(meta instanceof Map)) throw malformed('meta', 'must be a map');
  return Object.freeze({
    version,
    timestamp,
    ttl,
    ...(uuid === undefined ? {} : { authorizedUuid: uuid }),
    resources: slots(fields.get('res'), 'res'),
    patterns: slots(fields.get('pat'), 'pat'),
    meta: meta === undefined ? {} : (toPlain(meta) as Record<string, unknown>),
    signature,
  });
}

function uint(value: CborValue, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw malformed(field, value === undefined ? 'is missing' : 'must be an unsigned integer');
  }
  return value;
}

function slots(value: CborValue, field: string): PermissionSlots {
  if (!(value instanceof Map)) throw malformed(field, value === undefined ? 'is missing' : 'must be a map');
  const result = emptySlots();
  for (const [slot, names] of value) {
    const type = TYPE_BY_SLOT.get(slot);
    if (type === undefined) continue; // an unknown slot from a newer issuer grants nothing here
    if (!(names instanceof Map)) throw malformed(`${field}.${slot}`, 'must be a map');
    const target = result[type];
    for (const [name, mask] of names) {
      if (typeof mask !== 'number' || !Number.isInteger(mask) || mask < 0 || mask > 0xffff_ffff) {
        throw malformed(`${field}.${slot}`, 'permission must be an unsigned integer');
      }
      setEntry(target, name, mask);
    }
  }
  return result;
}

function toPlain(value: CborValue): unknown {
  if (value instanceof Map) {
    const object: Record<string, unknown> = {};
    for (const [key, entry] of value) setEntry(object, key, toPlain(entry));
    return object;
  }
  if (Array.isArray(value)) return value.map(toPlain);
  return value;
}

function malformed(field: string, problem: string): TokenMalformedError {
  return new TokenMalformedError(`token field '${field}' ${problem}`, { field: `token.${field}` });
}

/**
 * Decodes a token **without verifying** its signature: anyone can read a token's permissions. Use `verifyToken`
 * before trusting them.
 *
 * Exported from `@grantkit/core`.
 *
 * @param token - Token text, padded or unpadded base64url.
 * @returns The decoded payload.
 * @throws {@link TokenMalformedError} `ERR_TOKEN_MALFORMED` for anything that is not a well-formed token;
 *   {@link LimitExceededError} `ERR_LIMIT_EXCEEDED` when longer than `LIMITS.maxTokenLength`.
 * @example
 * ```ts
 * decodeToken(token).authorizedUuid; // 'alice'
 * ```
 */
export function decodeToken(token: string): TokenPayload {
  return readToken(token).payload;
}
