/**
 * Shared revocations on a real redis-server (started here on a free port, stopped by pid): two service processes
 * see each other's revocations within 1 s; with Redis down, authorization fails closed (503) while grants work; the
 * store recovers when Redis comes back. Plus the store on its own: pub/sub invalidation beats a long negative cache,
 * entries expire with the token.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Channel, mintToken, verifyToken } from '@grantkit/core';
import { AccessManager } from '../src/sdk/access-manager.js';
import { importKey } from '../src/crypto.js';
import { RedisRevocationStore } from '../src/store/redis.js';
import { startRedis, type RunningRedis } from './helpers/redis-server.js';
import { startService, type RunningService } from './helpers/spawn-service.js';

const KEYSET = { subscribeKey: 'sub-c-redis-test', publishKey: 'pub-c-redis-test', secretKey: 'sec-c-redis-test' };
const ENV = { GRANTKIT_SUBSCRIBE_KEY: KEYSET.subscribeKey, GRANTKIT_PUBLISH_KEY: KEYSET.publishKey, GRANTKIT_SECRET_KEY: KEYSET.secretKey };

let redis: RunningRedis;
const services: RunningService[] = [];
const stores: RedisRevocationStore[] = [];

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  for (const store of stores) await store.close();
  for (const service of services) await service.stop();
  await redis?.stop();
});

async function decide(url: string, token: string, channel = 'room-1'): Promise<{ status: number; reason: unknown }> {
  const response = await fetch(`${url}/grantkit/v1/${KEYSET.subscribeKey}/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, channel, permission: 'read' }),
  });
  const body = await response.json() as { reason?: unknown; error?: unknown };
  return { status: response.status, reason: body.reason ?? body.error };
}

function key(): ReturnType<typeof importKey> {
  return importKey(KEYSET.secretKey);
}

describe('RedisRevocationStore on a real redis-server', () => {
  it('invalidates another node\'s "not revoked" cache through pub/sub, well before the cache would expire', async () => {
    const nodeA = new RedisRevocationStore({ url: redis.url, keyPrefix: 'unit:', channel: 'unit:revocations' });
    const nodeB = new RedisRevocationStore({ url: redis.url, keyPrefix: 'unit:', channel: 'unit:revocations', negativeCacheMs: 60_000 });
    stores.push(nodeA, nodeB);
    await Promise.all([nodeA.ready(), nodeB.ready()]);
    const expiresAt = Math.floor(Date.now() / 1000) + 600;
    expect(await nodeB.isRevoked('token-id-1')).toBe(false);
    // Now cached on B for up to 60 s, and answered synchronously.
    expect(nodeB.isRevoked('token-id-1')).toBe(false);
    await nodeA.revoke('token-id-1', expiresAt);
    const started = Date.now();
    while (nodeB.isRevoked('token-id-1') !== true && Date.now() - started < 1_000) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(nodeB.isRevoked('token-id-1')).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('stores each entry with the token\'s own expiry (EXAT) so Redis purges it', async () => {
    const store = new RedisRevocationStore({ url: redis.url, keyPrefix: 'unit-exp:' });
    stores.push(store);
    await store.ready();
    const expiresAt = Math.floor(Date.now() / 1000) + 120;
    await store.revoke('token-id-2', expiresAt);
    const client = new Redis(redis.url);
    try {
      expect(await client.expiretime('unit-exp:token-id-2')).toBe(expiresAt);
      // An already-expired token needs no entry at all.
      await store.revoke('token-id-3', Math.floor(Date.now() / 1000) - 1);
      expect(await client.exists('unit-exp:token-id-3')).toBe(0);
    } finally {
      client.disconnect();
    }
  });
});

describe('two grantkit serve processes sharing one redis-server', () => {
  let nodeA: RunningService;
  let nodeB: RunningService;

  beforeAll(async () => {
    [nodeA, nodeB] = await Promise.all([
      startService(['--store', 'redis', '--redis-url', redis.url, '--data-dir', '/nonexistent-not-used'], ENV),
      startService(['--redis-url', redis.url, '--data-dir', '/nonexistent-not-used'], ENV),
    ]);
    services.push(nodeA, nodeB);
  });

  it('rejects on node B, within 1 s, a token revoked on node A', async () => {
    const client = new AccessManager({ ...KEYSET, origin: nodeA.url });
    const token = await client.grantToken({ ttl: 10, resources: { channels: { 'room-1': { read: true } } } });
    // Both nodes have just answered "not revoked", so both hold it in their local cache.
    expect(await decide(nodeA.url, token)).toEqual({ status: 200, reason: 'granted' });
    expect(await decide(nodeB.url, token)).toEqual({ status: 200, reason: 'granted' });
    await client.revokeToken(token);
    const started = performance.now();
    let last = await decide(nodeB.url, token);
    while (last.status !== 403 && performance.now() - started < 2_000) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      last = await decide(nodeB.url, token);
    }
    const elapsed = performance.now() - started;
    expect(last).toEqual({ status: 403, reason: 'revoked' });
    expect(elapsed).toBeLessThan(1_000);
    expect(await decide(nodeA.url, token)).toEqual({ status: 403, reason: 'revoked' });
  });

  it('fails closed while Redis is down (authorize 503, known revocations still 403), keeps granting, and recovers', async () => {
    const client = new AccessManager({ ...KEYSET, origin: nodeA.url });
    const revoked = await client.grantToken({ ttl: 10, resources: { channels: { 'room-1': { read: true } } } });
    await client.revokeToken(revoked);
    const fresh = mintToken({ ttl: 10, channels: [Channel.id('room-2').read()] }, key());

    await redis.stop();
    const down = await decide(nodeA.url, fresh, 'room-2');
    expect(down.status).toBe(503);
    expect(JSON.stringify(down.reason)).toMatch(/unavailable/i);
    expect((await decide(nodeB.url, fresh, 'room-2')).status).toBe(503);
    // A revocation already known locally needs no Redis to be enforced.
    expect(await decide(nodeA.url, revoked)).toEqual({ status: 403, reason: 'revoked' });
    // Grants never touch the store.
    const granted = await client.grantToken({ ttl: 5, resources: { channels: { 'room-3': { read: true } } } });
    expect(verifyToken(granted, key()).resources.channels['room-3']).toBe(1);
    // Revoking needs the store: 503, not a silent success.
    await expect(client.revokeToken(granted)).rejects.toMatchObject({ statusCode: 503, code: 'ERR_STORE_UNAVAILABLE' });

    redis = await startRedis(redis.port);
    const started = Date.now();
    let status = 0;
    while (status !== 200 && Date.now() - started < 8_000) {
      status = (await decide(nodeA.url, fresh, 'room-2')).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
  });

  it('stops both nodes cleanly on SIGTERM', async () => {
    expect(await nodeA.stop()).toBe(0);
    expect(await nodeB.stop()).toBe(0);
  });
});
