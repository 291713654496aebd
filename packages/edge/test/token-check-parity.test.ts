/**
 * One token check on the edge too: the Worker's authorize endpoint (core's handler) and `authorizeRequest` on a
 * Worker's own route read the token from the same places and give the same answers, including for an expired token
 * while the revocation store is down (403 `expired`, no lookup). The Node callers are compared the same way in
 * packages/node/test/token-check-parity.test.ts.
 */
import { env } from 'cloudflare:workers';
import { Channel, errorResponseBody, mintToken, tokenCheckBody, type RevocationStore } from '@grantkit/core';
import { authorizeRequest, createEdgeHandler, forbiddenResponse, importHmacKey } from '@grantkit/edge';
import { describe, expect, it } from 'vitest';
import { EDGE, nowSeconds } from './helpers/keysets.js';

let lookups = 0;
const down: RevocationStore = {
  revoke: () => Promise.reject(new Error('connection refused')),
  isRevoked: () => {
    lookups++;
    return Promise.reject(new Error('connection refused'));
  },
};

type Placement = 'auth' | 'token' | 'bearer' | 'none';

async function answers(token: string, placement: Placement, revocations: RevocationStore | false) {
  const query = placement === 'auth' || placement === 'token' ? `&${placement}=${encodeURIComponent(token)}` : '';
  const init: RequestInit = placement === 'bearer' ? { headers: { authorization: `Bearer ${token}` } } : {};
  const handler = createEdgeHandler({ revocations });
  const response = await handler.fetch(new Request(`https://edge.test/grantkit/v1/${EDGE.subscribeKey}/authorize?channel=room-1&permission=read${query}`, init), env);
  const endpoint = { status: response.status, body: await response.json() };
  let helper: { status: number; body: unknown };
  try {
    const result = await authorizeRequest(new Request(`https://app.example/rooms/room-1?x=1${query}`, init), env, {
      resource: { channel: 'room-1' }, permission: 'read', subscribeKey: EDGE.subscribeKey, revocations,
    });
    if (!result.allowed) {
      const denied = forbiddenResponse(result);
      helper = { status: denied.status, body: await denied.json() };
    } else {
      helper = { status: 200, body: tokenCheckBody(result) };
    }
  } catch (error) {
    const body = errorResponseBody(error, 'authorize');
    helper = { status: body.status, body };
  }
  return { endpoint, helper };
}

describe('the Worker authorize endpoint and authorizeRequest agree', async () => {
  const key = await importHmacKey(EDGE.secretKey);
  const fresh = await mintToken({ ttl: 10, channels: [Channel.id('room-1').read()] }, key);
  const expired = await mintToken({ ttl: 1, channels: [Channel.id('room-1').read()] }, key, { timestamp: nowSeconds() - 120 });

  it('read the token from auth, token or a Bearer header', async () => {
    for (const placement of ['auth', 'token', 'bearer'] as const) {
      const { endpoint, helper } = await answers(fresh, placement, false);
      expect(endpoint, placement).toMatchObject({ status: 200, body: { allowed: true, reason: 'granted' } });
      expect(helper, placement).toEqual(endpoint);
    }
    const none = await answers(fresh, 'none', false);
    expect(none.endpoint).toMatchObject({ status: 403, body: { reason: 'missing' } });
    expect(none.helper).toEqual(none.endpoint);
  });

  it('deny an expired token as expired with the store down, without asking it', async () => {
    lookups = 0;
    for (const placement of ['auth', 'token', 'bearer'] as const) {
      const { endpoint, helper } = await answers(expired, placement, down);
      expect(endpoint, placement).toMatchObject({ status: 403, body: { error: true, allowed: false, reason: 'expired' } });
      expect(helper, placement).toEqual(endpoint);
    }
    expect(lookups).toBe(0);
  });

  it('fail closed alike for a live token while the store is down', async () => {
    const { endpoint, helper } = await answers(fresh, 'auth', down);
    expect(endpoint).toMatchObject({ status: 503, body: { error: { message: 'Service Unavailable', source: 'authorize' } } });
    expect(helper).toEqual(endpoint);
  });
});
