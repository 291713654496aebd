/**
 * The Workers KV revocation store against the real KV binding in workerd: what only KV does (expiration, prefixes,
 * read cache), and the store behind the handler (unit style: `handler.fetch(request, env, ctx)`).
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { Channel, mintToken, verifyToken } from '@grantkit/core';
import { createEdgeHandler, importHmacKey, kvRevocationStore, type KvNamespaceLike } from '@grantkit/edge';
import { describe, expect, it } from 'vitest';
import { EDGE, nowSeconds } from './helpers/keysets.js';
import { grantBody, signedRequest } from './helpers/signed-request.js';

const kv = env.GRANTKIT_REVOCATIONS_KV;

const broken: KvNamespaceLike = {
  get: () => Promise.reject(new Error('KV GET failed: 503')),
  put: () => Promise.reject(new Error('KV PUT failed: 503')),
};

// Behaviour every store shares (revoke/isRevoked, validation, close, failing closed) is in store-contract.test.ts.
describe('kvRevocationStore', () => {
  it('lets KV expire the entry when the token expires', async () => {
    const store = kvRevocationStore(kv, { prefix: 'expiry-test:' });
    const expiresAt = nowSeconds() + 3600;
    await store.revoke('long-lived', expiresAt);
    const { keys } = await kv.list({ prefix: 'expiry-test:' });
    expect(keys).toEqual([expect.objectContaining({ name: 'expiry-test:long-lived', expiration: expiresAt })]);
  });

  it('keeps an entry at least 60 s, the KV minimum, when the token expires sooner', async () => {
    const store = kvRevocationStore(kv, { prefix: 'short-test:', clock: () => 1_900_000_000 });
    await store.revoke('short-lived', 1_900_000_010);
    const { keys } = await kv.list({ prefix: 'short-test:' });
    expect(keys[0]?.expiration).toBe(1_900_000_060);
  });

  it('writes nothing for a token that has already expired', async () => {
    const store = kvRevocationStore(kv, { prefix: 'expired-test:' });
    await store.revoke('gone', nowSeconds() - 1);
    expect((await kv.list({ prefix: 'expired-test:' })).keys).toEqual([]);
  });

  it('keeps prefixes apart', async () => {
    await kvRevocationStore(kv, { prefix: 'tenant-a:' }).revoke('shared-id', nowSeconds() + 600);
    expect(await kvRevocationStore(kv, { prefix: 'tenant-b:' }).isRevoked('shared-id')).toBe(false);
  });

  it('passes cacheTtl to reads', async () => {
    const seen: unknown[] = [];
    const spy: KvNamespaceLike = { get: async (_key, options) => (seen.push(options), null), put: async () => undefined };
    await kvRevocationStore(spy, { cacheTtl: 30 }).isRevoked('x');
    expect(seen).toEqual([{ cacheTtl: 30 }]);
  });
});

describe('the handler with the KV store', () => {
  const handler = createEdgeHandler<Cloudflare.Env>({ revocations: (bindings) => kvRevocationStore(bindings.GRANTKIT_REVOCATIONS_KV) });

  async function call(request: Request, target = handler, bindings: object = env): Promise<Response> {
    const context = createExecutionContext();
    const response = await target.fetch(request, bindings as Cloudflare.Env, context);
    await waitOnExecutionContext(context);
    return response;
  }

  it('grant, revoke, then authorize refuses the token as revoked; the entry is in KV', async () => {
    const granted = await call(await signedRequest({
      method: 'POST', path: `/v3/pam/${EDGE.subscribeKey}/grant`, publishKey: EDGE.publishKey, secretKey: EDGE.secretKey,
      body: grantBody({ channels: { 'kv-room': 1 } }),
    }));
    const token: string = (await granted.json<any>()).data.token;
    const authorizeUrl = `http://grantkit.test/grantkit/v1/${EDGE.subscribeKey}/authorize?channel=kv-room&permission=read&auth=${encodeURIComponent(token)}`;
    expect((await call(new Request(authorizeUrl))).status).toBe(200);
    const revoked = await call(await signedRequest({
      method: 'DELETE', path: `/v3/pam/${EDGE.subscribeKey}/grant/${encodeURIComponent(token)}`, publishKey: EDGE.publishKey, secretKey: EDGE.secretKey,
    }));
    expect(revoked.status).toBe(200);
    const denied = await call(new Request(authorizeUrl));
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ reason: 'revoked' });
    expect((await kv.list({ prefix: 'grantkit:revoked:' })).keys.length).toBeGreaterThan(0);
  });

  it('is picked from the bindings when no Durable Object is bound', async () => {
    const { GRANTKIT_REVOCATIONS: _durableObject, ...kvOnly } = env;
    const token = await mintToken({ ttl: 10, channels: [Channel.id('auto').read()] }, await importHmacKey(EDGE.secretKey));
    const response = await call(await signedRequest({
      method: 'DELETE', path: `/v3/pam/${EDGE.subscribeKey}/grant/${encodeURIComponent(token)}`, publishKey: EDGE.publishKey, secretKey: EDGE.secretKey,
    }), createEdgeHandler(), kvOnly);
    expect(response.status).toBe(200);
    const { id } = await verifyToken(token, await importHmacKey(EDGE.secretKey));
    expect(await kv.get(`grantkit:revoked:${id}`)).not.toBeNull();
  });

  it('answers 403 Feature disabled for revoke when no store is bound, as PubNub', async () => {
    const { GRANTKIT_REVOCATIONS: _durableObject, GRANTKIT_REVOCATIONS_KV: _kv, ...none } = env;
    const token = await mintToken({ ttl: 10, channels: [Channel.id('x').read()] }, await importHmacKey(EDGE.secretKey));
    const response = await call(await signedRequest({
      method: 'DELETE', path: `/v3/pam/${EDGE.subscribeKey}/grant/${encodeURIComponent(token)}`, publishKey: EDGE.publishKey, secretKey: EDGE.secretKey,
    }), createEdgeHandler(), none);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { message: 'Feature disabled' } });
  });

  it('fails closed: 503 on authorize and revoke when KV is down', async () => {
    const failing = createEdgeHandler({ revocations: kvRevocationStore(broken) });
    const token = await mintToken({ ttl: 10, channels: [Channel.id('x').read()] }, await importHmacKey(EDGE.secretKey));
    const authorize = await call(new Request(`http://grantkit.test/grantkit/v1/${EDGE.subscribeKey}/authorize?channel=x&permission=read&auth=${encodeURIComponent(token)}`), failing);
    expect(authorize.status).toBe(503);
    const revoke = await call(await signedRequest({
      method: 'DELETE', path: `/v3/pam/${EDGE.subscribeKey}/grant/${encodeURIComponent(token)}`, publishKey: EDGE.publishKey, secretKey: EDGE.secretKey,
    }), failing);
    expect(revoke.status).toBe(503);
  });
});
