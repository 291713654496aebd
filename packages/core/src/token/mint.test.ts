import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../test/ports/node-crypto.js';
import { webCrypto } from '../../test/ports/web-crypto.js';
import { validGrant } from '../../test/arbitraries.js';
import { normalizeGrant } from '../grant/grant-input.js';
import { mintToken } from './mint.js';
import { parseToken } from './parse.js';
import { decodePermissions } from '../permissions.js';
import { Channel } from '../grant/builders.js';
import { decodeToken } from './reader.js';
import { verifyToken } from './verify.js';

const key = nodeCrypto.importKey('sec-c-unit');
const T = 1_700_000_000;

describe('mintToken → decodeToken → parseToken', () => {
  it('round-trips any valid grant', () => {
    fc.assert(
      fc.property(validGrant, fc.integer({ min: 0, max: 2 ** 32 }), (input, timestamp) => {
        const grant = normalizeGrant(input);
        const token = mintToken(grant, key, { timestamp });
        const payload = decodeToken(token);
        expect(payload).toMatchObject({ version: 2, timestamp, ttl: grant.ttl, resources: grant.resources, patterns: grant.patterns, meta: grant.meta });
        expect(payload.authorizedUuid).toBe(grant.authorizedUuid);
        const parsed = parseToken(token);
        for (const [name, mask] of Object.entries(grant.resources.channels)) {
          expect(parsed.resources?.channels?.[name]).toEqual(decodePermissions(mask));
        }
        expect(verifyToken(token, key, { now: timestamp }).id).toHaveLength(43);
      }),
      { numRuns: 200 },
    );
  });

  it('is synchronous with a synchronous key and a Promise with an async one, giving the same token', async () => {
    const input = { ttl: 5, channels: [Channel.id('a').read()] };
    const sync = mintToken(input, key, { timestamp: T });
    expect(typeof sync).toBe('string');
    const asyncKey = await webCrypto.importKey('sec-c-unit');
    const pending = mintToken(input, asyncKey, { timestamp: T });
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toBe(sync);
    expect((await verifyToken(sync, asyncKey, { now: T })).keyIndex).toBe(0);
  });

  it('validates raw input but trusts an already-validated grant', () => {
    expect(() => mintToken({ ttl: 0, channels: [Channel.id('a').read()] }, key)).toThrow(expect.objectContaining({ field: 'ttl' }));
    const grant = normalizeGrant({ ttl: 5, channels: [Channel.id('a').read()] });
    expect(decodeToken(mintToken(grant, key, { timestamp: T })).ttl).toBe(5);
  });
});

describe('verifyToken', () => {
  const token = mintToken({ ttl: 10, channels: [Channel.id('a').read()] }, key, { timestamp: T });

  it('checks expiry at timestamp + ttl * 60 and the future skew', () => {
    expect(verifyToken(token, key, { now: T + 599 }).expiresAt).toBe(T + 600);
    expect(() => verifyToken(token, key, { now: T + 600 })).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_EXPIRED' }));
    expect(() => verifyToken(token, key, { now: T - 61 })).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_NOT_YET_VALID' }));
    expect(verifyToken(token, key, { now: T - 60 }).timestamp).toBe(T);
    expect(verifyToken(token, key, { now: T + 10_000, ignoreTime: true }).timestamp).toBe(T);
  });

  it('tries previous secrets in order (rotation) and reports which matched', () => {
    const next = nodeCrypto.importKey('sec-c-next');
    expect(verifyToken(token, [next, key], { now: T }).keyIndex).toBe(1);
    expect(() => verifyToken(token, [next], { now: T })).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_SIGNATURE_INVALID' }));
    expect(() => verifyToken(token, [], { now: T })).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_SIGNATURE_INVALID' }));
  });

  it('cannot verify PubNub’s own tokens (unknown secret) but still reads them', () => {
    expect(() => verifyToken('p0F2AkF0GmEK-4NDdHRsGDxDcmVzpURjaGFuoWhjaGFubmVsMQFDZ3JwoWZncm91cDEBQ3VzcqBDc3BjoER1dWlkoWV1c2VyMQFDcGF0pURjaGFuoWIuKgFDZ3JwoWIuKgFDdXNyoENzcGOgRHV1aWShYi4qAURtZXRhoENzaWdYII5bQpWLi6Z-l5jbShWxZ7QL6o8Dz6_vxluhxrMGzQCN', key, { ignoreTime: true }))
      .toThrow(expect.objectContaining({ code: 'ERR_TOKEN_SIGNATURE_INVALID' }));
  });
});

describe('verifyToken decode cache', () => {
  it('gives the same answer the second time, from a frozen decode, and only under a key that verified it', () => {
    const token = mintToken({ ttl: 10, channels: [Channel.id('cached').read()], meta: { a: 1 } }, key, { timestamp: T });
    const first = verifyToken(token, key, { now: T });
    const second = verifyToken(token, key, { now: T });
    expect(second).toEqual(first);
    expect(Object.isFrozen(second.resources.channels)).toBe(true);
    expect(Object.isFrozen(second.meta)).toBe(true);
    // Each caller gets its own signature bytes: scribbling on them cannot poison the next verification.
    second.signature.fill(0);
    expect(verifyToken(token, key, { now: T }).signature).toEqual(first.signature);
    // Cached or not, another keyset's key does not verify it.
    expect(() => verifyToken(token, nodeCrypto.importKey('someone-else'), { now: T })).toThrow(
      expect.objectContaining({ code: 'ERR_TOKEN_SIGNATURE_INVALID' }),
    );
    // Time is checked on every call.
    expect(() => verifyToken(token, key, { now: T + 600 })).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_EXPIRED' }));
    // Answered from the cache under the same key object wherever it sits in the list (rotation), never without it:
    // another key object for the same secret verifies by recomputing the tag.
    const other = nodeCrypto.importKey('someone-else');
    expect(verifyToken(token, [other, key], { now: T }).keyIndex).toBe(1);
    expect(verifyToken(token, [other, nodeCrypto.importKey('sec-c-unit')], { now: T }).keyIndex).toBe(1);
    expect(() => verifyToken(token, [other], { now: T })).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_SIGNATURE_INVALID' }));
    // A token differing in one character is another token: never answered from this one's entry.
    const tampered = token.slice(0, 20) + (token[20] === 'A' ? 'B' : 'A') + token.slice(21);
    expect(() => verifyToken(tampered, key, { now: T })).toThrow(expect.objectContaining({ code: expect.stringMatching(/^ERR_TOKEN_/) }));
  });

  it('keeps a large token too (one of 1,000 patterns, about 20,000 characters), and stays within its bounds of size', () => {
    const large = (tag: number) => mintToken({
      ttl: 10, channels: Array.from({ length: 1_000 }, (_, index) => Channel.pattern(`^r${index}-[0-9]+$`).read()), meta: { tag },
    }, key, { timestamp: T });
    const token = large(0);
    expect(token.length).toBeGreaterThan(16_384);
    verifyToken(token, key, { now: T });
    const kept = verifyToken(token, key, { now: T });
    expect(Object.isFrozen(kept.patterns.channels)).toBe(true);
    // Answered from the kept decode: the same frozen permission records again.
    expect(verifyToken(token, key, { now: T }).patterns.channels).toBe(kept.patterns.channels);
    // 250 more large tokens hold more text than the cache keeps (4 Mi characters): the first is forgotten, and
    // verifying it again still answers correctly, from a fresh decode.
    for (let tag = 1; tag <= 250; tag++) {
      const other = large(tag);
      verifyToken(other, key, { now: T });
      verifyToken(other, key, { now: T });
    }
    const again = verifyToken(token, key, { now: T });
    expect(again.patterns.channels).not.toBe(kept.patterns.channels);
    expect(again).toEqual(kept);
  });

  it('keeps answering correctly past its size bound, and never caches a forgery', () => {
    const forger = nodeCrypto.importKey('forger');
    for (let index = 0; index < 1_500; index++) {
      const token = mintToken({ ttl: 10, channels: [Channel.id(`c${index}`).read()] }, key, { timestamp: T });
      expect(verifyToken(token, key, { now: T }).resources.channels).toEqual({ [`c${index}`]: 1 });
    }
    const forged = mintToken({ ttl: 10, channels: [Channel.id('x').read()] }, forger, { timestamp: T });
    for (let attempt = 0; attempt < 2; attempt++) {
      expect(() => verifyToken(forged, key, { now: T })).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_SIGNATURE_INVALID' }));
    }
  });

  it('works the same with an asynchronous key', async () => {
    const asyncKey = await webCrypto.importKey('sec-c-unit');
    const token = mintToken({ ttl: 10, channels: [Channel.id('async-cached').read()] }, key, { timestamp: T });
    const first = await verifyToken(token, asyncKey, { now: T });
    expect(await verifyToken(token, asyncKey, { now: T })).toEqual(first);
    // From the cache too, an asynchronous key answers with a Promise, and a failure is a rejection, not a throw.
    const cached = verifyToken(token, asyncKey, { now: T });
    expect(cached).toBeInstanceOf(Promise);
    expect(await cached).toEqual(first);
    await expect(verifyToken(token, asyncKey, { now: T + 600 })).rejects.toMatchObject({ code: 'ERR_TOKEN_EXPIRED' });
  });
});

