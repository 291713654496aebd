/**
 * The official `pubnub` SDK (Node) against the test Worker (test/worker.ts, bundled from the built package) served by
 * Miniflare on a localhost port: grantToken, revokeToken and parseToken work unchanged, pointed at our origin.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { verifyToken, type SyncHmacKey } from '@grantkit/core';
import { Miniflare } from 'miniflare';
import PubNub from 'pubnub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_BINDINGS } from './bindings.js';
import { bundleWorker } from './bundle.js';

const { GRANTKIT_SUBSCRIBE_KEY: SUBSCRIBE_KEY, GRANTKIT_PUBLISH_KEY: PUBLISH_KEY, GRANTKIT_SECRET_KEY: SECRET_KEY } = TEST_BINDINGS;

function nodeHmacKey(secret: string): SyncHmacKey {
  const digest = (data: Uint8Array) => createHmac('sha256', secret).update(data).digest();
  return {
    sign: (data) => new Uint8Array(digest(data)),
    verify: (data, signature) => signature.length === 32 && timingSafeEqual(digest(data), signature),
  };
}

let miniflare: Miniflare;
let origin: string;

function client(secretKey: string = SECRET_KEY): PubNub {
  return new PubNub({ publishKey: PUBLISH_KEY, subscribeKey: SUBSCRIBE_KEY, secretKey, userId: 'server-1', origin, ssl: false, logVerbosity: false });
}

async function authorizeEndpoint(token: string, query: string): Promise<{ status: number; json: any }> {
  const response = await fetch(`http://${origin}/grantkit/v1/${SUBSCRIBE_KEY}/authorize?${query}&auth=${encodeURIComponent(token)}`);
  return { status: response.status, json: await response.json() };
}

beforeAll(async () => {
  miniflare = new Miniflare({
    modules: true,
    script: await bundleWorker('test/worker.ts'),
    compatibilityDate: '2026-04-01',
    compatibilityFlags: [],
    bindings: { ...TEST_BINDINGS },
    kvNamespaces: ['GRANTKIT_REVOCATIONS_KV'],
    durableObjects: { GRANTKIT_REVOCATIONS: 'RevocationDurableObject' },
    host: '127.0.0.1',
    port: 0,
  });
  const url = await miniflare.ready;
  origin = url.host;
  expect(url.hostname).toBe('127.0.0.1');
});

afterAll(async () => {
  await miniflare?.dispose();
});

describe('the official pubnub SDK against the Worker', () => {
  it('grantToken returns a token our Worker signed, and the SDK\'s parseToken reads it', async () => {
    const token = await client().grantToken({
      ttl: 15,
      authorized_uuid: 'client-1',
      resources: { channels: { 'room-1': { read: true, write: true } }, groups: { 'group-1': { read: true } }, uuids: { 'client-1': { get: true } } },
      patterns: { channels: { '^lobby-.*$': { read: true } } },
      meta: { plan: 'pro' },
    });
    expect(verifyToken(token, nodeHmacKey(SECRET_KEY)).keyIndex).toBe(0);
    const parsed = client().parseToken(token)!;
    expect(parsed).toMatchObject({
      version: 2,
      ttl: 15,
      authorized_uuid: 'client-1',
      resources: {
        channels: { 'room-1': { read: true, write: true, manage: false, delete: false, get: false, update: false, join: false } },
        groups: { 'group-1': { read: true } },
        uuids: { 'client-1': { get: true } },
      },
      patterns: { channels: { '^lobby-.*$': { read: true } } },
      meta: { plan: 'pro' },
    });
    expect(Math.abs(parsed.timestamp - Date.now() / 1000)).toBeLessThan(60);
  });

  it('revokeToken revokes: the authorize endpoint then refuses the token', async () => {
    const token = await client().grantToken({ ttl: 15, resources: { channels: { 'room-r': { read: true } } } });
    expect((await authorizeEndpoint(token, 'channel=room-r&permission=read')).status).toBe(200);
    // The SDK resolves revokeToken with an empty object on a 200 Success.
    await expect(client().revokeToken(token)).resolves.toEqual({});
    const after = await authorizeEndpoint(token, 'channel=room-r&permission=read');
    expect(after.status).toBe(403);
    expect(after.json).toMatchObject({ reason: 'revoked' });
  });

  it('accepts the SDK configured with a previous secret during a rotation', async () => {
    const previous = TEST_BINDINGS.GRANTKIT_PREVIOUS_SECRET_KEYS.split(',')[0]!.trim();
    const token = await client(previous).grantToken({ ttl: 5, resources: { channels: { a: { read: true } } } });
    expect(verifyToken(token, nodeHmacKey(SECRET_KEY)).keyIndex).toBe(0);
  });

  it('surfaces our errors through the SDK with PubNub\'s statuses', async () => {
    await expect(client('sec-c-wrong').grantToken({ ttl: 5, resources: { channels: { a: { read: true } } } }))
      .rejects.toMatchObject({ status: { statusCode: 403 } });
    await expect(client().grantToken({ ttl: 0, resources: { channels: { a: { read: true } } } }))
      .rejects.toMatchObject({ status: { statusCode: 400 } });
    await expect(client().revokeToken('not-a-token')).rejects.toMatchObject({ status: { statusCode: 400 } });
  });
});
