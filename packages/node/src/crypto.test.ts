import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as lib from '@grantkit/core';
import { FIXED_TOKEN, fixedGrant } from '@grantkit/conformance';
import { importKey, NodeHmacKey, nodeCrypto } from './crypto.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('NodeHmacKey', () => {
  it('computes HMAC-SHA256 (RFC 4231 test case 2)', () => {
    const key = importKey('Jefe');
    expect(hex(key.sign(new TextEncoder().encode('what do ya want for nothing?'))))
      .toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('accepts raw bytes as the secret', () => {
    const secret = new Uint8Array([1, 2, 3, 4]);
    const data = new TextEncoder().encode('data');
    expect(hex(new NodeHmacKey(secret).sign(data))).toBe(createHmac('sha256', Buffer.from(secret)).update(data).digest('hex'));
  });

  it('verifies its own tags and rejects a flipped bit, a short tag and another key\'s tag', () => {
    const key = importKey('secret');
    const data = new TextEncoder().encode('payload');
    const tag = key.sign(data);
    expect(key.verify(data, tag)).toBe(true);
    const flipped = Uint8Array.from(tag);
    flipped[31]! ^= 1;
    expect(key.verify(data, flipped)).toBe(false);
    expect(key.verify(data, tag.subarray(0, 31))).toBe(false);
    expect(key.verify(data, importKey('other').sign(data))).toBe(false);
  });

  it('signs and verifies as createHmac and timingSafeEqual do, for random secrets, data and tags (differential)', () => {
    for (let run = 0; run < 200; run++) {
      const secret = randomBytes(1 + (run % 80));
      const data = randomBytes(run * 3);
      const key = new NodeHmacKey(secret);
      const expected = createHmac('sha256', secret).update(data).digest();
      const tag = key.sign(data);
      expect(tag).toBeInstanceOf(Uint8Array);
      expect(hex(tag)).toBe(expected.toString('hex'));
      expect(key.verify(data, tag)).toBe(true);
      // Every byte position, every bit: a tag differing anywhere is refused, as timingSafeEqual refuses it.
      const index = run % 32;
      const other = Uint8Array.from(tag);
      other[index]! ^= 1 << (run % 8);
      expect(key.verify(data, other)).toBe(timingSafeEqual(expected, other));
      expect(key.verify(data, other)).toBe(false);
      const random = randomBytes(32);
      expect(key.verify(data, random)).toBe(timingSafeEqual(expected, random));
    }
  });

  it('refuses tags that are not 32 bytes of one byte per element', () => {
    const key = importKey('secret');
    const data = new TextEncoder().encode('payload');
    const tag = key.sign(data);
    expect(key.verify(data, new Uint8Array(33).fill(0))).toBe(false);
    expect(key.verify(data, new Uint16Array(tag.buffer.slice(0), 0, 16) as unknown as Uint8Array)).toBe(false);
    expect(key.verify(data, new Uint8Array(0))).toBe(false);
  });

  it('encodes base64url natively exactly as core does, views included (differential)', () => {
    const key = importKey('secret');
    for (let run = 0; run < 300; run++) {
      const bytes = randomBytes(run);
      const start = run % 7;
      const view = new Uint8Array(bytes.buffer, bytes.byteOffset + Math.min(start, bytes.length), Math.max(0, bytes.length - start));
      expect(key.encodeBase64Url(bytes)).toBe(lib.base64UrlEncode(bytes, false));
      expect(key.encodeBase64Url(view)).toBe(lib.base64UrlEncode(view, false));
    }
  });

  it('refuses an empty secret with ERR_KEY_INVALID', () => {
    expect(() => importKey('')).toThrow(expect.objectContaining({ code: 'ERR_KEY_INVALID' }));
    expect(() => importKey(new Uint8Array())).toThrow(expect.objectContaining({ code: 'ERR_KEY_INVALID' }));
  });

  it('never serializes the secret', () => {
    const key = importKey('sec-c-do-not-print');
    expect(JSON.stringify({ key })).not.toContain('do-not-print');
  });

  it('mints and verifies synchronously: a string, not a Promise (the bytes are checked by test/conformance.test.ts)', () => {
    const token = lib.mintToken(fixedGrant(lib), nodeCrypto.importKey('sec-c-conformance'), { timestamp: 1_700_000_000 });
    expect(token).toBe(FIXED_TOKEN);
    const verified = lib.verifyToken(FIXED_TOKEN, [importKey('new'), importKey('sec-c-conformance')], { now: 1_700_000_100 });
    expect(verified.keyIndex).toBe(1);
  });
});
