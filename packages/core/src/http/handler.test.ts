import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../test/ports/node-crypto.js';
import { normalizeGrant } from '../grant/grant-input.js';
import { grantToRequestBody } from '../grant/rest-body.js';
import { mintToken } from '../token/mint.js';
import type { RevocationStore } from '../ports.js';
import { Channel } from '../grant/builders.js';
import { signRequestV2 } from '../signature-v2.js';
import type { Keyset } from '../keysets.js';
import { createGrantHandler, splitRequestTarget, type GrantRequest, type HandlerEvent } from './handler.js';

const NOW = 1_795_353_361;
const key = nodeCrypto.importKey('sec-c-test');
const keyset: Keyset = { subscribeKey: 'sub-c-test', publishKey: 'pub-c-test', keys: [key] };
const strictKeyset: Keyset = { subscribeKey: 'sub-c-strict', publishKey: 'pub-c-test', keys: [key], validation: 'strict' };

class MemoryStore implements RevocationStore {
  readonly entries = new Map<string, number>();
  down = false;
  revoke(tokenId: string, expiresAt: number) {
    if (this.down) throw new Error('down');
    this.entries.set(tokenId, expiresAt);
  }
  isRevoked(tokenId: string) {
    if (this.down) return Promise.reject(new Error('down'));
    return this.entries.has(tokenId);
  }
}

let store: MemoryStore;
let events: HandlerEvent[];
let handler: ReturnType<typeof createGrantHandler>;
beforeEach(() => {
  store = new MemoryStore();
  events = [];
  handler = createGrantHandler({
    keysets: new Map([[keyset.subscribeKey, keyset], [strictKeyset.subscribeKey, strictKeyset]]),
    revocations: store, clock: () => NOW, onEvent: (event) => events.push(event),
  });
});

function signed(method: string, path: string, body = '', query: Record<string, string> = {}, signingKey = key): Request {
  const parameters = { uuid: 'server', timestamp: String(NOW), ...query };
  const signature = signRequestV2(signingKey, { method, publishKey: 'pub-c-test', path, query: parameters, body });
  const url = new URL(`http://localhost${path}`);
  for (const [name, value] of Object.entries({ ...parameters, signature })) url.searchParams.set(name, value);
  return new Request(url, { method, ...(body === '' ? {} : { body, headers: { 'content-type': 'application/json' } }) });
}
const grantBody = grantToRequestBody(normalizeGrant({ ttl: 15, authorizedUuid: 'alice', channels: [Channel.id('room-1').read()] }));
const json = async (response: Response) => ({ status: response.status, body: await response.json() });

describe('grant', () => {
  it('mints a token for a signed SDK body, in PubNub’s success shape, key order and content type', async () => {
    const response = await handler(signed('POST', '/v3/pam/sub-c-test/grant', grantBody));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=UTF-8');
    const text = await response.text();
    const { token } = (JSON.parse(text) as { data: { token: string } }).data;
    expect(text).toBe(`{"data":{"message":"Success","token":"${token}"},"service":"Access Manager","status":200}`);
    expect(events).toEqual([expect.objectContaining({ route: 'grant', status: 200, outcome: 'success', subscribeKey: 'sub-c-test' })]);
    expect(events[0]).not.toHaveProperty('strictWarnings');
  });

  it('validates per keyset: pubnub mode accepts and reports what strict refuses; a strict keyset answers 400', async () => {
    const body = grantBody.replace('"groups":{}', '"groups":{"g":2}').replace('"meta":{}', '"meta":{"app":{"v":"1.0.0"},"none":null}');
    expect((await handler(signed('POST', '/v3/pam/sub-c-test/grant', body))).status).toBe(200);
    expect(events.at(-1)!.strictWarnings).toEqual([
      { rule: 'permission-not-for-type', field: 'permissions.resources.groups.g' },
      { rule: 'meta-not-scalar', field: 'permissions.meta.app' },
      { rule: 'meta-not-scalar', field: 'permissions.meta.none' },
    ]);
    expect(await json(await handler(signed('POST', '/v3/pam/sub-c-strict/grant', body)))).toMatchObject({
      status: 400, body: { error: { message: 'Invalid permissions', details: [{ location: 'permissions.resources.groups.g' }] } },
    });
  });

  it('answers bad ttl with PubNub’s exact error body', async () => {
    const body = grantBody.replace('"ttl":15', '"ttl":43201');
    expect(await json(await handler(signed('POST', '/v3/pam/sub-c-test/grant', body)))).toEqual({
      status: 400,
      body: {
        error: { message: 'Invalid ttl', source: 'grant', details: [{ message: 'Range should be 1 to 43200 minute(s).', location: 'ttl', locationType: 'body' }] },
        service: 'Access Manager',
        status: 400,
      },
    });
  });

  it.each([
    ['a zero bitmask', '"room-1":1', '"room-1":0', 'Invalid permissions', 'permissions.resources.channels.room-1'],
    ['a capturing group', '"patterns":{"channels":{}', '"patterns":{"channels":{"(a)":1}', 'Invalid RegExp', 'permissions.patterns.channels.(a)'],
  ])('names the field for %s', async (_name, from, to, message, location) => {
    const { status, body } = await json(await handler(signed('POST', '/v3/pam/sub-c-test/grant', grantBody.replace(from, to))));
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ message, details: [{ location, locationType: 'body' }] });
  });

  it('refuses a wrong secret with 403 and a stale timestamp with 400', async () => {
    const wrong = await handler(signed('POST', '/v3/pam/sub-c-test/grant', grantBody, {}, nodeCrypto.importKey('nope')));
    expect(wrong.status).toBe(403);
    const stale = await handler(signed('POST', '/v3/pam/sub-c-test/grant', grantBody, { timestamp: String(NOW - 61) }));
    expect((await json(stale))).toMatchObject({ status: 400, body: { error: { message: 'Invalid timestamp', details: [{ location: 'timestamp', locationType: 'query' }] } } });
  });

  it('answers 413 for an oversized body, whatever Content-Length says, and 400 for bad JSON and unknown keys', async () => {
    const big = `{"ttl":15,"x":"${'a'.repeat(40_000)}"}`;
    expect((await handler(signed('POST', '/v3/pam/sub-c-test/grant', big))).status).toBe(413);
    expect((await handler(signed('POST', '/v3/pam/sub-c-test/grant', '{nope'))).status).toBe(400);
    expect((await handler(signed('POST', '/v3/pam/sub-c-other/grant', grantBody))).status).toBe(400);
    // An unknown subscribe key is not reported: clients choose it, and metrics labels must not grow with it.
    expect(events.at(-1)).toMatchObject({ route: 'grant', status: 400 });
    expect(events.at(-1)).not.toHaveProperty('subscribeKey');
  });

  it('never answers 500 to arbitrary bodies and paths', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), fc.string({ maxLength: 30 }), async (body, segment) => {
        const response = await handler(signed('POST', '/v3/pam/sub-c-test/grant', body));
        expect([400, 413]).toContain(response.status);
        const path = await handler(new Request(`http://localhost/v3/pam/${encodeURIComponent(segment)}/grant/${encodeURIComponent(segment)}`, { method: 'DELETE' }));
        expect(path.status).toBeLessThan(500);
        expect(await path.json()).toHaveProperty('service', 'Access Manager');
      }),
      { numRuns: 150 },
    );
  });
});

describe('revoke and authorize', () => {
  const token = mintToken({ ttl: 10, authorizedUuid: 'alice', channels: [Channel.id('room-1').read()] }, key, { timestamp: NOW - 30 });
  const revokePath = `/v3/pam/sub-c-test/grant/${encodeURIComponent(token)}`;
  const check = (query: string, init?: RequestInit) => handler(new Request(`http://localhost/grantkit/v1/sub-c-test/authorize?${query}`, init));

  it('authorizes, then denies after a signed revoke, with reasons', async () => {
    expect(await json(await check(`auth=${encodeURIComponent(token)}&uuid=alice&channel=room-1&permission=read`))).toMatchObject({
      status: 200, body: { allowed: true, reason: 'granted' },
    });
    expect(await json(await check(`uuid=alice&channel=room-1&permission=write`, { headers: { authorization: `Bearer ${token}` } }))).toMatchObject({
      status: 403, body: { allowed: false, reason: 'permission-missing', error: true },
    });
    const revoked = await handler(signed('DELETE', revokePath));
    expect(revoked.headers.get('content-type')).toBe('text/javascript; charset=UTF-8');
    expect(await revoked.text()).toBe('{"data":{"message":"Success"},"service":"Access Manager","status":200}');
    expect(await json(await check(`token=${encodeURIComponent(token)}&uuid=alice&channel=room-1&permission=read`))).toMatchObject({
      status: 403, body: { reason: 'revoked', message: 'Token is revoked' },
    });
  });

  it('accepts a JSON body on POST', async () => {
    const response = await check('', { method: 'POST', body: JSON.stringify({ token, uuid: 'alice', channel: 'room-1', permission: 'read' }) });
    expect(response.status).toBe(200);
  });

  it('fails closed with 503 when the store is down, while grants keep working', async () => {
    store.down = true;
    expect((await check(`auth=${encodeURIComponent(token)}&uuid=alice&channel=room-1&permission=read`)).status).toBe(503);
    expect((await handler(signed('POST', '/v3/pam/sub-c-test/grant', grantBody))).status).toBe(200);
    expect((await handler(signed('DELETE', revokePath))).status).toBe(503);
  });

  it('refuses expired, foreign and malformed tokens on revoke with PubNub’s shape', async () => {
    const expired = mintToken({ ttl: 1, channels: [Channel.id('a').read()] }, key, { timestamp: NOW - 61 });
    const answer = await handler(signed('DELETE', `/v3/pam/sub-c-test/grant/${encodeURIComponent(expired)}`));
    expect(answer.status).toBe(400);
    // Byte for byte what PubNub's service answered (pubnub/python revoke_expired_token.json, 2025): alphabetical keys.
    expect(await answer.text()).toBe(
      '{"error":{"details":[{"location":"token","locationType":"path","message":"Token is expired."}],"message":"Invalid token","source":"revoke"},"service":"Access Manager","status":400}',
    );
    const foreign = mintToken({ ttl: 10, channels: [Channel.id('a').read()] }, nodeCrypto.importKey('other'), { timestamp: NOW });
    expect((await handler(signed('DELETE', `/v3/pam/sub-c-test/grant/${encodeURIComponent(foreign)}`))).status).toBe(400);
    expect((await handler(signed('DELETE', '/v3/pam/sub-c-test/grant/garbage'))).status).toBe(400);
  });

  it('denies an expired token as expired without asking the store (so no 503 while it is down)', async () => {
    store.down = true;
    const expired = mintToken({ ttl: 1, channels: [Channel.id('room-1').read()] }, key, { timestamp: NOW - 61 });
    expect(await json(await check(`auth=${encodeURIComponent(expired)}&channel=room-1&permission=read`))).toMatchObject({
      status: 403, body: { reason: 'expired' },
    });
  });

  it('answers 403 Feature disabled without a store, as PubNub', async () => {
    const bare = createGrantHandler({ keysets: new Map([[keyset.subscribeKey, keyset]]), clock: () => NOW });
    expect(await json(await bare(signed('DELETE', revokePath)))).toMatchObject({ status: 403, body: { error: { message: 'Feature disabled' } } });
  });

  it('reports bad authorize requests as 400 and bad or missing tokens as 403 with a reason', async () => {
    // 403, not 400: a gateway (nginx auth_request) treats only 401/403 as a denial, anything else as its own error.
    expect(await json(await check('uuid=alice&channel=room-1&permission=read'))).toMatchObject({ status: 403, body: { reason: 'missing', error: true } });
    expect((await check(`auth=${encodeURIComponent(token)}&channel=room-1&permission=fly`)).status).toBe(400);
    expect((await check(`auth=${encodeURIComponent(token)}&channel=a&group=b&permission=read`)).status).toBe(400);
    expect(await json(await check('auth=garbage&channel=a&permission=read'))).toMatchObject({ status: 403, body: { reason: 'malformed' } });
  });

  it('answers 500 (not a client error) when the keyset lookup itself fails, and 400 to a JSON array body', async () => {
    const broken = createGrantHandler({ keysets: () => { throw new TypeError('bad config'); }, clock: () => NOW });
    const response = await broken(signed('POST', '/v3/pam/sub-c-test/grant', grantBody));
    expect(response.status).toBe(500);
    expect(JSON.stringify(await response.json())).not.toContain('bad config');
    expect((await check('', { method: 'POST', body: '[]' })).status).toBe(400);
  });

  it('serves health, 404 and 405 as JSON', async () => {
    expect((await handler(new Request('http://localhost/health'))).status).toBe(200);
    expect((await handler(new Request('http://localhost/health', { method: 'HEAD' }))).status).toBe(200);
    expect((await handler(new Request('http://localhost/health', { method: 'DELETE' }))).status).toBe(405);
    expect((await handler(new Request('http://localhost/nope'))).status).toBe(404);
    expect((await handler(new Request('http://localhost/v3/pam/sub-c-test/grant', { method: 'GET' }))).status).toBe(405);
  });
});

describe('signature v2 as the SDKs send it', () => {
  const path = '/v3/pam/sub-c-test/grant';
  /** A request whose query is sent as `sent` while its signature covers `signedQuery` (both without `signature`). */
  const request = (sent: string, signedQuery: Record<string, string>) => {
    const signature = signRequestV2(key, { method: 'POST', publishKey: 'pub-c-test', path, query: signedQuery, body: grantBody });
    return new Request(`http://localhost${path}?${sent}&signature=${signature}`, { method: 'POST', body: grantBody });
  };

  it.each<[string, string, Record<string, string>]>([
    ['Python: a raw + in uuid, signed as %2B', `uuid=a+b&timestamp=${NOW}&pnsdk=PubNub-Python%2F10.7.1`, { uuid: 'a+b', timestamp: String(NOW), pnsdk: 'PubNub-Python/10.7.1' }],
    ['Python: raw ~ * ! \' ( ) in uuid', `uuid=a~b*c!d'e(f)&timestamp=${NOW}`, { uuid: "a~b*c!d'e(f)", timestamp: String(NOW) }],
    ['JS: %20, %7E, %2A and UTF-8 escapes', `uuid=a%20b%7Ec%2A%C3%BC%E2%82%AC&timestamp=${NOW}`, { uuid: 'a b~c*ü€', timestamp: String(NOW) }],
    ['a space sent as + and signed as %20', `uuid=a+b&timestamp=${NOW}`, { uuid: 'a b', timestamp: String(NOW) }],
    ['an empty value', `uuid=&auth=&timestamp=${NOW}`, { uuid: '', auth: '', timestamp: String(NOW) }],
    ['lowercase hex signed as received', `uuid=a%2fb&timestamp=${NOW}`, { uuid: 'a/b', timestamp: String(NOW) }],
  ])('verifies %s', async (_name, sent, signedQuery) => {
    expect((await handler(request(sent, signedQuery))).status).toBe(200);
  });

  it('verifies a query signed exactly as it was sent, when that differs from the canonical encoding', async () => {
    // Signed over the raw bytes `uuid=a%7eb` (lowercase hex, ~ escaped): only the as-received reading matches.
    const raw = `timestamp=${NOW}&uuid=a%7eb`;
    const { createHmac } = await import('node:crypto');
    const tag = createHmac('sha256', 'sec-c-test').update(`POST\npub-c-test\n${path}\n${raw}\n${grantBody}`).digest('base64url');
    const response = await handler(new Request(`http://localhost${path}?${raw}&signature=v2.${tag}`, { method: 'POST', body: grantBody }));
    expect(response.status).toBe(200);
  });

  it('still refuses a signature over a different value', async () => {
    const response = await handler(request(`uuid=a+b&timestamp=${NOW}`, { uuid: 'a-b', timestamp: String(NOW) }));
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('"message":"Signature does not match"');
  });
});

describe('handler.handle: the same routes without web objects', () => {
  it('splits a target exactly as new URL does (path with dot segments resolved, query as url.search gives it)', () => {
    const piece = fc.constantFrom('a', 'Z', '0', '-', '.', '..', '%2e', '%2E', '%', '%41', '%zz', "'", '"', ' ', '!', '$', '&', '(', '=', ':', '@', '+', ',', ';', '*', '~', '?', '/', '//', '#', '\\', '^', '`', '{', '|', 'é', '[');
    fc.assert(fc.property(fc.array(piece, { maxLength: 16 }), (pieces) => {
      const target = `/${pieces.join('')}`;
      const url = new URL(`http://localhost${target}`);
      expect(splitRequestTarget(target)).toEqual({ path: url.pathname, search: url.search.slice(1) });
    }), { numRuns: 2_000 });
  });

  it('answers a GrantRequest as the web form answers the same Request: status, headers and body', async () => {
    const handler = createGrantHandler({ keysets: new Map([[keyset.subscribeKey, keyset]]), clock: () => NOW });
    const token = mintToken({ ttl: 15, channels: [Channel.id('a').read()] }, key, { timestamp: NOW });
    const targets = [
      '/health', '/nowhere', `/grantkit/v1/sub-c-test/authorize?channel=a&permission=read&auth=${token}`,
      '/grantkit/v1/sub-c-test/authorize?channel=a&permission=write', '/v3/pam/sub-c-test/grant?timestamp=1', '/v3/pam/%E0%A4%A/grant',
    ];
    for (const target of targets) {
      const method = target.startsWith('/v3') ? 'POST' : 'GET';
      const request: GrantRequest = { method, target, header: () => undefined, text: async () => '{}' };
      const direct = await handler.handle(request);
      const web = await handler(new Request(`http://localhost${target}`, method === 'POST' ? { method, body: '{}' } : {}));
      expect([target, direct.status, direct.body]).toEqual([target, web.status, await web.text()]);
      expect(Object.fromEntries(web.headers)).toMatchObject(direct.headers);
    }
  });
});
