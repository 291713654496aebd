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
const DECODE = new Int8Array(256).fill(-1);
for (let index = 0; index < ALPHABET.length; index++) DECODE[ALPHABET.charCodeAt(index)] = index;
const PAD = 61; // '='
let scratch: Uint8Array | undefined;

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
  const length = bytes.length;
  const rest = length % 3;
  const full = length - rest;
  const size = ((length + 2) / 3 | 0) * 4;
  // Encoding is synchronous: one scratch buffer serves every call (the text is what escapes, not the bytes).
  if (scratch === undefined || scratch.length < size) scratch = new Uint8Array(Math.max(size, 512));
  const out = scratch;
  let at = 0;
  for (let index = 0; index < full; index += 3) {
    const chunk = (bytes[index]! << 16) | (bytes[index + 1]! << 8) | bytes[index + 2]!;
    out[at++] = ENCODE[chunk >> 18]!;
    out[at++] = ENCODE[(chunk >> 12) & 63]!;
    out[at++] = ENCODE[(chunk >> 6) & 63]!;
    out[at++] = ENCODE[chunk & 63]!;
  }
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
  let end = text.length;
  if (end % 4 === 0 && end > 0 && text.charCodeAt(end - 1) === PAD) {
    end--;
    if (text.charCodeAt(end - 1) === PAD) end--;
  }
  const rest = end % 4;
  if (rest === 1) throw invalid(field);
  const out = new Uint8Array((end >> 2) * 3 + (rest === 0 ? 0 : rest - 1));
  let at = 0;
  let wide = 0; // any code unit above 255
  let bad = 0; // any -1 from the table
  const full = end - rest;
  for (let index = 0; index < full; index += 4) {
    const c0 = text.charCodeAt(index);
    const c1 = text.charCodeAt(index + 1);
    const c2 = text.charCodeAt(index + 2);
    const c3 = text.charCodeAt(index + 3);
    wide |= c0 | c1 | c2 | c3;
    const s0 = DECODE[c0 & 255]!;
    const s1 = DECODE[c1 & 255]!;
    const s2 = DECODE[c2 & 255]!;
    const s3 = DECODE[c3 & 255]!;
    bad |= s0 | s1 | s2 | s3;
    const chunk = (s0 << 18) | (s1 << 12) | (s2 << 6) | s3;
    out[at++] = chunk >> 16;
    out[at++] = (chunk >> 8) & 255;
    out[at++] = chunk & 255;
  }
  if (rest > 0) {
    let chunk = 0;
    for (let index = full; index < end; index++) {
      const code = text.charCodeAt(index);
      wide |= code;
      const value = DECODE[code & 255]!;
      bad |= value;
      chunk = (chunk << 6) | (value & 63);
    }
    if (rest === 2) {
      if ((chunk & 15) !== 0) throw invalid(field);
      out[at] = chunk >> 4;
    } else {
      if ((chunk & 3) !== 0) throw invalid(field);
      out[at++] = chunk >> 10;
      out[at] = (chunk >> 2) & 255;
    }
  }
  if (bad < 0 || wide > 255) throw invalid(field);
  return out;
}

/** Bad length, a character outside the alphabet, or non-zero trailing bits: one text form per byte string. */
function invalid(field: string): TokenMalformedError {
  return new TokenMalformedError(`${field} is not valid base64url`, { field });
}
