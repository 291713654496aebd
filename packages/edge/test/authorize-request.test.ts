/**
 * authorizeRequest: the helper a Worker calls on its own routes, with the real bindings (two keysets, the Durable
 * Object store) in workerd.
 */
import { env } from 'cloudflare:workers';
import { Channel, mintToken, UUID, type GrantInput, type RevocationStore } from '@grantkit/core';
import {
  authorizeRequest, durableObjectRevocationStore, forbiddenResponse, importHmacKey,
} from '@grantkit/edge';
import { describe, expect, it } from 'vitest';
import { EDGE, SECOND, nowSeconds } from './helpers/keysets.js';

const ROOM = { resource: { channel: 'room-1' }, permission: 'read' } as const;

async function tokenFor(grant: GrantInput, secretKey = EDGE.secretKey, timestamp?: number): Promise<string> {
  return mintToken(grant, await importHmacKey(secretKey), timestamp === undefined ? {} : { timestamp });
}

function requestWith(token: string | undefined, options: { bearer?: boolean; uuid?: string; parameter?: 'auth' | 'token' } = {}): Request {
  const url = new URL('https://app.example/rooms/room-1');
  if (token !== undefined && options.bearer !== true) url.searchParams.set(options.parameter ?? 'auth', token);
  if (options.uuid !== undefined) url.searchParams.set('uuid', options.uuid);
  return new Request(url, token !== undefined && options.bearer === true ? { headers: { authorization: `Bearer ${token}` } } : {});
}

describe('authorizeRequest', () => {
  it('allows a token from the auth or token query parameter or a Bearer header, and returns it verified', async () => {
    const token = await tokenFor({ ttl: 10, channels: [Channel.id('room-1').read()] });
    for (const request of [requestWith(token), requestWith(token, { parameter: 'token' }), requestWith(token, { bearer: true })]) {
      const decision = await authorizeRequest(request, env, { ...ROOM, subscribeKey: EDGE.subscribeKey });
      expect(decision).toMatchObject({ allowed: true, reason: 'granted', match: { source: 'resources', key: 'room-1' } });
      expect(decision.token?.keyIndex).toBe(0);
    }
  });

  it('denies without throwing: missing, malformed, another keyset\'s token, wrong permission', async () => {
    const options = { ...ROOM, subscribeKey: EDGE.subscribeKey };
    expect(await authorizeRequest(requestWith(undefined), env, options)).toMatchObject({ allowed: false, reason: 'missing' });
    expect(await authorizeRequest(requestWith(''), env, options)).toMatchObject({ allowed: false, reason: 'missing' });
    expect(await authorizeRequest(requestWith('%%%'), env, options)).toMatchObject({ allowed: false, reason: 'malformed' });
    const foreign = await tokenFor({ ttl: 10, channels: [Channel.id('room-1').read()] }, SECOND.secretKey);
    const denied = await authorizeRequest(requestWith(foreign), env, options);
    expect(denied).toMatchObject({ allowed: false, reason: 'signature-invalid' });
    expect(denied.token).toBeUndefined();
    const readOnly = await tokenFor({ ttl: 10, channels: [Channel.id('room-1').read()] });
    expect(await authorizeRequest(requestWith(readOnly), env, { ...options, permission: 'write' }))
      .toMatchObject({ allowed: false, reason: 'permission-missing' });
  });

  it('verifies against the keyset named by subscribeKey, previous secrets included', async () => {
    const second = await tokenFor({ ttl: 10, channels: [Channel.id('room-1').read()] }, SECOND.secretKey);
    expect(await authorizeRequest(requestWith(second), env, { ...ROOM, subscribeKey: SECOND.subscribeKey })).toMatchObject({ allowed: true });
    const rotated = await tokenFor({ ttl: 10, channels: [Channel.id('room-1').read()] }, EDGE.previousSecretKeys[1]!);
    const decision = await authorizeRequest(requestWith(rotated), env, { ...ROOM, subscribeKey: EDGE.subscribeKey });
    expect(decision).toMatchObject({ allowed: true });
    expect(decision.token?.keyIndex).toBe(2);
  });

  it('needs subscribeKey only when several keysets are configured', async () => {
    const token = await tokenFor({ ttl: 10, channels: [Channel.id('room-1').read()] });
    await expect(authorizeRequest(requestWith(token), env, ROOM)).rejects.toMatchObject({ code: 'ERR_KEY_INVALID', field: 'subscribeKey' });
    await expect(authorizeRequest(requestWith(token), env, { ...ROOM, subscribeKey: 'sub-c-nope' })).rejects.toMatchObject({ code: 'ERR_KEY_INVALID' });
    const { GRANTKIT_KEYSETS: _second, ...single } = env;
    expect(await authorizeRequest(requestWith(token), single, ROOM)).toMatchObject({ allowed: true });
  });

  it('checks a bound token against the uuid query parameter, or the uuid option', async () => {
    const token = await tokenFor({ ttl: 10, authorizedUuid: 'alice', channels: [Channel.id('room-1').read()], uuids: [UUID.id('alice').get()] });
    const options = { ...ROOM, subscribeKey: EDGE.subscribeKey };
    expect(await authorizeRequest(requestWith(token, { uuid: 'alice' }), env, options)).toMatchObject({ allowed: true });
    expect(await authorizeRequest(requestWith(token, { uuid: 'mallory' }), env, options)).toMatchObject({ reason: 'uuid-mismatch' });
    expect(await authorizeRequest(requestWith(token), env, options)).toMatchObject({ reason: 'uuid-mismatch' });
    expect(await authorizeRequest(requestWith(token, { uuid: 'mallory' }), env, { ...options, uuid: 'alice' })).toMatchObject({ allowed: true });
  });

  it('reports an expired token as expired, with the token', async () => {
    const token = await tokenFor({ ttl: 1, channels: [Channel.id('room-1').read()] }, EDGE.secretKey, nowSeconds() - 120);
    const decision = await authorizeRequest(requestWith(token), env, { ...ROOM, subscribeKey: EDGE.subscribeKey });
    expect(decision).toMatchObject({ allowed: false, reason: 'expired' });
    expect(decision.token?.ttl).toBe(1);
    expect(await authorizeRequest(requestWith(token), env, { ...ROOM, subscribeKey: EDGE.subscribeKey, now: nowSeconds() - 100 }))
      .toMatchObject({ allowed: true });
  });

  it('consults the bound revocation store by default, and can skip it', async () => {
    const token = await tokenFor({ ttl: 10, channels: [Channel.id('room-1').read()] });
    const options = { ...ROOM, subscribeKey: EDGE.subscribeKey };
    const { token: verified } = await authorizeRequest(requestWith(token), env, options);
    await durableObjectRevocationStore(env.GRANTKIT_REVOCATIONS).revoke(verified!.id, verified!.expiresAt);
    expect(await authorizeRequest(requestWith(token), env, options)).toMatchObject({ allowed: false, reason: 'revoked' });
    expect(await authorizeRequest(requestWith(token), env, { ...options, revocations: false })).toMatchObject({ allowed: true });
  });

  it('fails closed: throws ERR_STORE_UNAVAILABLE when the store cannot answer', async () => {
    const token = await tokenFor({ ttl: 10, channels: [Channel.id('room-1').read()] });
    const down: RevocationStore = { revoke: async () => undefined, isRevoked: () => Promise.reject(new Error('timeout')) };
    await expect(authorizeRequest(requestWith(token), env, { ...ROOM, subscribeKey: EDGE.subscribeKey, revocations: down }))
      .rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
  });

  it('denies an expired token as expired while the store is down, as the authorize endpoint and Node do', async () => {
    const token = await tokenFor({ ttl: 1, channels: [Channel.id('room-1').read()] }, EDGE.secretKey, nowSeconds() - 120);
    let lookups = 0;
    const down: RevocationStore = { revoke: async () => undefined, isRevoked: () => { lookups++; return Promise.reject(new Error('timeout')); } };
    expect(await authorizeRequest(requestWith(token), env, { ...ROOM, subscribeKey: EDGE.subscribeKey, revocations: down }))
      .toMatchObject({ allowed: false, reason: 'expired' });
    expect(lookups).toBe(0);
  });
});

describe('forbiddenResponse', () => {
  it('is a 403 in the authorize endpoint\'s shape, with the reason and no token', async () => {
    const token = await tokenFor({ ttl: 10, channels: [Channel.id('room-2').read()] });
    const decision = await authorizeRequest(requestWith(token), env, { ...ROOM, subscribeKey: EDGE.subscribeKey });
    const response = forbiddenResponse(decision);
    expect(response.status).toBe(403);
    const text = await response.text();
    // The authorize endpoint's denial body, from core's tokenCheckBody.
    expect(JSON.parse(text)).toEqual({ error: true, allowed: false, reason: 'no-grant', message: expect.any(String), status: 403, service: 'Access Manager' });
    expect(text).not.toContain(token.slice(0, 20));
  });
});
