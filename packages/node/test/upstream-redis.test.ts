/**
 * Two `grantkit serve --upstream` nodes sharing one real Redis: the official SDK, through node B, is refused the
 * publish right after the server revoked its token through node A, within the Redis store's documented bound
 * (the pub/sub message at once; at most 500 ms of a node's "not revoked" cache).
 */
import PubNub from 'pubnub';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRedis, type RunningRedis } from './helpers/redis-server.js';
import { startRecordingUpstream, type RecordingUpstream } from './helpers/recording-upstream.js';
import { startService, type RunningService } from './helpers/spawn-service.js';

const KEYS = { GRANTKIT_SUBSCRIBE_KEY: 'sub-c-redis-up', GRANTKIT_PUBLISH_KEY: 'pub-c-redis-up', GRANTKIT_SECRET_KEY: 'sec-c-redis-up' };
/** The Redis store's documented propagation bound (docs/guides/node-server.md), plus scheduling slack on a busy machine. */
const BOUND_MS = 500 + 2_000;

let redis: RunningRedis;
let upstream: RecordingUpstream;
let nodeA: RunningService;
let nodeB: RunningService;

beforeAll(async () => {
  redis = await startRedis();
  upstream = await startRecordingUpstream();
  const start = () => startService(['--redis-url', redis.url, '--upstream', upstream.url], KEYS);
  [nodeA, nodeB] = await Promise.all([start(), start()]);
});

afterAll(async () => {
  await Promise.all([nodeA?.stop(), nodeB?.stop()]);
  await upstream?.close();
  await redis?.stop();
});

function sdk(service: RunningService, secretKey?: string): PubNub {
  return new PubNub({
    publishKey: KEYS.GRANTKIT_PUBLISH_KEY, subscribeKey: KEYS.GRANTKIT_SUBSCRIBE_KEY, userId: secretKey === undefined ? 'alice' : 'server',
    ...(secretKey === undefined ? {} : { secretKey }), origin: `127.0.0.1:${service.port}`, ssl: false, logVerbosity: false,
  } as ConstructorParameters<typeof PubNub>[0]);
}

async function status(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (error) {
    return (error as { status?: { statusCode?: number } }).status?.statusCode ?? -1;
  }
}

it('a revoke through node A denies the next publish through node B within the Redis bound', async () => {
  const server = sdk(nodeA, KEYS.GRANTKIT_SECRET_KEY);
  const token = await server.grantToken({ ttl: 5, authorized_uuid: 'alice', resources: { channels: { 'room-1': { write: true } } } });
  const client = sdk(nodeB);
  client.setToken(token);
  expect(await status(client.publish({ channel: 'room-1', message: 'before' }))).toBe(200); // node B now caches "not revoked"
  await server.revokeToken(token);
  const revokedAt = Date.now();
  let answer = 200;
  while (answer === 200 && Date.now() - revokedAt < BOUND_MS) answer = await status(client.publish({ channel: 'room-1', message: 'after' }));
  expect(answer).toBe(403);
});
