/**
 * The token paths' shortcuts agree with the general code they stand in for: meta read straight into plain objects
 * (vs the generic CBOR value then converted), names from the intern table (vs decoded afresh), the shared decode
 * buffer (vs a fresh one), minting from raw input without freezing (vs minting the frozen, validated grant), and a
 * key's own base64url encoder (vs core's).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../test/ports/node-crypto.js';
import { webCrypto } from '../../test/ports/web-crypto.js';
import { validGrant } from '../../test/arbitraries.js';
import { Channel, Space, User } from '../grant/builders.js';
import { normalizeGrant } from '../grant/grant-input.js';
import { grantFromRequestBody, grantToRequestBody } from '../grant/rest-body.js';
import { setEntry } from '../internal/records.js';
import { base64UrlDecode, base64UrlDecodeShared, base64UrlEncode } from './base64url.js';
import { CborReader, type CborValue } from './cbor-reader.js';
import { CborWriter } from './cbor-writer.js';
import { mintToken } from './mint.js';
import { decodeToken } from './reader.js';
import { verifyToken, type VerifiedToken } from './verify.js';

const key = nodeCrypto.importKey('sec-c-fast-paths');
const T = 1_700_000_000;

/** What `readPlain` replaced: the generic value, maps converted to plain objects afterwards. */
function toPlain(value: CborValue): unknown {
  if (value instanceof Map) {
    const object: Record<string, unknown> = {};
    for (const [entryKey, entry] of value) setEntry(object, entryKey, toPlain(entry));
    return object;
  }
  if (Array.isArray(value)) return value.map(toPlain);
  return value;
}

const outcome = (run: () => unknown): unknown => {
  try {
    return { value: run() };
  } catch (error) {
    return { error: String(error), code: (error as { code?: string }).code, field: (error as { field?: string }).field };
  }
};

const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 12 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('token fast paths agree with the general code', () => {
  it('reads meta into plain objects exactly as the generic reader then conversion did, errors included', () => {
    fc.assert(
      fc.property(json, fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 8 }), fc.nat(), (value, noise, cut) => {
        const writer = new CborWriter();
        writer.value(value);
        const encoded = writer.bytes();
        // Valid encodings, and corrupted or truncated ones (duplicate keys, bad UTF-8, tags, depth...).
        const corrupted = Uint8Array.from([...encoded.subarray(0, cut % (encoded.length + 1)), ...noise]);
        for (const bytes of [encoded, corrupted]) {
          const plain = outcome(() => new CborReader(bytes, 8, bytes.length).readPlain(2));
          const generic = outcome(() => toPlain(new CborReader(bytes, 8, bytes.length).readValue(2)));
          expect(plain).toEqual(generic);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('decodes names the same from the intern table as afresh, whatever was decoded before', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 6 }), (names) => {
        const token = mintToken({ ttl: 5, channels: names.map((name) => Channel.id(name).read()) }, key, { timestamp: T });
        const first = decodeToken(token);
        const again = decodeToken(token); // every short name now comes from the table
        expect(Object.keys(again.resources.channels)).toEqual(Object.keys(first.resources.channels));
        expect(new Set(Object.keys(first.resources.channels))).toEqual(new Set(names));
      }),
      { numRuns: 300 },
    );
  });

  it('decodes base64url the same into the shared buffer as into a fresh one, errors included', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.string({ maxLength: 6 }), fc.boolean(), (bytes, junk, pad) => {
        const text = base64UrlEncode(bytes, pad);
        for (const candidate of [text, text + junk, junk + text]) {
          const fresh = outcome(() => Array.from(base64UrlDecode(candidate)));
          const shared = outcome(() => Array.from(base64UrlDecodeShared(candidate)));
          expect(shared).toEqual(fresh);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('mints the same token from raw input as from its validated grant, and refuses the same input alike', () => {
    fc.assert(
      fc.property(validGrant, fc.constantFrom('pubnub', 'strict') as fc.Arbitrary<'pubnub' | 'strict'>, (input, validation) => {
        const direct = outcome(() => mintToken(input, key, { timestamp: T, validation }));
        const viaGrant = outcome(() => mintToken(normalizeGrant(input, { validation }), key, { timestamp: T }));
        expect(direct).toEqual(viaGrant);
        const body = outcome(() => grantToRequestBody(normalizeGrant(input)));
        if ('value' in (body as object)) {
          const parsed = JSON.parse((body as { value: string }).value) as unknown;
          expect(outcome(() => mintToken(grantFromRequestBody(parsed, { validation }), key, { timestamp: T }))).toEqual(viaGrant);
        }
      }),
      { numRuns: 300 },
    );
    // App Context aliases and invalid input take the same path.
    const inputs: unknown[] = [
      { ttl: 5, spaces: [Space.id('s').read()], users: [User.id('u').get()], authorizedUserId: 'u' },
      { ttl: 5, channels: [Channel.id('a').read()], spaces: [Space.id('s').read()] },
      { ttl: 0, channels: [Channel.id('a').read()] },
      { ttl: 5, channels: [] },
      { ttl: 5, channels: [Channel.id('a').read()], meta: { n: Number.NaN } },
      { ttl: 5, resources: { channels: { a: { read: true } } }, meta: { nested: { k: [1, 'x'] } } },
      { ttl: 5, resources: { spaces: { a: { read: true } } }, patterns: { users: { '^u$': { get: true } } } },
      { ttl: 5, resources: { channels: { a: { read: true, fly: true } } } },
    ];
    for (const input of inputs) {
      for (const validation of ['pubnub', 'strict'] as const) {
        const direct = outcome(() => mintToken(input as never, key, { timestamp: T, validation }));
        expect(direct).toEqual(outcome(() => mintToken(normalizeGrant(input as never, { validation }), key, { timestamp: T })));
      }
    }
  });

  it('mints the same token text with a key\'s own base64url encoder as with core\'s', () => {
    const base = nodeCrypto.importKey('sec-c-fast-paths');
    const native = {
      ...base,
      encodeBase64Url: (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64url'),
    };
    fc.assert(
      fc.property(validGrant, fc.nat({ max: 2 ** 40 }), (input, timestamp) => {
        expect(outcome(() => mintToken(input, native, { timestamp }))).toEqual(outcome(() => mintToken(input, base, { timestamp })));
      }),
      { numRuns: 300 },
    );
  });

  it('verifies the same with an asynchronous key settling in any order, its decode buffers reused afterwards', async () => {
    // Reads the bytes only when it answers, after a random delay: they must stay as they were until it settles.
    const slowKey = {
      sign: (data: Uint8Array) => Promise.resolve(key.sign(data)),
      verify: (data: Uint8Array, signature: Uint8Array) =>
        new Promise<boolean>((resolve) => setTimeout(() => resolve(key.verify(data, signature)), Math.floor(Math.random() * 4))),
    };
    const tokens = Array.from({ length: 40 }, (_, index) => mintToken({ ttl: 5, channels: [Channel.id(`w${index}`).read()] }, key, { timestamp: T }));
    // Every fourth one forged: its tag flipped, so it must be refused whatever else is decoded meanwhile.
    const texts = tokens.map((token, index) => {
      if (index % 4 !== 3) return token;
      const bytes = base64UrlDecode(token);
      bytes[bytes.length - 1]! ^= 1;
      return base64UrlEncode(bytes);
    });
    for (let wave = 0; wave < 3; wave++) {
      const pending = texts.map((text) => outcome(() => verifyToken(text, wave === 1 ? [slowKey, slowKey] : slowKey, { now: T })));
      for (const text of texts) outcome(() => verifyToken(text, key, { now: T })); // synchronous decodes in between
      const results = await Promise.all(pending.map((result) => Promise.resolve((result as { value: unknown }).value).then(
        (value) => ({ value }),
        (error: unknown) => ({ code: (error as { code?: string }).code }),
      )));
      results.forEach((result, index) => {
        if (index % 4 === 3) expect(result).toEqual({ code: 'ERR_TOKEN_SIGNATURE_INVALID' });
        else expect(Object.keys((result as { value: VerifiedToken }).value.resources.channels)).toEqual([`w${index}`]);
      });
    }
  });

  it('mints the same tokens with an asynchronous key settling in any order as with a synchronous one', async () => {
    const slowKey = {
      sign: (data: Uint8Array) => {
        const tag = key.sign(data);
        return new Promise<Uint8Array>((resolve) => setTimeout(() => resolve(tag), Math.floor(Math.random() * 4)));
      },
      verify: (data: Uint8Array, signature: Uint8Array) => Promise.resolve(key.verify(data, signature)),
    };
    for (let wave = 0; wave < 3; wave++) {
      // Names of every length up to past the spare buffer's size, so later mints need a larger buffer than earlier ones.
      const inputs = Array.from({ length: 30 }, (_, index) => ({ ttl: 5, channels: [Channel.id(`m${'x'.repeat(index * 20 * wave)}`).read()] }));
      const minted = await Promise.all(inputs.map((input) => mintToken(input, slowKey, { timestamp: T })));
      expect(minted).toEqual(inputs.map((input) => mintToken(input, key, { timestamp: T })));
    }
  });

  it('verifies the same with an asynchronous key while other tokens are decoded in between', async () => {
    const asyncKey = await webCrypto.importKey('sec-c-fast-paths');
    const tokens = Array.from({ length: 20 }, (_, index) => mintToken({ ttl: 5, channels: [Channel.id(`n${index}`).read()] }, key, { timestamp: T }));
    // Started together: each pending verification's signed bytes must survive the decodes that follow it.
    const pending = tokens.map((token) => verifyToken(token, asyncKey, { now: T }));
    for (const token of tokens) decodeToken(token);
    const results = await Promise.all(pending);
    expect(results.map((result) => Object.keys(result.resources.channels)[0])).toEqual(tokens.map((_, index) => `n${index}`));
    for (const [index, token] of tokens.entries()) expect(results[index]).toEqual(verifyToken(token, key, { now: T }));
  });
});
