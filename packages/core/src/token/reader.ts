/**
 * The token codec: CBOR exactly as PubNub's server writes tokens, and a strict, bounded reader for untrusted ones.
 *
 * ## Wire layout
 * A token is the base64url text (with `=` padding, as PubNub emits it) of one CBOR map with byte-string keys, written
 * in this order: `v` (2), `t` (issue time, Unix seconds), `ttl` (minutes), `res` and `pat` (each a map with all five
 * slots `chan`, `grp`, `spc`, `usr`, `uuid`, PubNub's current order, each a map from name to permission bitmask),
 * `meta` (always present; any JSON value below it), `uuid` (only when bound), and last `sig`: a 32-byte HMAC-SHA256
 * tag. Names and meta keys are text strings. The reader relies on no order but `sig` last.
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
import { base64UrlDecodeShared, base64UrlEncode } from './base64url.js';
import { LimitExceededError, TokenMalformedError } from '../errors.js';
import type { PermissionSlots } from '../slots.js';
import { CborReader, keyCode } from './cbor-reader.js';
import { MAX_DEPTH, MAX_TOKEN_LENGTH } from '../limits.js';
import type { ResourceType } from '../permissions.js';
import { assertTokenArgument } from '../internal/token-argument.js';

/**
 * Token format version written by PubNub's server and by grantkit.
 *
 * @internal
 *
 * @example
 * ```ts
 * decodeToken(token).version === TOKEN_VERSION;
 * ```
 */
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
  /**
   * Exact-name grants (slots `chan`, `grp`, `spc`, `usr`, `uuid`). Decoded records inherit nothing: their prototype
   * is one frozen, empty object without a prototype, so every name is an ordinary own key.
   */
  readonly resources: PermissionSlots;
  /** RegEx grants. */
  readonly patterns: PermissionSlots;
  /** Metadata: any JSON value below it (nested maps become plain objects), as PubNub's service stores it. */
  readonly meta: Readonly<Record<string, unknown>>;
  /** The HMAC-SHA256 tag. */
  readonly signature: Uint8Array;
}

/**
 * Wire slot name of each resource type, in the order PubNub's server writes them today (tokens it issued in 2025;
 * those from 2021 had `usr` before `spc`, and no `uuid` slot).
 */
export const SLOT_KEYS: ReadonlyArray<readonly [ResourceType, string]> = [
  ['channels', 'chan'], ['groups', 'grp'], ['spaces', 'spc'], ['users', 'usr'], ['uuids', 'uuid'],
];
const SLOT_CODES = SLOT_KEYS.map(([, slot]) => keyCode(slot));
const SLOT_TYPES = SLOT_KEYS.map(([type]) => type);
const SLOT_NAMES = SLOT_KEYS.map(([, slot]) => slot);

/** Index in {@link SLOT_KEYS} of a slot key's code, or -1. */
function slotIndex(code: number): number {
  for (let index = 0; index < SLOT_CODES.length; index++) if (SLOT_CODES[index] === code) return index;
  return -1;
}


/** A decoded token, with where its signature sits in its bytes (for {@link signedBytesOf}). @internal */
export interface ReadToken {
  payload: TokenPayload;
  /** The decoded token bytes: a shared buffer, valid until the next decode (see `base64UrlDecodeShared`). */
  bytes: Uint8Array;
  /** Where the top-level map's entries start. */
  headerEnd: number;
  /** How many top-level entries there are. */
  entries: number;
  /** Where the `sig` entry starts, or -1. */
  sigStart: number;
}

/**
 * Decodes a token and locates its signature entry. Bounded: length checked before base64 decoding, and
 * the CBOR reader caps depth and items and checks every length against the bytes remaining. Known fields are read
 * straight into the payload (this is the verification hot path); unknown ones are read generically and ignored.
 *
 * @internal
 */
export function readToken(token: string): ReadToken {
  if (typeof token !== 'string' || token.length === 0) {
    throw new TokenMalformedError('token must be a non-empty string', { field: 'token' });
  }
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new LimitExceededError(`token is longer than ${MAX_TOKEN_LENGTH} characters`, { field: 'token' });
  }
  const bytes = base64UrlDecodeShared(token);
  const reader = new CborReader(bytes, MAX_DEPTH, bytes.length);
  const count = reader.readMapHeader();
  const headerEnd = reader.position;
  let version: number | undefined;
  let timestamp: number | undefined;
  let ttl: number | undefined;
  let resources: PermissionSlots | undefined;
  let patterns: PermissionSlots | undefined;
  let meta: Record<string, unknown> | undefined;
  let authorizedUuid: string | undefined;
  let signature: Uint8Array | undefined;
  let sigStart = -1;
  // Duplicate detection: a bit per known field; a Set only if a token carries unknown fields (rare).
  let seenKnown = 0;
  let seenOther: Set<string> | undefined;
  for (let index = 0; index < count; index++) {
    const keyStart = reader.position;
    // Known fields are matched by their bytes, without building a string (this is the verification hot path).
    const code = reader.readKeyCode();
    const bit = fieldBit(code);
    const key = bit === 0 ? (reader.position = keyStart, reader.readKey()) : '';
    if (bit !== 0 ? (seenKnown & bit) !== 0 : (seenOther ??= new Set()).has(key)) {
      reader.position = keyStart;
      reader.fail('has a duplicate map key');
    }
    if (bit !== 0) seenKnown |= bit;
    else seenOther!.add(key);
    switch (bit) {
      case 1: version = readUint(reader, 'v'); break;
      case 2: timestamp = readUint(reader, 't'); break;
      case 4: ttl = readUint(reader, 'ttl'); break;
      case 8: resources = readSlots(reader, 'res'); break;
      case 16: patterns = readSlots(reader, 'pat'); break;
      case 32:
        if (reader.peekMajor() !== 3) throw malformed('uuid', 'must be a text string');
        authorizedUuid = reader.readText();
        break;
      case 64:
        if (reader.peekMajor() !== 2) throw malformed('sig', 'must be a byte string');
        sigStart = keyStart;
        signature = reader.readBytes();
        break;
      case 128:
        if (reader.peekMajor() !== 5) throw malformed('meta', 'must be a map');
        // An empty meta map (the usual case) skips the generic decode.
        if (reader.bytes[reader.position] === 0xa0) {
          reader.position++;
          meta = EMPTY_RECORD;
        } else {
          meta = reader.readPlain(2) as Record<string, unknown>;
        }
        break;
      default:
        reader.readValue(2); // a field from a newer issuer: bounded like the rest, then ignored
    }
  }
  if (reader.remaining !== 0) reader.fail('has trailing bytes');
  if (version === undefined) throw malformed('v', 'is missing');
  if (timestamp === undefined) throw malformed('t', 'is missing');
  if (ttl === undefined) throw malformed('ttl', 'is missing');
  if (resources === undefined) throw malformed('res', 'is missing');
  if (patterns === undefined) throw malformed('pat', 'is missing');
  if (signature === undefined) throw malformed('sig', 'must be a byte string');
  // Expiry (t + ttl·60) must be an exact integer: a token that never expires because the sum rounds is malformed.
  if (timestamp + ttl * 60 > Number.MAX_SAFE_INTEGER) throw malformed('ttl', 'puts the expiry beyond 2^53 seconds');

  const payload: TokenPayload = {
    version, timestamp, ttl, resources, patterns, meta: meta ?? EMPTY_RECORD, signature,
  };
  if (authorizedUuid !== undefined) (payload as { authorizedUuid?: string }).authorizedUuid = authorizedUuid;
  return { payload, bytes, headerEnd, entries: count, sigStart };
}

/**
 * The exact bytes a token's signature covers, straight from its received bytes (nothing is re-encoded): the map
 * header for one entry fewer, then every entry before `sig`. Only a token in the one form grantkit and PubNub write
 * has them: a one-byte map header (fewer than 24 entries), and `sig` last, as a byte-string key followed by a 32-byte
 * byte string (38 bytes to the end). Anything else cannot have been signed by grantkit, and accepting it would give
 * one signed token several texts. Rewrites the token's own buffer (the bytes are then no longer the token).
 *
 * @internal
 */
export function signedBytesOf(read: ReadToken): Uint8Array | undefined {
  const { bytes, headerEnd, entries, sigStart } = read;
  if (headerEnd !== 1 || sigStart < 0 || bytes.length - sigStart !== 4 + 2 + SIGNATURE_LENGTH) return undefined;
  for (let index = 0; index < SIG_ENTRY_HEAD.length; index++) {
    if (bytes[sigStart + index] !== SIG_ENTRY_HEAD[index]) return undefined;
  }
  bytes[0] = 0xa0 + entries - 1;
  return bytes.subarray(0, sigStart);
}

/** How `sig` starts in a canonical token: byte-string key `sig`, then the head of a 32-byte byte string. */
const SIG_ENTRY_HEAD = /* @__PURE__ */ Uint8Array.of(0x43, 0x73, 0x69, 0x67, 0x58, SIGNATURE_LENGTH);

/** The record of an empty slot, and the prototype of every other decoded record: frozen, so nothing can be added. */
const EMPTY_RECORD: Record<string, never> = /* @__PURE__ */ Object.freeze(Object.create(null));

const FIELD_CODES = (['v', 't', 'ttl', 'res', 'pat', 'uuid', 'sig', 'meta'] as const).map(keyCode);

/** The duplicate-detection bit of a known top-level field's key code (1 for `v` … 128 for `meta`), or 0. */
function fieldBit(code: number): number {
  for (let index = 0; index < FIELD_CODES.length; index++) if (FIELD_CODES[index] === code) return 1 << index;
  return 0;
}

function readUint(reader: CborReader, field: string): number {
  if (reader.peekMajor() !== 0) throw malformed(field, 'must be an unsigned integer');
  return reader.readUint();
}

function readSlots(reader: CborReader, field: string): PermissionSlots {
  if (reader.peekMajor() !== 5) throw malformed(field, 'must be a map');
  // Most slots are empty: they share one frozen record, and only a slot with entries gets its own.
  const result: PermissionSlots = {
    channels: EMPTY_RECORD, groups: EMPTY_RECORD, uuids: EMPTY_RECORD, spaces: EMPTY_RECORD, users: EMPTY_RECORD,
  };
  const slotCount = reader.readMapHeader();
  let seen = 0;
  let seenOther: Set<string> | undefined;
  for (let index = 0; index < slotCount; index++) {
    const keyStart = reader.position;
    const slot = slotIndex(reader.readKeyCode());
    if (slot < 0) {
      reader.position = keyStart;
      const key = reader.readKey();
      if ((seenOther ??= new Set()).has(key)) reader.fail('has a duplicate map key');
      seenOther.add(key);
      reader.readValue(3); // an unknown slot from a newer issuer grants nothing here
      continue;
    }
    const type = SLOT_TYPES[slot]!;
    const bit = 1 << slot;
    if ((seen & bit) !== 0) reader.fail('has a duplicate map key');
    seen |= bit;
    if (reader.peekMajor() !== 5) throw malformed(`${field}.${SLOT_NAMES[slot]!}`, 'must be a map');
    const count = reader.readMapHeader();
    if (count === 0) continue;
    // Records that inherit nothing: a name like `__proto__` or `constructor` is an ordinary key, with no per-entry
    // guard. Their prototype is the frozen, prototype-less EMPTY_RECORD rather than null: Object.create(null) makes a
    // dictionary-mode object, slower to fill here and to list and look up in authorize (≈ 8 % of a first-sight
    // verify and authorize), and removing the prototype afterwards costs a runtime call per record.
    const target: Record<string, number> = (result[type] = Object.create(EMPTY_RECORD) as Record<string, number>);
    for (let entry = 0; entry < count; entry++) {
      const name = reader.readKey();
      if (target[name] !== undefined) reader.fail('has a duplicate map key');
      if (reader.peekMajor() !== 0) throw malformed(`${field}.${SLOT_NAMES[slot]!}`, 'permission must be an unsigned integer');
      const mask = reader.readUint();
      if (mask > 0xffff_ffff) throw malformed(`${field}.${SLOT_NAMES[slot]!}`, 'permission must be an unsigned integer');
      target[name] = mask;
    }
  }
  return result;
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

/**
 * When a token expires: `timestamp + ttl * 60`, Unix seconds.
 *
 * Exported from `@grantkit/core`.
 *
 * @param payload - A decoded token.
 * @returns Expiry, Unix seconds.
 * @example
 * ```ts
 * new Date(tokenExpiresAt(decodeToken(token)) * 1000);
 * ```
 */
export function tokenExpiresAt(payload: Pick<TokenPayload, 'timestamp' | 'ttl'>): number {
  assertTokenArgument(payload, 'tokenExpiresAt');
  return payload.timestamp + payload.ttl * 60;
}

/**
 * A token's stable identity for revocation lists: unpadded base64url of its 32-byte signature.
 *
 * Exported from `@grantkit/core`.
 *
 * @param payload - A decoded token.
 * @returns 43 characters.
 * @example
 * ```ts
 * await store.revoke(tokenId(decodeToken(token)), expiresAt);
 * ```
 */
export function tokenId(payload: Pick<TokenPayload, 'signature'>): string {
  assertTokenArgument(payload, 'tokenId');
  return base64UrlEncode(payload.signature, false);
}
