import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64UrlDecode, base64UrlEncode } from './base64url.js';

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

  it('names the field it was given', () => {
    expect(() => base64UrlDecode('%%%%', 'signature')).toThrow(expect.objectContaining({ field: 'signature' }));
  });
});
