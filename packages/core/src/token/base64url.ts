/**
 * base64url as PubNub tokens use it: URL-safe alphabet, `=` padding kept on output (as PubNub's server emits it),
 * padded or unpadded accepted on input. Pure table-driven code: no `atob`, no `Buffer`.
 *
 * @module
 */
import { TokenMalformedError } from '../errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const ENCODE = /* @__PURE__ */ Uint8Array.from(ALPHABET, (char) => char.charCodeAt(0));
// 256 entries, -1 for every byte outside the alphabet; code units above 255 are caught separately.
const DECODE = new Int32Array(256).fill(-1);
for (let index = 0; index < ALPHABET.length; index++) DECODE[ALPHABET.charCodeAt(index)] = index;
const PAD = 61; // '='
let scratch: Uint8Array | undefined;
let scratchPairs: Uint16Array | undefined;
/** 4,096 entries: the two characters of 12 bits, as the Uint16 that stores them in that order (either byte order). */
let pairTable: Uint16Array | undefined;

function makePairTable(): Uint16Array {
  const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
  const table = new Uint16Array(4096);
  for (let index = 0; index < 4096; index++) {
    const first = ENCODE[index >> 6]!;
    const second = ENCODE[index & 63]!;
    table[index] = littleEndian ? first | (second << 8) : (first << 8) | second;
  }
  return (pairTable = table);
}

/**
 * Encodes bytes as base64url.
 *
 * Exported from `@grantkit/core`.
 *
 * @param bytes - Bytes to encode.
 * @param padding - Keep `=` padding (default `true`, as PubNub tokens have it); `false` for signature v2.
 * @returns The base64url text.
 * @example
 * ```ts
 * base64UrlEncode(new Uint8Array([0xfb, 0xff])); // '-_8='
 * ```
 */
export function base64UrlEncode(bytes: Uint8Array, padding = true): string {
  return base64UrlEncodeFirst(bytes, bytes.length, padding);
}

/** {@link base64UrlEncode} of the first `length` bytes of `bytes` (no view needed). @internal */
export function base64UrlEncodeFirst(bytes: Uint8Array, length: number, padding: boolean): string {
  const rest = length % 3;
  const full = length - rest;
  const size = ((length + 2) / 3 | 0) * 4;
  // Encoding is synchronous: one scratch buffer serves every call (the text is what escapes, not the bytes). Its
  // size is a multiple of 4, so a Uint16Array view covers it.
  if (scratch === undefined || scratch.length < size) {
    scratch = new Uint8Array(Math.max(size, 512));
    scratchPairs = new Uint16Array(scratch.buffer);
  }
  const out = scratch;
  // Each 3 bytes are 4 characters, written as two pairs: 12 bits → 2 characters from one table lookup.
  const pairs = scratchPairs!;
  const table = pairTable ?? makePairTable();
  let pair = 0;
  for (let index = 0; index < full; index += 3) {
    const chunk = (bytes[index]! << 16) | (bytes[index + 1]! << 8) | bytes[index + 2]!;
    pairs[pair] = table[chunk >> 12]!;
    pairs[pair + 1] = table[chunk & 4095]!;
    pair += 2;
  }
  let at = pair * 2;
  if (rest === 1) {
    const chunk = bytes[full]! << 16;
    out[at++] = ENCODE[chunk >> 18]!;
    out[at++] = ENCODE[(chunk >> 12) & 63]!;
    if (padding) out[at++] = out[at++] = PAD;
  } else if (rest === 2) {
    const chunk = (bytes[full]! << 16) | (bytes[full + 1]! << 8);
    out[at++] = ENCODE[chunk >> 18]!;
    out[at++] = ENCODE[(chunk >> 12) & 63]!;
    out[at++] = ENCODE[(chunk >> 6) & 63]!;
    if (padding) out[at++] = PAD;
  }
  return ascii(out, at);
}

// A token id is always 43 characters (32 bytes, unpadded): encoded into a buffer of exactly that size, decoded whole.
const ID_CHARS = /* @__PURE__ */ new Uint8Array(43);

/**
 * `base64UrlEncode(signature, false)` for a 32-byte signature (a token id), without the general encoder's length
 * handling.
 *
 * @internal
 */
export function signatureId(signature: Uint8Array): string {
  if (signature.length !== 32) return base64UrlEncode(signature, false);
  const out = ID_CHARS;
  let at = 0;
  for (let index = 0; index < 30; index += 3) {
    const chunk = (signature[index]! << 16) | (signature[index + 1]! << 8) | signature[index + 2]!;
    out[at] = ENCODE[chunk >> 18]!;
    out[at + 1] = ENCODE[(chunk >> 12) & 63]!;
    out[at + 2] = ENCODE[(chunk >> 6) & 63]!;
    out[at + 3] = ENCODE[chunk & 63]!;
    at += 4;
  }
  const chunk = (signature[30]! << 16) | (signature[31]! << 8);
  out[40] = ENCODE[chunk >> 18]!;
  out[41] = ENCODE[(chunk >> 12) & 63]!;
  out[42] = ENCODE[(chunk >> 6) & 63]!;
  return asciiDecoder.decode(out);
}

// ASCII is valid UTF-8, and the native UTF-8 decoder is an order of magnitude faster than String.fromCharCode.apply.
const asciiDecoder = /* @__PURE__ */ new TextDecoder();
function ascii(codes: Uint8Array, length: number): string {
  return asciiDecoder.decode(codes.subarray(0, length));
}

/**
 * Decodes base64url text, padded or not. Rejects any other character (including the `+`/`/` of plain base64),
 * misplaced padding and non-zero trailing bits, so one token has exactly one text form up to padding.
 *
 * Exported from `@grantkit/core`.
 *
 * @param text - base64url text.
 * @param field - Field name used in the error (default `token`).
 * @returns The decoded bytes.
 * @throws {@link TokenMalformedError} `ERR_TOKEN_MALFORMED` on any invalid input.
 * @example
 * ```ts
 * base64UrlDecode('-_8'); // Uint8Array [0xfb, 0xff]
 * ```
 */
export function base64UrlDecode(text: string, field = 'token'): Uint8Array {
  const length = decodedLength(text, field);
  const out = new Uint8Array(length);
  decodeInto(text, out, field);
  return out;
}

// Token decoding is synchronous: one scratch buffer serves every decode (an off-heap allocation per token cost as
// much as the decoding itself). Its bytes are valid until the next decode, unless released first.
let decodeScratch: Uint8Array | undefined;

/**
 * {@link base64UrlDecode} into a shared buffer: the same checks and errors, but the bytes returned are a view that
 * the next call overwrites. For callers that are done with them before anything else decodes, or that
 * {@link releaseDecodeScratch} first.
 *
 * @internal
 */
export function base64UrlDecodeShared(text: string, field = 'token'): Uint8Array {
  const length = decodedLength(text, field);
  if (decodeScratch === undefined || decodeScratch.length < length) {
    decodeScratch = new Uint8Array(Math.max(512, 1 << (32 - Math.clz32(length))));
  }
  const out = decodeScratch.subarray(0, length);
  decodeInto(text, out, field);
  return out;
}

/**
 * Gives the bytes last returned by {@link base64UrlDecodeShared} to their holder (an asynchronous key, which may read
 * them after other decodes ran): the next decode uses another buffer. Returns the buffer given away, for
 * {@link recycleDecodeScratch} once its holder is done with it.
 *
 * @internal
 */
export function releaseDecodeScratch(): Uint8Array | undefined {
  const released = decodeScratch;
  decodeScratch = undefined;
  return released;
}

/**
 * Takes back a buffer {@link releaseDecodeScratch} gave away, once nothing reads it any more, as the shared buffer
 * if there is none (a new one is an off-heap allocation: ≈ a fifth of an asynchronous verification's own work).
 *
 * @internal
 */
export function recycleDecodeScratch(buffer: Uint8Array | undefined): void {
  if (decodeScratch === undefined) decodeScratch = buffer;
}

/** The byte length `text` decodes to, after the length checks (padding stripped). */
function decodedLength(text: string, field: string): number {
  let end = text.length;
  if (end % 4 === 0 && end > 0 && text.charCodeAt(end - 1) === PAD) {
    end--;
    if (text.charCodeAt(end - 1) === PAD) end--;
  }
  const rest = end % 4;
  if (rest === 1) throw invalid(field);
  return (end >> 2) * 3 + (rest === 0 ? 0 : rest - 1);
}

/** Decodes `text` (already length-checked) into `out`, exactly `out.length` bytes. */
function decodeInto(text: string, out: Uint8Array, field: string): void {
  const length = out.length;
  const rest = length % 3; // 0, or the 1 or 2 bytes of a final 2- or 3-character group
  const full = ((length - rest) / 3) * 4;
  let at = 0;
  let wide = 0; // any code unit above 255
  let bad = 0; // any -1 from the table
  for (let index = 0; index < full; index += 4) {
    const c0 = text.charCodeAt(index);
    const c1 = text.charCodeAt(index + 1);
    const c2 = text.charCodeAt(index + 2);
    const c3 = text.charCodeAt(index + 3);
    wide |= c0 | c1 | c2 | c3;
    // Int32 table entries: a -1 anywhere makes the whole chunk negative.
    const chunk = (DECODE[c0 & 255]! << 18) | (DECODE[c1 & 255]! << 12) | (DECODE[c2 & 255]! << 6) | DECODE[c3 & 255]!;
    bad |= chunk;
    out[at] = chunk >> 16;
    out[at + 1] = chunk >> 8;
    out[at + 2] = chunk;
    at += 3;
  }
  if (rest > 0) {
    let chunk = 0;
    const end = full + rest + 1;
    for (let index = full; index < end; index++) {
      const code = text.charCodeAt(index);
      wide |= code;
      const value = DECODE[code & 255]!;
      bad |= value;
      chunk = (chunk << 6) | (value & 63);
    }
    if (rest === 1) {
      if ((chunk & 15) !== 0) throw invalid(field);
      out[at] = chunk >> 4;
    } else {
      if ((chunk & 3) !== 0) throw invalid(field);
      out[at++] = chunk >> 10;
      out[at] = (chunk >> 2) & 255;
    }
  }
  if (bad < 0 || wide > 255) throw invalid(field);
}

/** Bad length, a character outside the alphabet, or non-zero trailing bits: one text form per byte string. */
function invalid(field: string): TokenMalformedError {
  return new TokenMalformedError(`${field} is not valid base64url`, { field });
}
