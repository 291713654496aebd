import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Channel, Group, mintToken, UUID, verifyToken } from '@grantkit/core';
import { importKey, NodeHmacKey, nodeCrypto } from './crypto.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** The core conformance vector: minted by the fixed grant below at 1_700_000_000 with `sec-c-conformance`. */
const FIXED_TOKEN =
  'qEF2AkF0GmVT8QBDdHRsGDxDcmVzpURjaGFuoWZyb29tLTEDQ2dycKFkY2ctMQVDdXNyoENzcGOgRHV1aWShY2JvYhhgQ3BhdKVEY2hhbqFtXnJvb20tWzAtOV0rJAFDZ3JwoEN1c3KgQ3NwY6BEdXVpZKBEbWV0YaRkcm9sZWVhZG1pbmVsZXZlbANlcmF0aW_7P-AAAAAAAABkYmV0YfVEdXVpZGVhbGljZUNzaWdYIFFHCv2uKYlV_lEOtstTuzeS7vfl4Ncx7N9vJnnDQqWv';

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

  it('refuses an empty secret with ERR_KEY_INVALID', () => {
    expect(() => importKey('')).toThrow(expect.objectContaining({ code: 'ERR_KEY_INVALID' }));
    expect(() => importKey(new Uint8Array())).toThrow(expect.objectContaining({ code: 'ERR_KEY_INVALID' }));
  });

  it('never serializes the secret', () => {
    const key = importKey('sec-c-do-not-print');
    expect(JSON.stringify({ key })).not.toContain('do-not-print');
  });

  it('mints the cross-runtime conformance vector byte for byte, synchronously', () => {
    const token = mintToken({
      ttl: 60,
      authorizedUuid: 'alice',
      meta: { role: 'admin', level: 3, ratio: 0.5, beta: true },
      channels: [Channel.id('room-1').read().write(), Channel.pattern('^room-[0-9]+$').read()],
      groups: [Group.id('cg-1').read().manage()],
      uuids: [UUID.id('bob').get().update()],
    }, nodeCrypto.importKey('sec-c-conformance'), { timestamp: 1_700_000_000 });
    expect(typeof token).toBe('string');
    expect(token).toBe(FIXED_TOKEN);
    const verified = verifyToken(FIXED_TOKEN, [importKey('new'), importKey('sec-c-conformance')], { now: 1_700_000_100 });
    expect(verified.keyIndex).toBe(1);
  });
});
