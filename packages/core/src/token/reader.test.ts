import { Encoder } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import pubnubTokens from '@grantkit/conformance/vectors/pubnub-tokens.json';
import recordings from '@grantkit/conformance/vectors/pubnub-recorded-exchanges.json';
import { base64UrlDecode, base64UrlEncode } from './base64url.js';
import { LIMITS } from '../limits.js';
import { emptySlots } from '../slots.js';
import { decodeToken, readToken, signedBytesOf } from './reader.js';
import { assembleToken, encodeUnsignedToken } from './writer.js';
import type { TokenGrant } from '../grant/validate-grant.js';

const plain = new Encoder({ useRecords: false, variableMapSize: true, tagUint8Array: false, useTag259ForMaps: false } as never);
const encode = (value: unknown) => base64UrlEncode(plain.encode(value) as Uint8Array);
const grant: TokenGrant = {
  ttl: 15, resources: { ...emptySlots(), channels: { a: 1 } }, patterns: emptySlots(), meta: { k: 'v' },
};

/** Every token PubNub's service issued in PubNub's own recordings (2021 and 2025). */
const recordedTokens = recordings.exchanges.flatMap((exchange) => {
  const token = (JSON.parse(exchange.response.body) as { data?: { token?: string } }).data?.token;
  return token === undefined ? [] : [{ id: exchange.id, recorded: exchange.recorded, token }];
});

describe('token encoding', () => {
  // PubNub's current slot order (chan, grp, spc, usr, uuid) is the one grantkit writes; tokens from 2021 put `usr`
  // before `spc` and have no `uuid` slot, so those are compared by content instead.
  const current = recordedTokens.filter((vector) => vector.recorded.includes('2025'));
  const older = [...pubnubTokens.tokens, ...recordedTokens.filter((vector) => !vector.recorded.includes('2025'))];

  it('has PubNub tokens of both layouts to compare with', () => {
    expect(current.length).toBeGreaterThan(25);
    expect(older.length).toBeGreaterThan(0);
  });

  /** Re-encodes a PubNub token's decoded content (raw slots, not validated: PubNub's server stores any bits). */
  const reencode = (token: string) => {
    const payload = decodeToken(token);
    const raw: TokenGrant = {
      ttl: payload.ttl,
      ...(payload.authorizedUuid === undefined ? {} : { authorizedUuid: payload.authorizedUuid }),
      resources: payload.resources,
      patterns: payload.patterns,
      meta: payload.meta as TokenGrant['meta'],
    };
    return assembleToken(encodeUnsignedToken(raw, payload.timestamp), payload.signature);
  };

  for (const vector of older) {
    it(`writes the content of ${vector.id} as PubNub’s server did (its older slot order aside)`, () => {
      expect(decodeToken(reencode(vector.token))).toEqual(decodeToken(vector.token));
    });
  }

  for (const vector of current) {
    it(`writes ${vector.id} byte for byte as PubNub’s server did`, () => {
      expect(base64UrlDecode(reencode(vector.token))).toEqual(base64UrlDecode(vector.token));
    });
  }

  it('is deterministic and keeps `=` padding', () => {
    const signature = new Uint8Array(32).fill(7);
    const first = assembleToken(encodeUnsignedToken(grant, 1_700_000_000), signature);
    expect(assembleToken(encodeUnsignedToken(grant, 1_700_000_000), signature)).toBe(first);
    expect(first.length % 4).toBe(0);
  });

  it('signs exactly the unsigned encoding: readToken recovers it from the token bytes', () => {
    const unsigned = encodeUnsignedToken({ ...grant, authorizedUuid: 'u' }, 1_700_000_000);
    const read = readToken(assembleToken(unsigned, new Uint8Array(32).fill(1)));
    const { payload } = read;
    expect(signedBytesOf(read)).toEqual(new Uint8Array(unsigned));
    expect(payload.authorizedUuid).toBe('u');
  });

  it('refuses a token over the length cap and a wrong-size signature', () => {
    const huge: TokenGrant = { ...grant, meta: Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`k${index}`, 'x'.repeat(1000)])) };
    expect(() => assembleToken(encodeUnsignedToken(huge, 1), new Uint8Array(32))).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_EXCEEDED' }));
    expect(() => assembleToken(encodeUnsignedToken(grant, 1), new Uint8Array(31))).toThrow(expect.objectContaining({ field: 'signature' }));
  });
});

describe('token decoding', () => {
  const fields = { t: 1, ttl: 2, res: { chan: { a: 1 }, grp: {} }, pat: { chan: {}, grp: {} }, meta: {}, sig: new Uint8Array(32) };

  it('accepts text keys and any key order (real tokens differ)', () => {
    const reordered = encode({ sig: fields.sig, res: fields.res, ttl: 2, pat: fields.pat, v: 2, t: 1 });
    expect(decodeToken(reordered)).toMatchObject({ version: 2, timestamp: 1, ttl: 2, resources: { channels: { a: 1 } } });
    // sig is not the last entry, so there are no signed bytes: such a token can never verify.
    expect(signedBytesOf(readToken(reordered))).toBeUndefined();
  });

  it('ignores unknown slots and top-level fields, and defaults missing slots to empty', () => {
    const token = encode({ v: 2, t: 1, ttl: 2, res: { chan: { a: 1 }, future: { x: 1 } }, pat: {}, extra: [1, 2], sig: fields.sig });
    const payload = decodeToken(token);
    expect(payload.resources).toEqual({ ...emptySlots(), channels: { a: 1 } });
    expect(payload.patterns).toEqual(emptySlots());
    expect(payload.meta).toEqual({});
  });

  /** A decoded record's prototype is one frozen, empty object without a prototype of its own. */
  const expectInheritsNothing = (record: object) => {
    const prototype = Object.getPrototypeOf(record) as object;
    expect(Object.isFrozen(prototype)).toBe(true);
    expect(Reflect.ownKeys(prototype)).toEqual([]);
    expect(Object.getPrototypeOf(prototype)).toBe(null);
    for (const name of Object.getOwnPropertyNames(Object.prototype)) {
      if (!Object.hasOwn(record, name)) expect((record as Record<string, unknown>)[name]).toBeUndefined();
    }
  };

  it('round-trips a `__proto__` name and meta key as ordinary own keys (no prototype change)', () => {
    const raw: TokenGrant = {
      ttl: 5,
      resources: { ...emptySlots(), channels: JSON.parse('{"__proto__": 1}') },
      patterns: emptySlots(),
      meta: JSON.parse('{"__proto__": "x"}'),
    };
    const payload = decodeToken(assembleToken(encodeUnsignedToken(raw, 1), new Uint8Array(32)));
    expect(Object.keys(payload.resources.channels)).toEqual(['__proto__']);
    expect(payload.resources.channels['__proto__']).toBe(1);
    expectInheritsNothing(payload.resources.channels);
    expect(Object.keys(payload.meta)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(payload.meta)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('reads names that Object.prototype has as ordinary keys of records that inherit nothing, many or few', () => {
    const names = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf'];
    for (const count of [1, names.length, 40]) {
      const channels: Record<string, number> = {};
      for (let index = 0; index < count; index++) channels[names[index] ?? `n${index}`] = index + 1;
      const raw: TokenGrant = { ttl: 5, resources: { ...emptySlots(), channels }, patterns: emptySlots(), meta: {} };
      const payload = decodeToken(assembleToken(encodeUnsignedToken(raw, 1), new Uint8Array(32)));
      expectInheritsNothing(payload.resources.channels);
      expect({ ...payload.resources.channels }).toEqual(channels);
      for (const name of names) expect(Object.hasOwn(payload.resources.channels, name)).toBe(Object.hasOwn(channels, name));
    }
  });

  it('keeps nested meta from other issuers as plain objects', () => {
    const token = encode({ ...fields, v: 2, meta: { app: { version: '1' }, list: [1] } });
    expect(decodeToken(token).meta).toEqual({ app: { version: '1' }, list: [1] });
  });

  it.each([
    ['v missing', { t: 1, ttl: 2, res: {}, pat: {}, sig: new Uint8Array(32) }, 'token.v'],
    ['ttl negative', { v: 2, t: 1, ttl: -1, res: {}, pat: {}, sig: new Uint8Array(32) }, 'token.ttl'],
    ['t a string', { v: 2, t: '1', ttl: 1, res: {}, pat: {}, sig: new Uint8Array(32) }, 'token.t'],
    ['res an array', { v: 2, t: 1, ttl: 1, res: [], pat: {}, sig: new Uint8Array(32) }, 'token.res'],
    ['a slot a string', { v: 2, t: 1, ttl: 1, res: { chan: 'x' }, pat: {}, sig: new Uint8Array(32) }, 'token.res.chan'],
    ['a mask a string', { v: 2, t: 1, ttl: 1, res: { chan: { a: '1' } }, pat: {}, sig: new Uint8Array(32) }, 'token.res.chan'],
    ['sig text', { v: 2, t: 1, ttl: 1, res: {}, pat: {}, sig: 'x' }, 'token.sig'],
    ['uuid a number', { v: 2, t: 1, ttl: 1, res: {}, pat: {}, uuid: 5, sig: new Uint8Array(32) }, 'token.uuid'],
    ['meta an array', { v: 2, t: 1, ttl: 1, res: {}, pat: {}, meta: [], sig: new Uint8Array(32) }, 'token.meta'],
  ])('names the field when %s', (_name, value, field) => {
    expect(() => decodeToken(encode(value))).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_MALFORMED', field }));
  });

  it('refuses trailing bytes and an over-long token before decoding', () => {
    const bytes = base64UrlDecode(pubnubTokens.tokens[0]!.token);
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(() => decodeToken(base64UrlEncode(longer))).toThrow(/trailing/);
    expect(() => decodeToken('A'.repeat(LIMITS.maxTokenLength + 1))).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_EXCEEDED' }));
  });
});
