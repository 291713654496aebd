/**
 * base64url as PubNub tokens use it: URL-safe alphabet, `=` padding kept on output (as PubNub's server emits it),
 * padded or unpadded accepted on input. Pure table-driven code: no `atob`, no `Buffer`.
 *
 * @module
 */
import { TokenMalformedError } from './errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE = new Int16Array(128).fill(-1);
for (let index = 0; index < ALPHABET.length; index++) DECODE[ALPHABET.charCodeAt(index)] = index;

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
  let out = '';
  const length = bytes.length;
  let index = 0;
  for (; index + 2 < length; index += 3) {
    const chunk = (bytes[index]! << 16) | (bytes[index + 1]! << 8) | bytes[index + 2]!;
    out +=
      ALPHABET[chunk >> 18]! + ALPHABET[(chunk >> 12) & 63]! + ALPHABET[(chunk >> 6) & 63]! + ALPHABET[chunk & 63]!;
  }
  const rest = length - index;
  if (rest === 1) {
    const chunk = bytes[index]! << 16;
    out += ALPHABET[chunk >> 18]! + ALPHABET[(chunk >> 12) & 63]! + (padding ? '==' : '');
  } else if (rest === 2) {
    const chunk = (bytes[index]! << 16) | (bytes[index + 1]! << 8);
    out += ALPHABET[chunk >> 18]! + ALPHABET[(chunk >> 12) & 63]! + ALPHABET[(chunk >> 6) & 63]! + (padding ? '=' : '');
  }
  return out;
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
  if (end % 4 === 0 && end > 0 && text.charCodeAt(end - 1) === 61 /* = */) {
    end--;
    if (text.charCodeAt(end - 1) === 61) end--;
  }
  const rest = end % 4;
  if (rest === 1) throw new TokenMalformedError(`${field} is not valid base64url (bad length)`, { field });
  const out = new Uint8Array(((end >> 2) * 3) + (rest === 0 ? 0 : rest - 1));
  let outIndex = 0;
  let index = 0;
  for (; index + 3 < end; index += 4) {
    const chunk = (sextet(text, index, field) << 18) | (sextet(text, index + 1, field) << 12) |
      (sextet(text, index + 2, field) << 6) | sextet(text, index + 3, field);
    out[outIndex++] = chunk >> 16;
    out[outIndex++] = (chunk >> 8) & 255;
    out[outIndex++] = chunk & 255;
  }
  if (rest === 2) {
    const chunk = (sextet(text, index, field) << 6) | sextet(text, index + 1, field);
    if ((chunk & 15) !== 0) throw new TokenMalformedError(`${field} is not valid base64url (trailing bits)`, { field });
    out[outIndex] = chunk >> 4;
  } else if (rest === 3) {
    const chunk = (sextet(text, index, field) << 12) | (sextet(text, index + 1, field) << 6) | sextet(text, index + 2, field);
    if ((chunk & 3) !== 0) throw new TokenMalformedError(`${field} is not valid base64url (trailing bits)`, { field });
    out[outIndex++] = chunk >> 10;
    out[outIndex] = (chunk >> 2) & 255;
  }
  return out;
}

function sextet(text: string, index: number, field: string): number {
  const code = text.charCodeAt(index);
  const value = code < 128 ? DECODE[code]! : -1;
  if (value < 0) throw new TokenMalformedError(`${field} is not valid base64url (character ${index})`, { field });
  return value;
}
