import { describe, expect, it } from 'vitest';
import { assertRevocationEntry, assertTokenId } from './ports.js';
import { tokenId } from './token/reader.js';

describe('assertTokenId', () => {
  it('accepts every id grantkit derives and any base64url id up to 128 characters', () => {
    expect(() => assertTokenId(tokenId({ signature: new Uint8Array(32).fill(0xfb) }))).not.toThrow();
    for (const id of ['a', 'A-z_0-9', 'x'.repeat(128)]) expect(() => assertTokenId(id)).not.toThrow();
  });

  it('refuses anything else with ERR_REQUEST_INVALID on field tokenId', () => {
    for (const id of ['', 'x'.repeat(129), 'a:b', 'a b', '../x', 'a/b', 'a=', 'ü', 'a\n', 42, null, undefined, {}]) {
      expect(() => assertTokenId(id), String(id)).toThrow(expect.objectContaining({ code: 'ERR_REQUEST_INVALID', field: 'tokenId' }));
    }
  });
});

describe('assertRevocationEntry', () => {
  it('checks the id and wants whole, non-negative Unix seconds', () => {
    expect(() => assertRevocationEntry('a', 0)).not.toThrow();
    expect(() => assertRevocationEntry('a', 1_700_003_600)).not.toThrow();
    expect(() => assertRevocationEntry('a:b', 1)).toThrow(expect.objectContaining({ field: 'tokenId' }));
    for (const expiresAt of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '100', null]) {
      expect(() => assertRevocationEntry('a', expiresAt), String(expiresAt))
        .toThrow(expect.objectContaining({ code: 'ERR_REQUEST_INVALID', field: 'expiresAt' }));
    }
  });
});
