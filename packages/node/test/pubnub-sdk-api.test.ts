/**
 * The official SDK's API, side by side: the same calls through the real `pubnub` package and through grantkit's
 * `AccessManager` (remote mode against the same `grantkit serve`, and local mode), compared call for call: when the
 * callback runs, with what status and result, and what `parseToken`, `setToken` and `getToken` return.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PubNub from 'pubnub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessManager, type AccessManagerStatus } from '../src/sdk/access-manager.js';
import { MemoryRevocationStore } from '../src/store/memory.js';
import { startService, type RunningService } from './helpers/spawn-service.js';

const SUBSCRIBE_KEY = 'sub-c-api';
const PUBLISH_KEY = 'pub-c-api';
const SECRET_KEY = 'sec-c-api-secret';

let service: RunningService;
let dir: string;
let pubnub: PubNub;
let remote: AccessManager;
let local: AccessManager;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'grantkit-api-'));
  service = await startService(['--store', 'memory', '--data-dir', dir], {
    GRANTKIT_SUBSCRIBE_KEY: SUBSCRIBE_KEY, GRANTKIT_PUBLISH_KEY: PUBLISH_KEY, GRANTKIT_SECRET_KEY: SECRET_KEY,
  });
  const origin = `127.0.0.1:${service.port}`;
  pubnub = new PubNub({
    subscribeKey: SUBSCRIBE_KEY, publishKey: PUBLISH_KEY, secretKey: SECRET_KEY, userId: 'api-server', origin, ssl: false, logVerbosity: false,
  } as ConstructorParameters<typeof PubNub>[0]);
  remote = new AccessManager({ subscribeKey: SUBSCRIBE_KEY, publishKey: PUBLISH_KEY, secretKey: SECRET_KEY, origin, ssl: false });
  local = new AccessManager({ subscribeKey: SUBSCRIBE_KEY, publishKey: PUBLISH_KEY, secretKey: SECRET_KEY, revocations: new MemoryRevocationStore() });
});

afterAll(async () => {
  const code = await service?.stop();
  rmSync(dir, { recursive: true, force: true });
  expect(code).toBe(0);
});

interface Call { calls: number; status: Record<string, unknown>; result: unknown; returned: unknown }

/** Calls `start(callback)`, waits for what it returns, and records how the callback was called. */
async function viaCallback(start: (callback: (status: unknown, result: unknown) => void) => unknown): Promise<Call> {
  const seen: Array<[unknown, unknown]> = [];
  const returned = await start((status, result) => seen.push([status, result]));
  // The SDK calls back before its returned promise settles; give a late second call the chance to show up.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const [status, result] = seen[0] ?? [];
  // The SDK's error statuses carry a toJSON helper; compare their data.
  const { toJSON: _toJSON, ...plain } = (status ?? {}) as Record<string, unknown>;
  return { calls: seen.length, status: plain, result, returned };
}

const grant = { ttl: 15, authorized_uuid: 'alice', resources: { channels: { 'room-1': { read: true, write: true } } } };

describe('grantToken(parameters, callback)', () => {
  it('calls back once with (status, token) on success, like the SDK', async () => {
    const theirs = await viaCallback((callback) => pubnub.grantToken(grant, callback as never));
    for (const manager of [remote, local]) {
      const ours = await viaCallback((callback) => manager.grantToken(grant, callback as never));
      expect({ ...ours, result: typeof ours.result }).toEqual({ ...theirs, result: typeof theirs.result });
      expect(manager.parseToken(ours.result as string).resources).toEqual(pubnub.parseToken(theirs.result as string)!.resources);
    }
    expect(theirs).toMatchObject({ calls: 1, status: { error: false, operation: 'PNAccessManagerGrantToken', category: 'PNAcknowledgmentCategory', statusCode: 200 }, returned: undefined });
  });

  it('calls back once with (errorStatus, null) when the service refuses the grant, like the SDK', async () => {
    const bad = { ...grant, ttl: 43_201 };
    const theirs = await viaCallback((callback) => pubnub.grantToken(bad, callback as never));
    expect(theirs).toMatchObject({ calls: 1, result: null, status: { error: true, statusCode: 400, category: 'PNBadRequestCategory' } });
    for (const manager of [remote, local]) {
      expect(await viaCallback((callback) => manager.grantToken(bad, callback as never))).toEqual(theirs);
    }
  });

  it('calls back with an error and no result for a grant with nothing in it, like the SDK (which checks before sending)', async () => {
    const empty = { ttl: 15, resources: { channels: {} } };
    const theirs = await viaCallback((callback) => pubnub.grantToken(empty, callback as never));
    expect(theirs).toMatchObject({ calls: 1, result: null, status: { error: true, category: 'PNValidationErrorCategory' } });
    for (const manager of [remote, local]) {
      const ours = await viaCallback((callback) => manager.grantToken(empty, callback as never));
      // grantkit reports what the service answers for it (400 This grant contains no permissions); documented.
      expect(ours).toMatchObject({ calls: 1, result: null, status: { error: true, statusCode: 400, category: 'PNBadRequestCategory' } });
    }
  });
});

describe('revokeToken(token, callback)', () => {
  it('calls back once with (status, {}) on success, like the SDK', async () => {
    const theirs = await viaCallback(async (callback) => pubnub.revokeToken(await pubnub.grantToken(grant), callback as never));
    expect(theirs).toMatchObject({ calls: 1, result: {}, status: { error: false, operation: 'PNAccessManagerRevokeToken', statusCode: 200 } });
    for (const manager of [remote, local]) {
      expect(await viaCallback(async (callback) => manager.revokeToken(await manager.grantToken(grant), callback as never))).toEqual(theirs);
    }
  });

  it('calls back once with (errorStatus, null) for a token it cannot revoke, like the SDK', async () => {
    const theirs = await viaCallback((callback) => pubnub.revokeToken('not-a-token', callback as never));
    expect(theirs).toMatchObject({ calls: 1, result: null, status: { error: true, statusCode: 400, operation: 'PNAccessManagerRevokeToken' } });
    for (const manager of [remote, local]) {
      expect(await viaCallback((callback) => manager.revokeToken('not-a-token', callback as never))).toEqual(theirs);
    }
  });

  it('still rejects (no callback) in the promise style, with the SDK’s status', async () => {
    const theirs = await pubnub.revokeToken('not-a-token').catch((error: { status: AccessManagerStatus }) => error.status);
    for (const manager of [remote, local]) {
      const ours = await manager.revokeToken('not-a-token').catch((error: { status: AccessManagerStatus }) => error.status);
      const { toJSON: _toJSON, ...plain } = theirs as unknown as Record<string, unknown>;
      expect(ours).toEqual(plain);
    }
  });
});

describe('setToken, getToken, parseToken', () => {
  it('hold and return a token as the SDK does', () => {
    for (const client of [pubnub, remote, local]) {
      expect(client.getToken()).toBeUndefined();
      client.setToken('token-1');
      expect(client.getToken()).toBe('token-1');
      client.setToken(undefined);
      expect(client.getToken()).toBeUndefined();
    }
  });

  it('parseToken returns exactly what the SDK returns on Node, Buffer signature included', async () => {
    const token = await local.grantToken({
      ttl: 60, authorized_uuid: 'alice',
      resources: { channels: { a: { read: true } }, groups: { g: { read: true, manage: true } }, uuids: { u: { get: true } } },
      patterns: { channels: { '^room-.*$': { write: true } } },
      meta: { role: 'admin', nested: { list: [1, 'two', null, false], deep: { n: 1.5 } } },
    });
    const theirs = pubnub.parseToken(token);
    const ours = local.parseToken(token);
    expect(Buffer.isBuffer(ours.signature)).toBe(true);
    expect(ours).toStrictEqual(theirs);
    expect(Object.keys(ours)).toEqual(Object.keys(theirs!));
  });
});

describe('signature v2 with the JS SDK’s byte sequences', () => {
  it.each(['a+b', 'a b', 'a~b*c', "a!b'c(d)", 'ü€😀', 'a/b:c=d&e'])('the real SDK, identified as %j, gets its grant', async (userId) => {
    const client = new PubNub({
      subscribeKey: SUBSCRIBE_KEY, publishKey: PUBLISH_KEY, secretKey: SECRET_KEY, userId,
      origin: `127.0.0.1:${service.port}`, ssl: false, logVerbosity: false,
    } as ConstructorParameters<typeof PubNub>[0]);
    await expect(client.grantToken(grant)).resolves.toBeTypeOf('string');
  });
});

