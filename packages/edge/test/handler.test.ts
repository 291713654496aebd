/**
 * Integration: the test Worker (test/worker.ts, `createEdgeHandler()` with bindings from wrangler.jsonc and the
 * secrets vitest.config.ts supplies) called through `exports.default.fetch`, as Cloudflare calls a deployed Worker.
 */
import { exports } from 'cloudflare:workers';
import { Channel, mintToken, parseToken, verifyToken } from '@grantkit/core';
import { importHmacKey } from '@grantkit/edge';
import { describe, expect, it } from 'vitest';
import { EDGE, SECOND, nowSeconds } from './helpers/keysets.js';
import { grantBody, signedRequest } from './helpers/signed-request.js';

const worker = (request: Request) => exports.default.fetch(request);

async function grant(body: string, options: { secretKey?: string; timestamp?: number; keyset?: typeof EDGE | typeof SECOND } = {}) {
  const keyset = options.keyset ?? EDGE;
  const response = await worker(await signedRequest({
    method: 'POST',
    path: `/v3/pam/${keyset.subscribeKey}/grant`,
    publishKey: keyset.publishKey,
    secretKey: options.secretKey ?? keyset.secretKey,
    body,
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
  }));
  return { response, json: await response.json<any>() };
}

async function revoke(token: string, options: { secretKey?: string } = {}) {
  const response = await worker(await signedRequest({
    method: 'DELETE',
    path: `/v3/pam/${EDGE.subscribeKey}/grant/${encodeURIComponent(token)}`,
    publishKey: EDGE.publishKey,
    secretKey: options.secretKey ?? EDGE.secretKey,
  }));
  return { response, json: await response.json<any>() };
}

async function check(query: Record<string, string>, headers: Record<string, string> = {}) {
  const url = new URL(`http://grantkit.test/grantkit/v1/${EDGE.subscribeKey}/authorize`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  const response = await worker(new Request(url, { headers }));
  return { response, json: await response.json<any>() };
}

describe('health', () => {
  it('answers 200 OK', async () => {
    const response = await worker(new Request('http://grantkit.test/health'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 200, message: 'OK', service: 'Access Manager' });
  });
});

describe('grant', () => {
  it('mints a token from an SDK-shaped body, signed by the current secret, in PubNub\'s reply shape', async () => {
    const { response, json } = await grant(grantBody({
      ttl: 30, channels: { 'room-1': 3 }, channelPatterns: { '^room-.*$': 1 }, authorizedUuid: 'alice', meta: { plan: 'pro' },
    }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=UTF-8');
    expect(json).toEqual({ status: 200, data: { message: 'Success', token: expect.any(String) }, service: 'Access Manager' });
    const verified = await verifyToken(json.data.token, await importHmacKey(EDGE.secretKey));
    expect(verified.keyIndex).toBe(0);
    expect(verified.ttl).toBe(30);
    expect(verified.authorizedUuid).toBe('alice');
    const parsed = parseToken(json.data.token);
    expect(parsed.resources?.channels?.['room-1']).toMatchObject({ read: true, write: true, manage: false });
    expect(parsed.patterns?.channels?.['^room-.*$']).toMatchObject({ read: true, write: false });
    expect(parsed.meta).toEqual({ plan: 'pro' });
  });

  it('serves every keyset from GRANTKIT_KEYSETS with its own secret', async () => {
    const { response, json } = await grant(grantBody({ channels: { a: 1 } }), { keyset: SECOND });
    expect(response.status).toBe(200);
    await expect(verifyToken(json.data.token, await importHmacKey(SECOND.secretKey))).resolves.toMatchObject({ keyIndex: 0 });
    await expect(verifyToken(json.data.token, await importHmacKey(EDGE.secretKey))).rejects.toMatchObject({ code: 'ERR_TOKEN_SIGNATURE_INVALID' });
  });

  it('refuses an unknown subscribe key with 400', async () => {
    const response = await worker(await signedRequest({
      method: 'POST', path: '/v3/pam/sub-c-unknown/grant', publishKey: EDGE.publishKey, secretKey: EDGE.secretKey,
      body: grantBody({ channels: { a: 1 } }),
    }));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ status: 400, error: { message: 'Invalid subscribe key' } });
  });

  it('answers PubNub\'s 400s for an invalid grant', async () => {
    const badTtl = await grant(grantBody({ ttl: 0, channels: { a: 1 } }));
    expect(badTtl.response.status).toBe(400);
    expect(badTtl.json).toMatchObject({ status: 400, error: { message: 'Invalid ttl', details: [{ location: 'ttl' }] }, service: 'Access Manager' });
    const empty = await grant(grantBody({}));
    expect(empty.response.status).toBe(400);
    const capturing = await grant(grantBody({ channelPatterns: { '(a)': 1 } }));
    expect(capturing.response.status).toBe(400);
    expect(capturing.json.error.message).toBe('Invalid RegExp');
  });
});

describe('request signature and timestamp', () => {
  it('refuses a request signed with the wrong secret with 403', async () => {
    const { response, json } = await grant(grantBody({ channels: { a: 1 } }), { secretKey: 'sec-c-wrong' });
    expect(response.status).toBe(403);
    expect(json).toMatchObject({ status: 403, error: { message: 'Signature does not match', details: [{ location: 'signature', locationType: 'query' }] } });
  });

  it('refuses a missing or mangled signature with 403', async () => {
    for (const signature of ['', 'v1.abc', `v2.${'A'.repeat(43)}`, `v2.${'!'.repeat(43)}`]) {
      const response = await worker(await signedRequest({
        method: 'POST', path: `/v3/pam/${EDGE.subscribeKey}/grant`, publishKey: EDGE.publishKey, secretKey: EDGE.secretKey,
        body: grantBody({ channels: { a: 1 } }), signature,
      }));
      expect(response.status, signature).toBe(403);
    }
  });

  it('refuses a body changed after signing with 403', async () => {
    const request = await signedRequest({
      method: 'POST', path: `/v3/pam/${EDGE.subscribeKey}/grant`, publishKey: EDGE.publishKey, secretKey: EDGE.secretKey,
      body: grantBody({ channels: { a: 1 } }),
    });
    const tampered = new Request(request.url, { method: 'POST', body: grantBody({ channels: { a: 7 } }) });
    expect((await worker(tampered)).status).toBe(403);
  });

  it('refuses a stale or future timestamp with 400 Invalid timestamp, and accepts one inside the ±60 s window', async () => {
    for (const offset of [-120, -61, 61, 3600]) {
      const { response, json } = await grant(grantBody({ channels: { a: 1 } }), { timestamp: nowSeconds() + offset });
      expect(response.status, String(offset)).toBe(400);
      expect(json.error.message).toBe('Invalid timestamp');
    }
    const { response } = await grant(grantBody({ channels: { a: 1 } }), { timestamp: nowSeconds() - 50 });
    expect(response.status).toBe(200);
  });

  it('refuses a missing timestamp with 400', async () => {
    const request = await signedRequest({
      method: 'POST', path: `/v3/pam/${EDGE.subscribeKey}/grant`, publishKey: EDGE.publishKey, secretKey: EDGE.secretKey,
      body: grantBody({ channels: { a: 1 } }),
    });
    const url = new URL(request.url);
    url.searchParams.delete('timestamp');
    expect((await worker(new Request(url, { method: 'POST', body: grantBody({ channels: { a: 1 } }) }))).status).toBe(400);
  });
});

describe('key rotation', () => {
  it('accepts requests signed with a previous secret, and still mints with the current one', async () => {
    for (const secretKey of EDGE.previousSecretKeys) {
      const { response, json } = await grant(grantBody({ channels: { a: 1 } }), { secretKey });
      expect(response.status, secretKey).toBe(200);
      const verified = await verifyToken(json.data.token, [await importHmacKey(EDGE.secretKey)]);
      expect(verified.keyIndex).toBe(0);
    }
  });

  it('authorizes and revokes a token signed with a previous secret', async () => {
    const previousKey = await importHmacKey(EDGE.previousSecretKeys[0]!);
    const token = await mintToken({ ttl: 10, channels: [Channel.id('rotated').read()] }, previousKey);
    const allowed = await check({ token, channel: 'rotated', permission: 'read' });
    expect(allowed.response.status).toBe(200);
    expect(allowed.json).toMatchObject({ allowed: true, reason: 'granted' });
    expect((await revoke(token)).response.status).toBe(200);
    expect((await check({ token, channel: 'rotated', permission: 'read' })).json).toMatchObject({ allowed: false, reason: 'revoked' });
  });

  it('refuses a token signed with a secret that is neither current nor previous', async () => {
    const token = await mintToken({ ttl: 10, channels: [Channel.id('x').read()] }, await importHmacKey('sec-c-stranger'));
    const { response, json } = await check({ token, channel: 'x', permission: 'read' });
    expect(response.status).toBe(403);
    expect(json).toMatchObject({ allowed: false, reason: 'signature-invalid' });
  });
});

describe('revoke (Durable Object store, the test Worker\'s default)', () => {
  it('revokes a granted token: authorize turns from 200 to 403 revoked at once', async () => {
    const { json } = await grant(grantBody({ channels: { 'room-r': 1 } }));
    const token: string = json.data.token;
    expect((await check({ auth: token, channel: 'room-r', permission: 'read' })).response.status).toBe(200);
    const revoked = await revoke(token);
    expect(revoked.response.status).toBe(200);
    expect(revoked.json).toEqual({ status: 200, data: { message: 'Success' }, service: 'Access Manager' });
    const after = await check({ auth: token, channel: 'room-r', permission: 'read' });
    expect(after.response.status).toBe(403);
    expect(after.json).toMatchObject({ error: true, allowed: false, reason: 'revoked', status: 403 });
    // Revoking again is harmless.
    expect((await revoke(token)).response.status).toBe(200);
  });

  it('answers 400 Invalid token for garbage, a foreign keyset\'s token and an expired token', async () => {
    const garbage = await revoke('not-a-token');
    expect(garbage.response.status).toBe(400);
    expect(garbage.json).toMatchObject({ error: { message: 'Invalid token', details: [{ location: 'token', locationType: 'path' }] } });
    const foreign = await grant(grantBody({ channels: { a: 1 } }), { keyset: SECOND });
    expect((await revoke(foreign.json.data.token)).response.status).toBe(400);
    const expired = await mintToken({ ttl: 1, channels: [Channel.id('a').read()] }, await importHmacKey(EDGE.secretKey), { timestamp: nowSeconds() - 3600 });
    const expiredAnswer = await revoke(expired);
    expect(expiredAnswer.response.status).toBe(400);
    expect(expiredAnswer.json.error.details[0].message).toBe('Token is expired.');
  });

  it('refuses a revoke signed with the wrong secret with 403', async () => {
    const { json } = await grant(grantBody({ channels: { a: 1 } }));
    expect((await revoke(json.data.token, { secretKey: 'sec-c-wrong' })).response.status).toBe(403);
  });
});

describe('authorize endpoint', () => {
  it('reads the token from token, auth or a Bearer header', async () => {
    const { json } = await grant(grantBody({ channels: { 'room-a': 1 } }));
    const token: string = json.data.token;
    for (const [query, headers] of [
      [{ token }, {}],
      [{ auth: token }, {}],
      [{}, { authorization: `Bearer ${token}` }],
    ] as const) {
      const answer = await check({ ...query, channel: 'room-a', permission: 'read' }, headers);
      expect(answer.response.status).toBe(200);
      expect(answer.json).toMatchObject({ allowed: true, reason: 'granted', match: { source: 'resources', type: 'channels', key: 'room-a', mask: 1 } });
    }
  });

  it('denies with the reason: missing permission, no grant, uuid mismatch, expired, malformed', async () => {
    const { json } = await grant(grantBody({ channels: { 'room-a': 1 }, channelPatterns: { '^lobby-[0-9]+$': 3 }, authorizedUuid: 'alice' }));
    const token: string = json.data.token;
    const cases: Array<[Record<string, string>, number, string]> = [
      [{ channel: 'room-a', permission: 'read', uuid: 'alice' }, 200, 'granted'],
      [{ channel: 'lobby-7', permission: 'write', uuid: 'alice' }, 200, 'granted'],
      [{ channel: 'room-a', permission: 'write', uuid: 'alice' }, 403, 'permission-missing'],
      [{ channel: 'room-b', permission: 'read', uuid: 'alice' }, 403, 'no-grant'],
      [{ channel: 'room-a', permission: 'read', uuid: 'mallory' }, 403, 'uuid-mismatch'],
    ];
    for (const [query, status, reason] of cases) {
      const answer = await check({ token, ...query });
      expect(answer.response.status, JSON.stringify(query)).toBe(status);
      expect(answer.json.reason).toBe(reason);
    }
    const expired = await mintToken({ ttl: 1, channels: [Channel.id('a').read()] }, await importHmacKey(EDGE.secretKey), { timestamp: nowSeconds() - 120 });
    expect((await check({ token: expired, channel: 'a', permission: 'read' })).json.reason).toBe('expired');
    expect((await check({ token: 'p0F2AkF0Gm', channel: 'a', permission: 'read' })).json.reason).toBe('malformed');
  });

  it('answers 400 for a request it cannot evaluate', async () => {
    const { json } = await grant(grantBody({ channels: { a: 1 } }));
    const token: string = json.data.token;
    const queries: Array<Record<string, string>> = [
      { token, channel: 'a', permission: 'fly' },
      { token, permission: 'read' },
      { token, channel: 'a', group: 'b', permission: 'read' },
    ];
    for (const query of queries) {
      expect((await check(query)).response.status, JSON.stringify(query)).toBe(400);
    }
  });

  it('denies a request without a token with 403 missing, as authorizeRequest and the Node guard do', async () => {
    const { response, json } = await check({ channel: 'a', permission: 'read' });
    expect(response.status).toBe(403);
    expect(json).toMatchObject({ error: true, allowed: false, reason: 'missing' });
  });
});
