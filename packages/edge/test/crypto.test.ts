/**
 * WebCrypto HMAC-SHA256 in workerd: RFC 4231 vectors, constant-time verification through crypto.subtle.verify, the
 * per-isolate key cache.
 */
import { importHmacKey, webCryptoHmacSha256 } from '@grantkit/edge';
import { describe, expect, it } from 'vitest';

const text = (value: string) => new TextEncoder().encode(value);
const hex = (bytes: Uint8Array) => [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');

describe('importHmacKey', () => {
  it('matches RFC 4231 test case 2 (text secret)', async () => {
    const key = await importHmacKey('Jefe');
    expect(hex(await key.sign(text('what do ya want for nothing?')))).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('matches RFC 4231 test case 1 (byte secret)', async () => {
    const key = await importHmacKey(new Uint8Array(20).fill(0x0b));
    expect(hex(await key.sign(text('Hi There')))).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
  });

  it('verifies the right tag and refuses a flipped bit, a short tag, an empty tag and another key\'s tag', async () => {
    const key = await importHmacKey('sec-c-verify');
    const data = text('payload');
    const tag = await key.sign(data);
    expect(await key.verify(data, tag)).toBe(true);
    const flipped = tag.slice();
    flipped[31]! ^= 1;
    expect(await key.verify(data, flipped)).toBe(false);
    expect(await key.verify(data, tag.subarray(0, 16))).toBe(false);
    expect(await key.verify(data, new Uint8Array(0))).toBe(false);
    expect(await key.verify(data, await (await importHmacKey('sec-c-other')).sign(data))).toBe(false);
  });

  it('signs views at an offset into a larger buffer', async () => {
    const key = await importHmacKey('sec-c-view');
    const backing = text('xxpayloadyy');
    expect(hex(await key.sign(backing.subarray(2, 9)))).toBe(hex(await key.sign(text('payload'))));
  });

  it('caches the imported key per secret for the isolate', async () => {
    expect(importHmacKey('sec-c-cached')).toBe(importHmacKey('sec-c-cached'));
    expect(await importHmacKey('sec-c-cached')).not.toBe(await importHmacKey('sec-c-other'));
    expect(importHmacKey(new Uint8Array([1, 2]))).toBe(importHmacKey(new Uint8Array([1, 2])));
  });

  it('does not let a byte secret and a text secret share a cache entry', async () => {
    const fromText = await importHmacKey('0102');
    const fromBytes = await importHmacKey(new Uint8Array([0x01, 0x02]));
    expect(hex(await fromText.sign(text('x')))).not.toBe(hex(await fromBytes.sign(text('x'))));
  });

  it('rejects an empty secret with ERR_KEY_INVALID', async () => {
    await expect(importHmacKey('')).rejects.toMatchObject({ code: 'ERR_KEY_INVALID', field: 'secretKey' });
    await expect(importHmacKey(new Uint8Array(0))).rejects.toMatchObject({ code: 'ERR_KEY_INVALID' });
  });

  it('is also available as the HmacSha256 port', async () => {
    expect(await webCryptoHmacSha256.importKey('sec-c-port')).toBe(await importHmacKey('sec-c-port'));
  });
});
