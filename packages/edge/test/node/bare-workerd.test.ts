/**
 * Bare workerd: the built package, bundled into test/bare/worker.ts, runs in Miniflare with `compatibilityFlags: []`
 * (no `nodejs_compat`; the vitest pool always adds it, so this is the run that proves the package does not need it).
 * It mints, verifies, authorizes and serves the handler with both revocation stores, and every token is compared
 * with one minted in Node by `node:crypto`: same secret, same input, same timestamp → the same bytes.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  authorize, mintToken, percentEncode, signRequestV2, verifyToken, type AuthorizationRequest,
  type PubNubGrantTokenParameters, type SyncHmacKey,
} from '@grantkit/core';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_BINDINGS } from './bindings.js';
import { bundleWorker } from './bundle.js';

const SECRET = TEST_BINDINGS.GRANTKIT_SECRET_KEY;
const SUBSCRIBE_KEY = TEST_BINDINGS.GRANTKIT_SUBSCRIBE_KEY;
const PUBLISH_KEY = TEST_BINDINGS.GRANTKIT_PUBLISH_KEY;
const TIMESTAMP = 1_790_000_000;

/** HMAC-SHA256 with node:crypto, written here so the parity check depends on nothing but Node. */
function nodeHmacKey(secret: string): SyncHmacKey {
  const digest = (data: Uint8Array) => createHmac('sha256', secret).update(data).digest();
  return {
    sign: (data) => new Uint8Array(digest(data)),
    verify: (data, signature) => {
      const expected = digest(data);
      return signature.length === expected.length && timingSafeEqual(expected, signature);
    },
  };
}

const nodeKey = nodeHmacKey(SECRET);

const GRANTS: PubNubGrantTokenParameters[] = [
  { ttl: 15, resources: { channels: { 'room-1': { read: true } } } },
  {
    ttl: 43_200,
    authorized_uuid: 'alice',
    resources: {
      channels: { 'room-1': { read: true, write: true, join: true }, 'room-2': { get: true, update: true, delete: true, manage: true } },
      groups: { 'group-1': { read: true, manage: true } },
      uuids: { alice: { get: true, update: true } },
    },
    patterns: { channels: { '^lobby-[0-9]+$': { read: true } }, uuids: { '^bot-.*$': { get: true } } },
    meta: { plan: 'pro', seats: 5, trial: false, 'ünïcödé': '✓' },
  },
  { ttl: 1, resources: { channels: { 'a b/c:ü': { read: true }, ['x'.repeat(200)]: { write: true } } }, meta: {} },
];

let miniflare: Miniflare;

async function call(path: string, body: unknown): Promise<any> {
  const response = await miniflare.dispatchFetch(`http://localhost${path}`, { method: 'POST', body: JSON.stringify(body) });
  expect(response.status).toBe(200);
  return response.json();
}

async function signed(method: 'POST' | 'DELETE', path: string, body = '', headers: Record<string, string> = {}) {
  const query = { uuid: 'server-1', timestamp: String(Math.floor(Date.now() / 1000)) };
  const signature = signRequestV2(nodeKey, { method, publishKey: PUBLISH_KEY, path, query, body });
  const search = Object.entries({ ...query, signature }).map(([name, value]) => `${name}=${percentEncode(value)}`).join('&');
  const response = await miniflare.dispatchFetch(`http://localhost${path}?${search}`, {
    method,
    headers,
    ...(method === 'POST' ? { body } : {}),
  });
  return { status: response.status, json: await response.json() as any };
}

beforeAll(async () => {
  miniflare = new Miniflare({
    modules: true,
    script: await bundleWorker('test/bare/worker.ts'),
    compatibilityDate: '2026-04-01',
    compatibilityFlags: [],
    bindings: { ...TEST_BINDINGS },
    kvNamespaces: ['GRANTKIT_REVOCATIONS_KV'],
    durableObjects: { GRANTKIT_REVOCATIONS: 'RevocationDurableObject' },
  });
  await miniflare.ready;
});

afterAll(async () => {
  await miniflare?.dispose();
});

describe('bare workerd (no compatibility flags)', () => {
  it('really runs in workerd without nodejs_compat', async () => {
    const response = await miniflare.dispatchFetch('http://localhost/__runtime');
    expect(await response.json()).toEqual({ userAgent: 'Cloudflare-Workers', process: 'undefined', Buffer: 'undefined' });
  });

  it('serves grant, authorize and revoke through the handler with the Durable Object store', async () => {
    const granted = await signed('POST', `/v3/pam/${SUBSCRIBE_KEY}/grant`, JSON.stringify({ ttl: 5, permissions: { resources: { channels: { bare: 1 } } } }));
    expect(granted.status).toBe(200);
    const token: string = granted.json.data.token;
    expect(verifyToken(token, nodeKey).keyIndex).toBe(0);
    const authorizeUrl = `http://localhost/grantkit/v1/${SUBSCRIBE_KEY}/authorize?channel=bare&permission=read&auth=${encodeURIComponent(token)}`;
    expect((await miniflare.dispatchFetch(authorizeUrl)).status).toBe(200);
    expect((await signed('DELETE', `/v3/pam/${SUBSCRIBE_KEY}/grant/${encodeURIComponent(token)}`)).status).toBe(200);
    const denied = await miniflare.dispatchFetch(authorizeUrl);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ reason: 'revoked' });
  });

  it('serves revoke with the KV store', async () => {
    const token = mintToken({ ttl: 5, resources: { channels: { kv: { read: true } } } }, nodeKey);
    const kvStore = { 'x-grantkit-store': 'kv' };
    expect((await signed('DELETE', `/v3/pam/${SUBSCRIBE_KEY}/grant/${encodeURIComponent(token)}`, '', kvStore)).status).toBe(200);
    const kv = await miniflare.getKVNamespace('GRANTKIT_REVOCATIONS_KV');
    expect(await kv.get(`grantkit:revoked:${verifyToken(token, nodeKey).id}`)).not.toBeNull();
    const denied = await miniflare.dispatchFetch(
      `http://localhost/grantkit/v1/${SUBSCRIBE_KEY}/authorize?channel=kv&permission=read&auth=${encodeURIComponent(token)}`,
      { headers: kvStore },
    );
    expect(await denied.json()).toMatchObject({ reason: 'revoked' });
  });

  it('refuses bad input with 4xx, never 500', async () => {
    expect((await signed('POST', `/v3/pam/${SUBSCRIBE_KEY}/grant`, '{not json')).status).toBe(400);
    expect((await miniflare.dispatchFetch(`http://localhost/v3/pam/${SUBSCRIBE_KEY}/grant`, { method: 'POST', body: 'x'.repeat(40_000) })).status).toBe(413);
  });
});

describe('parity: workerd (WebCrypto) and Node (node:crypto)', () => {
  it('mints byte-identical tokens for the same grant, secret and timestamp', async () => {
    for (const grant of GRANTS) {
      const fromWorkerd = await call('/__mint', { grant, timestamp: TIMESTAMP });
      expect(fromWorkerd).toEqual({ ok: true, value: mintToken(grant, nodeKey, { timestamp: TIMESTAMP }) });
    }
  });

  it('verifies in Node what workerd minted, and in workerd what Node minted', async () => {
    for (const grant of GRANTS) {
      const now = TIMESTAMP + 30;
      const fromWorkerd: string = (await call('/__mint', { grant, timestamp: TIMESTAMP })).value;
      const inNode = verifyToken(fromWorkerd, nodeKey, { now });
      const fromNode = mintToken(grant, nodeKey, { timestamp: TIMESTAMP });
      const inWorkerd = await call('/__verify', { token: fromNode, now });
      expect(inWorkerd).toEqual({
        ok: true,
        value: { id: inNode.id, expiresAt: inNode.expiresAt, keyIndex: 0, ttl: grant.ttl, authorizedUuid: grant.authorized_uuid ?? null },
      });
    }
  });

  it('agrees on refusals: another secret, a flipped byte, an expired token', async () => {
    const foreign = mintToken(GRANTS[0]!, nodeHmacKey('sec-c-foreign'), { timestamp: TIMESTAMP });
    expect(await call('/__verify', { token: foreign, now: TIMESTAMP })).toEqual({ ok: false, code: 'ERR_TOKEN_SIGNATURE_INVALID' });
    const token = mintToken(GRANTS[0]!, nodeKey, { timestamp: TIMESTAMP });
    const bytes = Buffer.from(token, 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    expect(await call('/__verify', { token: bytes.toString('base64url'), now: TIMESTAMP })).toEqual({ ok: false, code: 'ERR_TOKEN_SIGNATURE_INVALID' });
    expect(await call('/__verify', { token, now: TIMESTAMP + 15 * 60 })).toEqual({ ok: false, code: 'ERR_TOKEN_EXPIRED' });
  });

  it('makes the same authorization decisions', async () => {
    const token = mintToken(GRANTS[1]!, nodeKey, { timestamp: TIMESTAMP });
    const verified = verifyToken(token, nodeKey, { ignoreTime: true });
    const questions: AuthorizationRequest[] = [
      { uuid: 'alice', resource: { channel: 'room-1' }, permission: 'write', now: TIMESTAMP },
      { uuid: 'alice', resource: { channel: 'lobby-42' }, permission: 'read', now: TIMESTAMP },
      { uuid: 'alice', resource: { channel: 'lobby-x' }, permission: 'read', now: TIMESTAMP },
      { uuid: 'alice', resource: { uuid: 'bot-7' }, permission: 'get', now: TIMESTAMP },
      { uuid: 'alice', resource: { group: 'group-1' }, permission: 'write', now: TIMESTAMP },
      { uuid: 'mallory', resource: { channel: 'room-1' }, permission: 'read', now: TIMESTAMP },
      { uuid: 'alice', resource: { channel: 'room-1' }, permission: 'read', now: TIMESTAMP + 43_200 * 60 },
    ];
    for (const question of questions) {
      expect(await call('/__authorize', { token, question }), JSON.stringify(question)).toEqual({ ok: true, value: authorize(verified, question) });
    }
  });
});
