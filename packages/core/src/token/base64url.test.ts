import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64UrlDecode, base64UrlDecodeShared, base64UrlEncode } from './base64url.js';

describe('base64url', () => {
  it('matches Node for any bytes, padded and unpadded, and round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const unpadded = Buffer.from(bytes).toString('base64url');
        const padded = unpadded + '='.repeat((4 - (unpadded.length % 4)) % 4);
        expect(base64UrlEncode(bytes)).toBe(padded);
        expect(base64UrlEncode(bytes, false)).toBe(unpadded);
        expect(base64UrlDecode(padded)).toEqual(bytes);
        expect(base64UrlDecode(unpadded)).toEqual(bytes);
      }),
    );
  });

  it.each([
    ['plain-base64 characters', 'ab+/'],
    ['a bad length', 'abcde'],
    ['padding in the middle', 'ab==cd=='],
    ['padding on an unpadded length', 'abc=='],
    ['non-zero trailing bits', 'ab'],
    ['non-ASCII', 'abé='],
    ['three padding characters', 'a==='],
  ])('rejects %s with ERR_TOKEN_MALFORMED', (_name, text) => {
    expect(() => base64UrlDecode(text)).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_MALFORMED', field: 'token' }));
  });

  // The decoder copies the characters natively (encodeInto) and decodes them in place: differential against a
  // reference built from a strict alphabet check and Node's own decoder, on text mixing the alphabet, padding, plain
  // base64, non-ASCII characters and lone surrogates.
  it('decodes and refuses exactly what a strict reference does, shared buffer or not', () => {
    const reference = (text: string): Uint8Array | 'invalid' => {
      let body = text;
      if (text.length % 4 === 0 && text.endsWith('=')) body = text.slice(0, text.endsWith('==') ? -2 : -1);
      if (!/^[A-Za-z0-9_-]*$/.test(body) || body.length % 4 === 1) return 'invalid';
      const bytes = Buffer.from(body, 'base64url');
      // Non-zero trailing bits: Node ignores them, the canonical form does not.
      return bytes.toString('base64url') === body ? new Uint8Array(bytes) : 'invalid';
    };
    const outcome = (run: () => Uint8Array): Uint8Array | 'invalid' => {
      try {
        return Uint8Array.from(run());
      } catch (error) {
        expect(error).toMatchObject({ code: 'ERR_TOKEN_MALFORMED', field: 'token' });
        return 'invalid';
      }
    };
    const char = fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_') },
      fc.constantFrom('=', '+', '/', ' ', '\0', 'é', 'ÿ', '€', '\ud800', '\udc00', '\ud83d\ude00', '\x80', '\x7f'),
    );
    const text = fc.oneof(
      fc.array(char, { maxLength: 40 }).map((chars) => chars.join('')),
      fc.uint8Array({ maxLength: 60 }).map((bytes) => base64UrlEncode(bytes)),
      fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 60 }), fc.nat(), char)
        .map(([bytes, at, replacement]) => {
          const encoded = base64UrlEncode(bytes);
          const index = at % encoded.length;
          return encoded.slice(0, index) + replacement + encoded.slice(index + 1);
        }),
    );
    fc.assert(
      fc.property(text, (input) => {
        const expected = reference(input);
        expect(outcome(() => base64UrlDecode(input))).toEqual(expected);
        expect(outcome(() => base64UrlDecodeShared(input))).toEqual(expected);
      }),
      { numRuns: 3_000 },
    );
  });

  it('names the field it was given', () => {
    expect(() => base64UrlDecode('%%%%', 'signature')).toThrow(expect.objectContaining({ field: 'signature' }));
  });
});
