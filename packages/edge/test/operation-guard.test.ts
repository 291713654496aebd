/**
 * withPubNubAccessControl / guardPubNubRequest inside real workerd, with the bindings' keysets and the Durable Object
 * revocation store: allowed PubNub requests reach the wrapped handler with their body intact, denials get PubNub's 403.
 */
import { env } from 'cloudflare:workers';
import { Channel, mintToken, UUID } from '@grantkit/core';
import { durableObjectRevocationStore, guardPubNubRequest, importHmacKey, withPubNubAccessControl } from '@grantkit/edge';
import { describe, expect, it } from 'vitest';
import { EDGE, SECOND } from './helpers/keysets.js';

async function token(): Promise<string> {
  return mintToken({ ttl: 10, authorizedUuid: 'alice', channels: [Channel.id('room-1').read().write().join()], uuids: [UUID.id('alice').update()] }, await importHmacKey(EDGE.secretKey));
}

const at = (path: string, auth: string, uuid = 'alice') => `https://edge.example${path}?uuid=${uuid}&auth=${encodeURIComponent(auth)}`;

describe('withPubNubAccessControl', () => {
  it('passes allowed requests to the handler (body intact) and answers denials itself', async () => {
    const auth = await token();
    const seen: string[] = [];
    const worker = withPubNubAccessControl(async (request, _env, _context, decision) => {
      seen.push(`${decision.operation} ${await request.text()}`);
      return new Response('[1,"Sent","1"]');
    });
    const allowed = await worker.fetch(new Request(at(`/publish/${EDGE.publishKey}/${EDGE.subscribeKey}/0/room-1/0`, auth), { method: 'POST', body: '"hi"' }), env);
    expect(allowed.status).toBe(200);
    const membership = await worker.fetch(new Request(at(`/v2/objects/${EDGE.subscribeKey}/uuids/alice/channels`, auth), {
      method: 'PATCH', body: JSON.stringify({ set: [{ channel: { id: 'room-1' } }] }),
    }), env);
    expect(membership.status).toBe(200);
    expect(seen).toEqual(['publish "hi"', 'set-memberships {"set":[{"channel":{"id":"room-1"}}]}']);

    const denied = await worker.fetch(new Request(at(`/v2/subscribe/${EDGE.subscribeKey}/room-1,room-1-pnpres/0`, auth)), env);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ message: 'Forbidden', payload: { channels: ['room-1-pnpres'] }, error: true, service: 'Access Manager', status: 403 });
    expect(seen).toHaveLength(2);
  });

  it('denies a revoked token from the Durable Object store, and a token of another keyset', async () => {
    const auth = await token();
    const store = durableObjectRevocationStore(env.GRANTKIT_REVOCATIONS);
    const path = `/publish/${EDGE.publishKey}/${EDGE.subscribeKey}/0/room-1/0/1`;
    expect((await guardPubNubRequest(new Request(at(path, auth)), env, { revocations: store })).allowed).toBe(true);
    const { tokenId, decodeToken } = await import('@grantkit/core');
    await store.revoke(tokenId(decodeToken(auth)), Math.floor(Date.now() / 1000) + 600);
    const revoked = await guardPubNubRequest(new Request(at(path, auth)), env, { revocations: store });
    expect(!revoked.allowed && (await revoked.response.json())).toEqual({ error: true, status: 403, service: 'Access Manager', message: 'Token is revoked' });
    const other = await mintToken({ ttl: 10, channels: [Channel.id('room-1').write()] }, await importHmacKey(SECOND.secretKey));
    const foreign = await guardPubNubRequest(new Request(at(path, other)), env, { revocations: false });
    expect(!foreign.allowed && foreign.decision?.reason).toBe('signature-invalid');
  });
});
