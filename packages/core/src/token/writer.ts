/**
 * The token writer (see `reader.ts` for the layout and what the signature covers). Kept apart from the reader so
 * decode-only bundles (the browser client) do not ship it.
 *
 * Output is byte-identical to cbor-x with plain, portable settings, and to PubNub's own tokens (both checked by
 * tests); it is written by a small specialised writer because this is the minting hot path.
 *
 * @module
 */
import { base64UrlEncode } from './base64url.js';
import { LimitExceededError, TokenMalformedError } from '../errors.js';
import { EMPTY_SLOT, type TokenGrant } from '../grant/validate-grant.js';
import { CborWriter } from './cbor-writer.js';
import { LIMITS } from '../limits.js';
import type { PermissionSlots } from '../slots.js';
import type { HmacKey } from '../ports.js';
import { SIGNATURE_LENGTH, TOKEN_VERSION } from './reader.js';

/** A key as a CBOR byte string: header 0x40 + length, then the ASCII bytes. */
const byteKey = (text: string) => Uint8Array.from([0x40 + text.length, ...Array.from(text, (char) => char.charCodeAt(0))]);
const KEY = {
  v: byteKey('v'), t: byteKey('t'), ttl: byteKey('ttl'), res: byteKey('res'), pat: byteKey('pat'), meta: byteKey('meta'),
  uuid: byteKey('uuid'), chan: byteKey('chan'), grp: byteKey('grp'), spc: byteKey('spc'), usr: byteKey('usr'),
};
/** `"sig"` as a byte-string key (0x43 's' 'i' 'g') followed by the header of a 32-byte byte string (0x58 0x20). */
const SIG_SUFFIX = Uint8Array.of(0x43, 0x73, 0x69, 0x67, 0x58, SIGNATURE_LENGTH);

// Encoding is synchronous and never re-entered, so one writer (and its buffer) serves every mint.
const WRITER = new CborWriter();

function writeSlots(writer: CborWriter, slots: PermissionSlots): void {
  // All five slots, in SLOT_KEYS' order (the cbor-x test checks it), each read by name: a loop over the slot names
  // made every read a keyed lookup with a changing name.
  writer.head(5, 5);
  writeSlot(writer, KEY.chan, slots.channels);
  writeSlot(writer, KEY.grp, slots.groups);
  writeSlot(writer, KEY.spc, slots.spaces);
  writeSlot(writer, KEY.usr, slots.users);
  writeSlot(writer, KEY.uuid, slots.uuids);
}

function writeSlot(writer: CborWriter, key: Uint8Array, names: Readonly<Record<string, number>>): void {
  writer.raw(key);
  if (names === EMPTY_SLOT) {
    writer.head(5, 0);
    return;
  }
  const keys = Object.keys(names);
  writer.head(5, keys.length);
  for (let index = 0; index < keys.length; index++) {
    const name = keys[index]!;
    writer.text(name);
    writer.head(0, names[name]!);
  }
}

/**
 * Encodes the unsigned part of a token (the CBOR map without `sig`): the bytes the HMAC covers.
 *
 * @internal
 *
 * @param grant - A validated grant.
 * @param timestamp - Issue time, Unix seconds.
 * @returns The CBOR bytes to sign.
 * @throws {@link TokenMalformedError} `ERR_TOKEN_MALFORMED` for a negative or fractional timestamp.
 * @example
 * ```ts
 * const message = encodeUnsignedToken(grant, Math.floor(Date.now() / 1000));
 * const token = assembleToken(message, hmacSha256(secret, message));
 * ```
 */
export function encodeUnsignedToken(grant: TokenGrant, timestamp: number): Uint8Array {
  return writeUnsigned(grant, timestamp).bytes();
}

/**
 * Mints: encodes into the shared writer and signs its bytes. A synchronous signer's tag is appended in place, with
 * no copy (the hot path); an asynchronous one gets a copy first, since the writer is reused before it settles.
 *
 * @internal
 */
export function mintInPlace(grant: TokenGrant, timestamp: number, key: HmacKey): string | Promise<string> {
  const writer = writeUnsigned(grant, timestamp);
  const signature = key.sign(writer.written());
  if (typeof (signature as Promise<Uint8Array>).then === 'function') {
    // The token's own buffer, with room for the tag: one copy, completed when the tag arrives. A spare one left by
    // an earlier asynchronous mint is reused (a new one is an off-heap allocation), and handed back once done.
    const unsigned = writer.length;
    const size = unsigned + SIG_SUFFIX.length + SIGNATURE_LENGTH;
    const spare = spareTokenBuffer !== undefined && spareTokenBuffer.length >= size ? spareTokenBuffer : undefined;
    if (spare !== undefined) spareTokenBuffer = undefined;
    const buffer = spare ?? new Uint8Array(Math.max(512, size));
    const bytes = new Uint8Array(buffer.buffer, 0, size);
    bytes.set(writer.written());
    return (signature as Promise<Uint8Array>).then((tag) => {
      try {
        return completeToken(bytes, unsigned, tag);
      } finally {
        // The token is text by now (or refused): nothing reads the buffer any more.
        spareTokenBuffer ??= buffer;
      }
    });
  }
  checkSignatureLength(signature as Uint8Array);
  writer.raw(SIG_SUFFIX);
  writer.raw(signature as Uint8Array);
  writer.addToFirstByte(1); // one more entry: sig
  if (key.encodeBase64Url === undefined) return checkTokenLength(writer.base64Url());
  // The runtime's own encoder (a native one costs a third of the portable one); PubNub's tokens are padded.
  const unpadded = key.encodeBase64Url(writer.written());
  return checkTokenLength(unpadded + PADDING[unpadded.length & 3]!);
}

/** A buffer an asynchronous mint finished with, for the next one (each pending mint holds its own). */
let spareTokenBuffer: Uint8Array | undefined;

/** The padding of unpadded base64url text, by its length modulo 4 (never 1). */
const PADDING = ['', '', '==', '='];

function writeUnsigned(grant: TokenGrant, timestamp: number): CborWriter {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new TokenMalformedError('timestamp must be a non-negative integer', { field: 'timestamp' });
  }
  const writer = WRITER.reset();
  // The map header is one byte (at most 7 entries here), which the signed-bytes rule relies on.
  writer.head(5, grant.authorizedUuid === undefined ? 6 : 7);
  writer.raw(KEY.v);
  writer.head(0, TOKEN_VERSION);
  writer.raw(KEY.t);
  writer.head(0, timestamp);
  writer.raw(KEY.ttl);
  writer.head(0, grant.ttl);
  writer.raw(KEY.res);
  writeSlots(writer, grant.resources);
  writer.raw(KEY.pat);
  writeSlots(writer, grant.patterns);
  writer.raw(KEY.meta);
  writer.value(grant.meta);
  if (grant.authorizedUuid !== undefined) {
    writer.raw(KEY.uuid);
    writer.text(grant.authorizedUuid);
  }
  return writer;
}

function checkSignatureLength(signature: Uint8Array): void {
  if (signature.length !== SIGNATURE_LENGTH) {
    throw new TokenMalformedError(`signature must be ${SIGNATURE_LENGTH} bytes`, { field: 'signature' });
  }
}

function tokenText(bytes: Uint8Array): string {
  return checkTokenLength(base64UrlEncode(bytes));
}

function checkTokenLength(token: string): string {
  if (token.length > LIMITS.maxTokenLength) {
    throw new LimitExceededError(`token would be longer than ${LIMITS.maxTokenLength} characters`, { field: 'token' });
  }
  return token;
}

/**
 * Appends the signature to the unsigned bytes and returns the token text (padded base64url).
 *
 * @internal
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
  checkSignatureLength(signature);
  const bytes = new Uint8Array(unsigned.length + SIG_SUFFIX.length + SIGNATURE_LENGTH);
  bytes.set(unsigned);
  return completeToken(bytes, unsigned.length, signature);
}

/** Writes `sig` after the `unsigned` bytes already at the start of `bytes` (sized for it), and returns the token. */
function completeToken(bytes: Uint8Array, unsigned: number, signature: Uint8Array): string {
  checkSignatureLength(signature);
  bytes[0]! += 1; // one more entry: sig
  bytes.set(SIG_SUFFIX, unsigned);
  bytes.set(signature, unsigned + SIG_SUFFIX.length);
  return tokenText(bytes);
}
