/**
 * Verification: decode (bounded), check the signature against the current and previous secrets in constant time,
 * then check the time window.
 *
 * @module
 */
import {
  TokenExpiredError, TokenMalformedError, TokenNotYetValidError, TokenSignatureInvalidError,
} from '../errors.js';
import { BoundedCache } from '../internal/bounded-cache.js';
import { isPromise, type MaybePromise } from '../internal/maybe-promise.js';
import { MAX_TTL, MIN_TTL } from '../limits.js';
import type { HmacKey, KeyResult } from '../ports.js';
import { recycleDecodeScratch, releaseDecodeScratch, signatureId } from './base64url.js';
import { readToken, signedBytesOf, TOKEN_VERSION, type TokenPayload } from './reader.js';

/**
 * Options for {@link verifyToken}.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * verifyToken(token, keys, { now: 1_700_000_000, clockSkew: 30 });
 * ```
 */
export interface VerifyTokenOptions {
  /** Current Unix time in seconds (default: now). */
  now?: number;
  /** Seconds an issue time may lie in the future (issuer clock ahead). Default 60, as PubNub's request window. */
  clockSkew?: number;
  /** Skip the expiry and not-yet-valid checks (revocation of an old token, inspection tools). Default false. */
  ignoreTime?: boolean;
}

/**
 * A token whose signature matched one of the keys.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const verified: VerifiedToken = verifyToken(token, key);
 * verified.expiresAt; // Unix seconds
 * ```
 */
export interface VerifiedToken extends TokenPayload {
  /** Unix seconds at which the token expires: `timestamp + ttl * 60`. */
  readonly expiresAt: number;
  /** Stable identity for revocation lists: unpadded base64url of the signature. */
  readonly id: string;
  /** Index of the key that matched: 0 is the current secret, 1.. the previous ones (rotation). */
  readonly keyIndex: number;
}

/**
 * Verifies a token: well-formed, signed by one of `keys` (current first, then previous secrets for rotation),
 * compared in constant time by the key, and currently valid. The version, the lifetime bounds and the time are
 * checked on every call. A token whose exact text already verified twice under a key still in `keys` is answered
 * from that verification (HMAC is deterministic: the same bytes under the same key give the same tag, so recomputing
 * it cannot change the answer; fast-jwt's cache does the same), and its decode is reused, so treat the result as
 * read-only (its permission records may be frozen).
 *
 * Exported from `@grantkit/core`.
 *
 * @param token - Token text.
 * @param keys - One key, or the current key followed by previous ones.
 * @param options - Clock and skew.
 * @returns The verified token; a Promise when the keys are asynchronous.
 * @throws {@link TokenMalformedError} `ERR_TOKEN_MALFORMED`, {@link LimitExceededError} `ERR_LIMIT_EXCEEDED`,
 *   {@link TokenSignatureInvalidError} `ERR_TOKEN_SIGNATURE_INVALID`, {@link TokenExpiredError}
 *   `ERR_TOKEN_EXPIRED`, {@link TokenNotYetValidError} `ERR_TOKEN_NOT_YET_VALID`.
 * @example
 * ```ts
 * const verified = verifyToken(token, [currentKey, previousKey]);
 * ```
 */
export function verifyToken<K extends HmacKey>(
  token: string,
  keys: K | readonly K[],
  options: VerifyTokenOptions = {},
): KeyResult<K, VerifiedToken> {
  const known = typeof token === 'string' ? decoded.get(token) : undefined;
  if (known !== undefined) {
    // Identity, not equality: the key object that matched must still be one of the keys offered now (rotation).
    const keyIndex = Array.isArray(keys) ? keys.indexOf(known.key) : keys === known.key ? 0 : -1;
    if (keyIndex >= 0) {
      if (!known.async) return verified(known, keyIndex, options, true) as KeyResult<K, VerifiedToken>;
      return Promise.resolve(known).then((entry) => verified(entry, keyIndex, options, true)) as KeyResult<K, VerifiedToken>;
    }
  }
  const entry = known ?? decodeForVerify(token);
  if (!Array.isArray(keys)) {
    // One key (the usual case): tried without building a list, and an asynchronous answer is chained once.
    const ok = (keys as K).verify(entry.signedBytes, entry.tag);
    if (!isPromise(ok)) return checked(token, entry, keys, ok ? 0 : -1, false, options) as KeyResult<K, VerifiedToken>;
    // A fresh decode's bytes sit in the shared decode buffer: they now belong to the pending verification, and the
    // buffer comes back once it settled (a kept decode has copied what it keeps by then).
    const scratch = known === undefined ? releaseDecodeScratch() : undefined;
    return ok.then((valid) =>
      settled(scratch, () => checked(token, entry, keys, valid ? 0 : -1, true, options))) as KeyResult<K, VerifiedToken>;
  }
  const match = matchKey(keys, entry.signedBytes, entry.tag, 0);
  if (!isPromise(match)) return checked(token, entry, keys, match, false, options) as KeyResult<K, VerifiedToken>;
  const scratch = known === undefined ? releaseDecodeScratch() : undefined;
  return match.then((keyIndex) =>
    settled(scratch, () => checked(token, entry, keys, keyIndex, true, options))) as KeyResult<K, VerifiedToken>;
}

/** Runs `finish` once every key consulted has answered, then hands a released decode buffer back for reuse. */
function settled(scratch: Uint8Array | undefined, finish: () => VerifiedToken): VerifiedToken {
  try {
    return finish();
  } finally {
    if (scratch !== undefined) recycleDecodeScratch(scratch);
  }
}

function checked(
  token: string,
  entry: DecodedForVerify,
  keys: HmacKey | readonly HmacKey[],
  keyIndex: number,
  async: boolean,
  options: VerifyTokenOptions,
): VerifiedToken {
  if (keyIndex < 0) throw new TokenSignatureInvalidError();
  if (entry.key === undefined) {
    rememberIfSeenBefore(token, entry, Array.isArray(keys) ? keys[keyIndex]! : (keys as HmacKey), async);
    // Not kept: this decode is the caller's alone, so its signature needs no copy.
    if (entry.key === undefined) return verified(entry, keyIndex, options, false);
  }
  return verified(entry, keyIndex, options, true);
}

function verified(entry: DecodedForVerify, keyIndex: number, options: VerifyTokenOptions, shared: boolean): VerifiedToken {
  const { payload } = entry;
  // Every check that reads the payload runs on every call, cached or not: a cache may save work, never a refusal.
  checkPayload(payload);
  // Built field by field (not spread) so every verified token shares one object shape: this is the hot path.
  const result: VerifiedToken = {
    version: payload.version,
    timestamp: payload.timestamp,
    ttl: payload.ttl,
    authorizedUuid: payload.authorizedUuid,
    resources: payload.resources,
    patterns: payload.patterns,
    meta: payload.meta,
    // A copy when the decode is kept: the cached bytes must stay as they were signed.
    signature: shared ? payload.signature.slice() : payload.signature,
    expiresAt: entry.expiresAt,
    id: entry.id,
    keyIndex,
  };
  if (options.ignoreTime !== true) checkTime(result, options);
  return result;
}

/** A decoded token ready to verify: immutable, so one decode can serve every request that presents the token. */
interface DecodedForVerify {
  payload: TokenPayload;
  /** The bytes the signature covers (a fresh decode's in the shared decode buffer, a kept one's its own). */
  signedBytes: Uint8Array;
  /**
   * The signature as given to the key: a fresh decode's is a view of the token bytes (off-heap already: a new
   * 32-byte array would have to be moved off-heap when the crypto binding reads it), a kept one's the payload's.
   */
  tag: Uint8Array;
  expiresAt: number;
  id: string;
  /** Once remembered: the key whose tag matched, and whether it answered asynchronously. */
  key?: HmacKey;
  async?: boolean;
}

// Servers see the same token on request after request. Keeping a verified token's immutable decode, with the key it
// verified under, answers it from its third presentation on without parsing or re-hashing (the payload checks and the
// time still run, and only while that key is still offered). A token is kept on its second successful verification,
// so one-off tokens pay only a mark in a table, not the freezing. Only tokens whose signature matched are marked, so
// forgeries cannot churn it; the cache is bounded by entries and by the token text it holds, FIFO (a large token
// takes the room of several small ones rather than being left out: a 1,000-pattern token re-decoded on every request
// also rebuilds authorize's prefix index every time, hundreds of microseconds). Lookups are by the whole token text
// (a Map compares the full string), so a different token can never be answered from another's entry, and the
// canonical-form check, a function of that text alone, holds for every hit as it held when the entry was made.
const DECODE_CACHE_SIZE = 1_024;
/** Token characters the cache holds at most: 1,024 tokens of 4 KiB (a decode weighs a few times its text). */
const DECODE_CACHE_CHARS = DECODE_CACHE_SIZE * 4_096;
const decoded = new BoundedCache<DecodedForVerify>(DECODE_CACHE_SIZE, DECODE_CACHE_CHARS);

// Tokens verified once, marked by their signature (an HMAC tag under a key that verified it: uniformly distributed,
// and unforgeable without the key): a direct-mapped table of 4,096 slots, each holding 32 bits of a tag. A mark only
// decides whether a decode is worth keeping; a collision or an overwritten mark changes when a token is cached,
// never an answer.
const SEEN_SLOTS = DECODE_CACHE_SIZE * 4;
const seenTags = new Int32Array(SEEN_SLOTS);
const seenMarked = new Uint8Array(SEEN_SLOTS);

/** Marks a verified signature; true when it was marked already (and clears the mark). */
function seenBefore(signature: Uint8Array): boolean {
  const slot = ((signature[0]! << 8) | signature[1]!) & (SEEN_SLOTS - 1);
  const tag = (signature[2]! << 24) | (signature[3]! << 16) | (signature[4]! << 8) | signature[5]!;
  if (seenMarked[slot] === 1 && seenTags[slot] === tag) {
    seenMarked[slot] = 0;
    return true;
  }
  seenMarked[slot] = 1;
  seenTags[slot] = tag;
  return false;
}

function rememberIfSeenBefore(token: string, entry: DecodedForVerify, key: HmacKey, async: boolean): void {
  if (!seenBefore(entry.payload.signature)) return;
  entry.key = key;
  entry.async = async;
  remember(token, entry);
}

function decodeForVerify(token: string): DecodedForVerify {
  const read = readToken(token);
  const { payload } = read;
  checkPayload(payload);
  const signedBytes = signedBytesOf(read);
  // One signed token has one text (padding aside): a wider map header or a text-string `sig` key is refused, not
  // verified as the same token.
  if (signedBytes === undefined) {
    throw new TokenMalformedError('token is not in canonical form (map header, or sig not last as a 32-byte byte string)', { field: 'token' });
  }
  // signedBytesOf checked the layout: `sig` is the last entry, 6 bytes of key and head, then the 32-byte tag.
  const tag = read.bytes.subarray(read.sigStart + 6, read.sigStart + 6 + 32);
  return { payload, signedBytes, tag, expiresAt: payload.timestamp + payload.ttl * 60, id: signatureId(payload.signature) };
}

/**
 * What a verified token's payload must satisfy beyond its encoding: the version, and only what a keyset can mint, a
 * lifetime of 1..43,200 minutes (issue times are bounded by the expiry check in the reader).
 */
function checkPayload(payload: TokenPayload): void {
  if (payload.version !== TOKEN_VERSION) {
    throw new TokenMalformedError(`token version ${payload.version} is not supported`, { field: 'token.v' });
  }
  if (payload.ttl < MIN_TTL || payload.ttl > MAX_TTL) {
    throw new TokenMalformedError(`token ttl ${payload.ttl} is outside ${MIN_TTL}..${MAX_TTL} minutes`, { field: 'token.ttl' });
  }
}

function remember(token: string, entry: DecodedForVerify): void {
  // Its own bytes: a fresh decode's lie in the shared decode buffer.
  entry.signedBytes = entry.signedBytes.slice();
  entry.tag = entry.payload.signature;
  freezeDeep(entry.payload.resources);
  freezeDeep(entry.payload.patterns);
  freezeDeep(entry.payload.meta);
  Object.freeze(entry.payload);
  decoded.set(token, entry, token.length);
}

function freezeDeep(value: unknown): void {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || Object.isFrozen(value)) return;
  for (const key of Object.keys(value)) freezeDeep((value as Record<string, unknown>)[key]);
  Object.freeze(value);
}

function matchKey(keys: readonly HmacKey[], data: Uint8Array, signature: Uint8Array, from: number): MaybePromise<number> {
  for (let index = from; index < keys.length; index++) {
    const match = keys[index]!.verify(data, signature);
    if (isPromise(match)) return match.then((ok) => (ok ? index : matchKey(keys, data, signature, index + 1)));
    if (match) return index;
  }
  return -1;
}

function checkTime(token: VerifiedToken, options: VerifyTokenOptions): void {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (now >= token.expiresAt) throw new TokenExpiredError();
  if (token.timestamp > now + (options.clockSkew ?? 60)) throw new TokenNotYetValidError();
}
