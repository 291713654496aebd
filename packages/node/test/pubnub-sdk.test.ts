/**
 * The official `pubnub` SDK (11.0.2) against `grantkit serve` spawned from the built bin: grants of every kind, its
 * own parseToken on our tokens, revocation, and SDK errors with the right HTTP status for each bad request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PubNub from 'pubnub';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Channel, mintToken } from '@grantkit/core';
import { importKey } from '../src/crypto.js';
import { startService, type RunningService } from './helpers/spawn-service.js';

const SUBSCRIBE_KEY = 'sub-c-sdk-test';
const PUBLISH_KEY = 'pub-c-sdk-test';
const SECRET_KEY = 'sec-c-sdk-test-secret';

let service: RunningService;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'grantkit-sdk-'));
  service = await startService(['--data-dir', dataDir], {
    GRANTKIT_SUBSCRIBE_KEY: SUBSCRIBE_KEY, GRANTKIT_PUBLISH_KEY: PUBLISH_KEY, GRANTKIT_SECRET_KEY: SECRET_KEY,
  });
});

afterAll(async () => {
  const code = await service?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  expect(code).toBe(0);
});

afterEach(() => {
  vi.useRealTimers();
});

function sdk(secretKey = SECRET_KEY): PubNub {
  return new PubNub({
    publishKey: PUBLISH_KEY, subscribeKey: SUBSCRIBE_KEY, secretKey, userId: 'server-1',
    origin: `127.0.0.1:${service.port}`, ssl: false, logVerbosity: false,
  } as ConstructorParameters<typeof PubNub>[0]);
}

async function authorize(token: string, parameters: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const query = new URLSearchParams({ ...parameters });
  const response = await fetch(`${service.url}/grantkit/v1/${SUBSCRIBE_KEY}/authorize?${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

/** What the SDK rejected with: its `PubNubError` carries `status.statusCode` and `status.errorData`. */
async function sdkFailure(promise: Promise<unknown>): Promise<{ statusCode: number; message: string; details: Array<{ message: string; location: string }> }> {
  try {
    await promise;
  } catch (error) {
    const status = (error as { status?: { statusCode?: number; errorData?: { error?: { message?: string; details?: Array<{ message: string; location: string }> } } } }).status;
    return {
      statusCode: status?.statusCode ?? -1,
      message: status?.errorData?.error?.message ?? '',
      details: status?.errorData?.error?.details ?? [],
    };
  }
  throw new Error('expected the SDK call to fail');
}

describe('official pubnub SDK against grantkit serve', () => {
  it('grants channels, groups and uuids, exact and by pattern, with authorized uuid and meta; the SDK parses it', async () => {
    const client = sdk();
    const token = await client.grantToken({
      ttl: 15,
      authorized_uuid: 'alice',
      resources: {
        channels: { 'room-1': { read: true, write: true }, 'room-2': { get: true, update: true, join: true, delete: true, manage: true } },
        groups: { 'cg-1': { read: true, manage: true } },
        uuids: { bob: { get: true, update: true, delete: true } },
      },
      patterns: {
        channels: { '^lobby-[0-9]+$': { read: true } },
        groups: { '^cg-.*$': { read: true } },
        uuids: { '^user-.*$': { get: true } },
      },
      meta: { role: 'admin', level: 3, beta: true },
    });
    expect(typeof token).toBe('string');
    const parsed = client.parseToken(token) as unknown as Record<string, any>;
    expect(parsed.version).toBe(2);
    expect(parsed.ttl).toBe(15);
    expect(parsed.authorized_uuid).toBe('alice');
    expect(parsed.resources.channels['room-1']).toMatchObject({ read: true, write: true, manage: false });
    expect(parsed.resources.channels['room-2']).toMatchObject({ get: true, update: true, join: true, delete: true, manage: true, read: false });
    expect(parsed.resources.groups['cg-1']).toMatchObject({ read: true, manage: true });
    expect(parsed.resources.uuids.bob).toMatchObject({ get: true, update: true, delete: true });
    expect(parsed.patterns.channels['^lobby-[0-9]+$']).toMatchObject({ read: true, write: false });
    expect(parsed.patterns.groups['^cg-.*$']).toMatchObject({ read: true });
    expect(parsed.patterns.uuids['^user-.*$']).toMatchObject({ get: true });
    expect(parsed.meta).toEqual({ role: 'admin', level: 3, beta: true });
    expect(Math.abs(parsed.timestamp - Date.now() / 1000)).toBeLessThan(30);

    // The service accepts what it issued, for the bound uuid only.
    expect((await authorize(token, { uuid: 'alice', channel: 'lobby-7', permission: 'read' })).status).toBe(200);
    expect((await authorize(token, { uuid: 'alice', group: 'cg-1', permission: 'manage' })).status).toBe(200);
    expect((await authorize(token, { uuid: 'alice', 'target-uuid': 'user-9', permission: 'get' })).status).toBe(200);
    expect((await authorize(token, { uuid: 'mallory', channel: 'room-1', permission: 'read' })).body).toMatchObject({ reason: 'uuid-mismatch' });
    expect((await authorize(token, { uuid: 'alice', channel: 'lobby-7', permission: 'write' })).body).toMatchObject({ reason: 'permission-missing' });
  });

  it('grants spaces and users with authorizedUserId (the App Context vocabulary)', async () => {
    const client = sdk();
    const token = await client.grantToken({
      ttl: 30,
      authorizedUserId: 'carol',
      resources: { spaces: { 'space-1': { read: true, write: true } }, users: { dave: { get: true } } },
      patterns: { spaces: { '^team-.*$': { read: true } } },
    } as Parameters<PubNub['grantToken']>[0]);
    const parsed = client.parseToken(token) as unknown as Record<string, any>;
    expect(parsed.authorized_uuid).toBe('carol');
    // The SDK sends spaces/users as channels/uuids, and parses them back that way.
    expect(parsed.resources.channels['space-1']).toMatchObject({ read: true, write: true });
    expect(parsed.resources.uuids.dave).toMatchObject({ get: true });
    expect(parsed.patterns.channels['^team-.*$']).toMatchObject({ read: true });
    expect((await authorize(token, { uuid: 'carol', space: 'team-blue', permission: 'read' })).status).toBe(200);
    expect((await authorize(token, { uuid: 'carol', user: 'dave', permission: 'get' })).status).toBe(200);
  });

  it('revokes a token; the service then denies it, and revoking again still succeeds', async () => {
    const client = sdk();
    const token = await client.grantToken({ ttl: 10, resources: { channels: { 'room-r': { read: true } } } });
    expect((await authorize(token, { channel: 'room-r', permission: 'read' })).status).toBe(200);
    await expect(client.revokeToken(token)).resolves.toEqual({});
    const denied = await authorize(token, { channel: 'room-r', permission: 'read' });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ allowed: false, reason: 'revoked' });
    await expect(client.revokeToken(token)).resolves.toEqual({});
  });

  it('answers a bad ttl with 400 Invalid ttl naming the field', async () => {
    const failure = await sdkFailure(sdk().grantToken({ ttl: 0, resources: { channels: { a: { read: true } } } }));
    expect(failure).toMatchObject({ statusCode: 400, message: 'Invalid ttl' });
    expect(failure.details[0]).toMatchObject({ message: 'Range should be 1 to 43200 minute(s).', location: 'ttl' });
    expect((await sdkFailure(sdk().grantToken({ ttl: 43_201, resources: { channels: { a: { read: true } } } }))).statusCode).toBe(400);
  });

  it('answers bad permissions with 400 Invalid permissions', async () => {
    // write is not a documented channel-group permission, but PubNub's service grants it: so does pubnub mode.
    const wrongType = await sdk().grantToken({ ttl: 5, resources: { groups: { g: { write: true } } } } as Parameters<PubNub['grantToken']>[0]);
    expect(sdk().parseToken(wrongType)!.resources?.groups?.g?.write).toBe(true);
    // An empty set encodes as bitmask 0, which PubNub refuses.
    const zero = await sdkFailure(sdk().grantToken({ ttl: 5, resources: { channels: { a: { read: false } } } }));
    expect(zero).toMatchObject({ statusCode: 400, message: 'Invalid permissions' });
  });

  it('answers a bad RegEx with 400 Invalid RegExp', async () => {
    const capturing = await sdkFailure(sdk().grantToken({ ttl: 5, patterns: { channels: { '^(room)-.*$': { read: true } } } }));
    expect(capturing).toMatchObject({ statusCode: 400, message: 'Invalid RegExp' });
    const broken = await sdkFailure(sdk().grantToken({ ttl: 5, patterns: { channels: { '[unclosed': { read: true } } } }));
    expect(broken).toMatchObject({ statusCode: 400, message: 'Invalid RegExp' });
  });

  it('answers a request signed with the wrong secret with 403, for grant and revoke', async () => {
    const grant = await sdkFailure(sdk('sec-c-wrong').grantToken({ ttl: 5, resources: { channels: { a: { read: true } } } }));
    expect(grant.statusCode).toBe(403);
    expect(grant.message).toMatch(/signature/i);
    const token = await sdk().grantToken({ ttl: 5, resources: { channels: { a: { read: true } } } });
    expect((await sdkFailure(sdk('sec-c-wrong').revokeToken(token))).statusCode).toBe(403);
  });

  it('answers a stale timestamp with 400 Invalid timestamp', async () => {
    // Only Date is faked: the SDK stamps requests with its local clock, five minutes behind the server's here.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() - 5 * 60_000);
    const failure = await sdkFailure(sdk().grantToken({ ttl: 5, resources: { channels: { a: { read: true } } } }));
    vi.useRealTimers();
    expect(failure).toMatchObject({ statusCode: 400, message: 'Invalid timestamp' });
    expect(failure.details[0]?.location).toBe('timestamp');
  });

  it('answers revocation of malformed, foreign and expired tokens with 400 Invalid token', async () => {
    const malformed = await sdkFailure(sdk().revokeToken('not-a-token'));
    expect(malformed).toMatchObject({ statusCode: 400, message: 'Invalid token' });
    const foreign = mintToken({ ttl: 5, channels: [Channel.id('a').read()] }, importKey('sec-c-other-keyset'));
    expect(await sdkFailure(sdk().revokeToken(foreign))).toMatchObject({ statusCode: 400, message: 'Invalid token' });
    const expired = mintToken({ ttl: 1, channels: [Channel.id('a').read()] }, importKey(SECRET_KEY), { timestamp: Math.floor(Date.now() / 1000) - 3_600 });
    const failure = await sdkFailure(sdk().revokeToken(expired));
    expect(failure).toMatchObject({ statusCode: 400, message: 'Invalid token' });
    expect(failure.details[0]?.message).toBe('Token is expired.');
  });

  it('keeps serving after all of that (no 500s in the log)', async () => {
    expect((await fetch(`${service.url}/health`)).status).toBe(200);
    expect(service.stdout()).not.toMatch(/"status":5\d\d/);
  });
});
