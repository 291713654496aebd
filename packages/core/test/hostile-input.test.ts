/**
 * Every hostile-input case of issue 14 that core decides, each as it was found: each test failed before the change
 * that fixed it. The HTTP-level cases (slow clients, uploads, methods, files, Redis) are in
 * `packages/node/test/hostile-clients.test.ts`; the fuzzing campaign is `test/fuzz/`.
 */
import { describe, expect, it } from 'vitest';
import { nodeCrypto } from './ports/node-crypto.js';
import { authorize } from '../src/authorize/authorize.js';
import { Channel } from '../src/grant/builders.js';
import { RequestInvalidError } from '../src/errors.js';
import { normalizeGrant } from '../src/grant/grant-input.js';
import { grantToRequestBody } from '../src/grant/rest-body.js';
import type { TokenGrant } from '../src/grant/validate-grant.js';
import { createGrantHandler } from '../src/http/handler.js';
import type { Keyset } from '../src/keysets.js';
import { LIMITS } from '../src/limits.js';
import { signRequestV2 } from '../src/signature-v2.js';
import { emptySlots } from '../src/slots.js';
import { base64UrlDecode, base64UrlEncode } from '../src/token/base64url.js';
import { mintToken } from '../src/token/mint.js';
import { decodeToken } from '../src/token/reader.js';
import { verifyToken } from '../src/token/verify.js';
import { encodeUnsignedToken, assembleToken } from '../src/token/writer.js';

const NOW = 1_795_353_361;
const key = nodeCrypto.importKey('sec-c-hostile');
const keyset: Keyset = { subscribeKey: 'sub-c-h', publishKey: 'pub-c-h', keys: [key] };
const revoked = new Map<string, number>();
const handler = createGrantHandler({
  keysets: new Map([[keyset.subscribeKey, keyset]]),
  clock: () => NOW,
  revocations: {
    revoke: (id, expiresAt) => {
      // A store that cannot hold what it is given says so, as the SQLite and Redis stores do.
      if (!Number.isSafeInteger(expiresAt)) throw Object.assign(new Error('bad expiry'), { code: 'EINVAL' });
      revoked.set(id, expiresAt);
    },
    isRevoked: (id) => revoked.has(id),
  },
});

function signed(method: string, path: string, body = '', bodyBytes?: Uint8Array<ArrayBuffer>): Request {
  const query = { uuid: 'server', timestamp: String(NOW) };
  const signature = signRequestV2(key, { method, publishKey: keyset.publishKey, path, query, body });
  const url = new URL(`http://localhost${path}`);
  for (const [name, value] of Object.entries({ ...query, signature })) url.searchParams.set(name, value);
  return new Request(url, { method, ...(body === '' ? {} : { body: bodyBytes ?? body, headers: { 'content-type': 'application/json' } }) });
}
const answer = async (response: Response) => ({ status: response.status, body: await response.json() as Record<string, any> });
const grantPath = `/v3/pam/${keyset.subscribeKey}/grant`;
const authorizeUrl = (query: string) => `http://localhost/grantkit/v1/${keyset.subscribeKey}/authorize?${query}`;

/** A grant body as the official SDKs send it, with `channels` patterns. */
function patternBody(patterns: Record<string, number>): string {
  return JSON.stringify({ ttl: 15, permissions: { resources: {}, patterns: { channels: patterns }, meta: {} } });
}

describe('pattern DoS: a grant\'s patterns and an authorization have a bounded cost', () => {
  const family = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`^[ab]*a[ab]{20}$|^${index}$`, 1]));

  it('refuses ^[ab]*a[ab]{20}$ at grant time with a typed 400 naming the pattern', async () => {
    const { status, body } = await answer(await handler(signed('POST', grantPath, patternBody({ '^[ab]*a[ab]{20}$': 1 }))));
    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      message: 'Invalid RegExp',
      details: [{ location: 'permissions.patterns.channels.^[ab]*a[ab]{20}$', locationType: 'body', message: expect.stringMatching(/too costly to match/) }],
    });
  });

  it('refuses a grant of 50 such patterns at once, without building their matchers', async () => {
    expect((await handler(signed('POST', grantPath, patternBody(family(50))))).status).toBe(400);
  });

  it('refuses patterns that are each fine but too costly together, naming `patterns`', async () => {
    const patterns = Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`^[ab]*a[ab]{7}-${index}$`, 1]));
    const { status, body } = await answer(await handler(signed('POST', grantPath, patternBody(patterns))));
    expect(status).toBe(400);
    expect(body.error.details[0]).toMatchObject({ location: 'permissions.patterns', message: expect.stringMatching(/together are too costly/) });
  });

  it('a token from elsewhere carrying 50 of them (signed with the keyset\'s secret): a 10 kB name is refused, a fitting one costs the budget', async () => {
    // Such a token can only come from another issuer holding the secret; grantkit would not mint it.
    const grant = { ttl: 15, resources: emptySlots(), patterns: { ...emptySlots(), channels: family(50) }, meta: {} } as TokenGrant;
    const token = assembleToken(encodeUnsignedToken(grant, NOW), key.sign(encodeUnsignedToken(grant, NOW)));
    const long = await handler(new Request(authorizeUrl(`token=${token}&channel=${'ab'.repeat(5_000)}&permission=read`)));
    expect(long.status).toBe(400);
    const fits = await answer(await handler(new Request(authorizeUrl(`token=${token}&channel=${'ab'.repeat(128)}&permission=read`))));
    expect(fits).toMatchObject({ status: 403, body: { reason: 'no-grant' } });
  });

  it('caps requested names like granted ones (256), for every resource kind and the uuid', async () => {
    const token = mintToken({ ttl: 15, channels: [Channel.pattern('^.*$').read()] }, key, { timestamp: NOW });
    for (const parameter of ['channel', 'group', 'space', 'user', 'target-uuid', 'uuid']) {
      const resource = parameter === 'uuid' ? `channel=a&uuid=${'u'.repeat(257)}` : `${parameter}=${'n'.repeat(257)}`;
      const { status, body } = await answer(await handler(new Request(authorizeUrl(`token=${token}&${resource}&permission=read`))));
      expect([parameter, status]).toEqual([parameter, 400]);
      expect(body.error.details[0].location).toBe(parameter);
    }
    const ok = await handler(new Request(authorizeUrl(`token=${token}&channel=${'n'.repeat(256)}&permission=read`)));
    expect(ok.status).toBe(200);
  });
});

describe('malleable tokens: one signed token has one text (padding aside)', () => {
  const token = mintToken({ ttl: 15, authorizedUuid: 'alice', channels: [Channel.id('room-1').read()] }, key, { timestamp: NOW });
  const bytes = base64UrlDecode(token);
  const count = bytes[0]! - 0xa0;
  const body = bytes.subarray(1);
  const sigKey = body.length - 38;
  const widerHeaders = [[0xb8, count], [0xb9, 0, count], [0xba, 0, 0, 0, count], [0xbb, 0, 0, 0, 0, 0, 0, 0, count]];
  const variants: Uint8Array[] = [];
  for (const header of [[0xa0 + count], ...widerHeaders]) {
    for (const sigAsText of [false, true]) {
      if (header.length === 1 && !sigAsText) continue; // the canonical form itself
      const variant = Uint8Array.from([...header, ...body]);
      if (sigAsText) variant[header.length + sigKey] = 0x63; // "sig" as a text string key
      variants.push(variant);
    }
  }

  it('has found all 9 other encodings, each decoding to the same content', () => {
    expect(variants).toHaveLength(9);
    for (const variant of variants) expect(decodeToken(base64UrlEncode(variant))).toEqual(decodeToken(token));
  });

  it('verifies only the canonical one, also once the canonical one is answered from the verify cache', () => {
    // The third presentation on is answered from the cache (no re-hash): the variants must still be refused, each
    // time they are presented.
    for (let round = 0; round < 3; round++) expect(verifyToken(token, key, { now: NOW }).authorizedUuid).toBe('alice');
    for (let round = 0; round < 3; round++) {
      for (const variant of variants) {
        expect(() => verifyToken(base64UrlEncode(variant), key, { now: NOW })).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_MALFORMED' }));
      }
    }
  });

  it('still verifies the unpadded text, with the same id', () => {
    const unpadded = token.replace(/=+$/, '');
    expect(unpadded).not.toBe(token);
    expect(verifyToken(unpadded, key, { now: NOW }).id).toBe(verifyToken(token, key, { now: NOW }).id);
  });
});

describe('lone surrogates are refused with a 400 naming the field, never replaced by U+FFFD', () => {
  it.each([
    ['a resource name', { resources: { channels: { 'a\ud800': 1, 'a\udbff': 1 } } }, 'permissions.resources.channels.a\ud800'],
    ['a pattern', { patterns: { channels: { '^a\udc00$': 1 } } }, 'permissions.patterns.channels.^a\udc00$'],
    ['the authorized uuid', { uuid: 'al\ud800', resources: { channels: { a: 1 } } }, 'permissions.uuid'],
    ['a meta key', { resources: { channels: { a: 1 } }, meta: { 'k\ud800': 1 } }, 'permissions.meta.k\ud800'],
    ['a meta value', { resources: { channels: { a: 1 } }, meta: { k: 'v\udfff' } }, 'permissions.meta.k'],
    ['a nested meta key', { resources: { channels: { a: 1 } }, meta: { app: { 'k\ud800': 1 } } }, 'permissions.meta.app.k\ud800'],
    ['a nested meta value', { resources: { channels: { a: 1 } }, meta: { app: ['ok', 'v\udfff'] } }, 'permissions.meta.app[1]'],
  ])('in %s', async (_case, permissions, location) => {
    // JSON escapes are how a lone surrogate arrives in a body; the bytes themselves are valid UTF-8.
    const { status, body } = await answer(await handler(signed('POST', grantPath, JSON.stringify({ ttl: 15, permissions }))));
    expect(status).toBe(400);
    expect(body.error.details[0].location).toBe(location);
  });

  it('in a grant made through the SDK-style input', () => {
    expect(() => normalizeGrant({ ttl: 15, authorizedUuid: 'al\ud800', channels: [Channel.id('a').read()] }))
      .toThrow(expect.objectContaining({ code: 'ERR_GRANT_INVALID', field: 'permissions.uuid' }));
  });

  it('in an authorize request: the uuid, the resource (query and JSON body)', async () => {
    const token = mintToken({ ttl: 15, authorizedUuid: 'al', channels: [Channel.id('a').read()] }, key, { timestamp: NOW });
    for (const query of [`token=${token}&channel=a&permission=read&uuid=al%ED%A0%80`, `token=${token}&channel=a%FF&permission=read&uuid=al`]) {
      const { status, body } = await answer(await handler(new Request(authorizeUrl(query))));
      expect(status).toBe(400);
      expect(['uuid', 'channel']).toContain(body.error.details[0].location);
    }
    const post = await handler(new Request(authorizeUrl(''), {
      method: 'POST', body: JSON.stringify({ token, channel: 'a', permission: 'read', uuid: 'al\ud800' }),
    }));
    expect(await answer(post)).toMatchObject({ status: 400, body: { error: { details: [{ location: 'uuid' }] } } });
  });

  it('in a decoded token: text that is not UTF-8 (a CESU-encoded surrogate) is malformed', () => {
    const grant = normalizeGrant({ ttl: 15, channels: [Channel.id('abc').read()] });
    const unsigned = encodeUnsignedToken(grant, NOW);
    const at = unsigned.findIndex((_, index) => unsigned[index] === 0x63 && unsigned[index + 1] === 0x61); // text(3) "abc"
    unsigned.set([0xed, 0xa0, 0x80], at + 1);
    expect(() => decodeToken(assembleToken(unsigned, key.sign(unsigned)))).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_MALFORMED' }));
  });
});

describe('every numeric field is bounded on decode and verify', () => {
  const sign = (grant: TokenGrant, timestamp: number) => {
    const unsigned = encodeUnsignedToken(grant, timestamp);
    return assembleToken(unsigned, key.sign(unsigned));
  };
  const grant = (ttl: number) => ({ ...normalizeGrant({ ttl: 15, channels: [Channel.id('a').read()] }), ttl }) as TokenGrant;

  // A lifetime any keyset mints, from an issue time near 2^53: the expiry rounds, and the token never expires.
  const neverExpires = () => sign(grant(LIMITS.maxTtl), 2 ** 53 - 1_000);

  it('refuses a signed token whose t + ttl·60 passes 2^53 (it would never expire)', () => {
    const token = neverExpires();
    expect(() => decodeToken(token)).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_MALFORMED', field: 'token.ttl' }));
    expect(() => verifyToken(token, key, { now: NOW })).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_MALFORMED' }));
  });

  it.each([0, LIMITS.maxTtl + 1, 2 ** 32])('refuses a signed token with ttl %i, which no keyset mints', (ttl) => {
    expect(() => verifyToken(sign(grant(ttl), NOW), key, { now: NOW })).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_MALFORMED', field: 'token.ttl' }));
  });

  it('revoke answers 400 for such a token, never 503', async () => {
    const token = neverExpires();
    const { status, body } = await answer(await handler(signed('DELETE', `${grantPath}/${encodeURIComponent(token)}`)));
    expect(status).toBe(400);
    expect(body.error.message).toBe('Invalid token');
  });

  it('revoke answers for a store that refuses an entry, instead of blaming the store', async () => {
    const refusing = createGrantHandler({
      keysets: new Map([[keyset.subscribeKey, keyset]]),
      clock: () => NOW,
      revocations: {
        revoke: () => {
          // As the SQLite and Redis stores refuse an id or expiry they cannot hold.
          throw new RequestInvalidError('expiresAt must be Unix seconds', { field: 'expiresAt' });
        },
        isRevoked: () => false,
      },
    });
    const token = mintToken({ ttl: 15, channels: [Channel.id('a').read()] }, key, { timestamp: NOW });
    const response = await refusing(signed('DELETE', `${grantPath}/${encodeURIComponent(token)}`));
    expect(response.status).toBe(400);
  });
});

describe('signatures cover the body bytes as sent', () => {
  it('accepts a body that starts with a UTF-8 byte order mark, signed with it', async () => {
    const body = `\ufeff${grantToRequestBody(normalizeGrant({ ttl: 15, channels: [Channel.id('bom').read()] }))}`;
    const bytes = new TextEncoder().encode(body);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const { status, body: reply } = await answer(await handler(signed('POST', grantPath, body, bytes)));
    expect(status).toBe(200);
    expect(decodeToken(reply.data.token).resources.channels).toEqual({ bom: 1 });
  });

  it('still refuses a body whose BOM was not signed', async () => {
    const body = grantToRequestBody(normalizeGrant({ ttl: 15, channels: [Channel.id('bom').read()] }));
    const withBom = new TextEncoder().encode(`\ufeff${body}`);
    expect((await handler(signed('POST', grantPath, body, withBom))).status).toBe(403);
  });
});

describe('authorize itself grants nothing on over-long names', () => {
  it('whatever path calls it', () => {
    const token = verifyToken(mintToken({ ttl: 15, channels: [Channel.pattern('^.*$').read()] }, key, { timestamp: NOW }), key, { now: NOW });
    expect(authorize(token, { resource: { channel: 'x'.repeat(257) }, permission: 'read', now: NOW }).allowed).toBe(false);
    expect(authorize(token, { resource: { channel: 'x'.repeat(256) }, permission: 'read', now: NOW }).allowed).toBe(true);
  });
});
