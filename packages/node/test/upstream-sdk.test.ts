/**
 * The official `pubnub` SDK (11.0.2) with `setToken`, through `grantkit serve --upstream` (the built bin) to a
 * recording upstream on loopback: publish, signal, subscribe with presence, presence calls, history, message actions,
 * files, channel groups, App Context and push. Each call either reaches the upstream unchanged or gets PubNub's 403
 * (which the SDK reports as access denied), exactly as the operations map says; a revoke makes the next call fail.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PubNub from 'pubnub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from './helpers/spawn-service.js';
import { startRecordingUpstream, type RecordingUpstream } from './helpers/recording-upstream.js';

const SUBSCRIBE_KEY = 'sub-c-upstream';
const PUBLISH_KEY = 'pub-c-upstream';
const SECRET_KEY = 'sec-c-upstream-secret';

let upstream: RecordingUpstream;
let service: RunningService;
let dataDir: string;
let token: string;

function sdk(options: { secretKey?: string; userId?: string } = {}): PubNub {
  return new PubNub({
    publishKey: PUBLISH_KEY, subscribeKey: SUBSCRIBE_KEY, userId: options.userId ?? 'alice',
    ...(options.secretKey === undefined ? {} : { secretKey: options.secretKey }),
    origin: `127.0.0.1:${service.port}`, ssl: false, logVerbosity: false, heartbeatInterval: 0,
  } as ConstructorParameters<typeof PubNub>[0]);
}

function client(): PubNub {
  const pubnub = sdk();
  pubnub.setToken(token);
  return pubnub;
}

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  dataDir = mkdtempSync(join(tmpdir(), 'grantkit-upstream-'));
  service = await startService(['--data-dir', dataDir, '--upstream', upstream.url], {
    GRANTKIT_SUBSCRIBE_KEY: SUBSCRIBE_KEY, GRANTKIT_PUBLISH_KEY: PUBLISH_KEY, GRANTKIT_SECRET_KEY: SECRET_KEY,
  });
  // The server grants through grantkit itself (Access Manager calls are never forwarded).
  token = await sdk({ secretKey: SECRET_KEY, userId: 'server' }).grantToken({
    ttl: 15,
    authorized_uuid: 'alice',
    resources: {
      channels: { 'room-1': { read: true, write: true, delete: true, get: true, update: true, manage: true, join: true }, 'read-only': { read: true } },
      groups: { cg: { read: true, manage: true } },
      uuids: { alice: { get: true, update: true, delete: true } },
    },
    patterns: { channels: { '^room-[0-9]+-pnpres$': { read: true } } },
  });
});

afterAll(async () => {
  const code = await service?.stop();
  await upstream?.close();
  rmSync(dataDir, { recursive: true, force: true });
  expect(code).toBe(0);
});

/** The SDK's answer to one call: `ok`, or the HTTP status and category it reported. */
async function outcome(call: Promise<unknown>): Promise<'ok' | { status: number | undefined; category: string | undefined; message: string }> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    const status = (error as { status?: { statusCode?: number; category?: string; errorData?: unknown } }).status;
    return { status: status?.statusCode, category: status?.category, message: JSON.stringify(status?.errorData ?? null) };
  }
}

const DENIED = { status: 403, category: 'PNAccessDeniedCategory' };

describe('grantkit serve --upstream with the official SDK', () => {
  it('never forwards the Access Manager grant', () => {
    expect(upstream.seen('/v3/pam')).toEqual([]);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  // [call, expected upstream path prefix (allowed) or 'denied']
  const calls: Array<[string, (pubnub: PubNub) => Promise<unknown>, string]> = [
    ['time', (p) => p.time(), '/time/0'],
    ['publish granted', (p) => p.publish({ channel: 'room-1', message: { text: 'hi' } }), `/publish/${PUBLISH_KEY}/${SUBSCRIBE_KEY}/0/room-1/0`],
    ['publish by POST granted', (p) => p.publish({ channel: 'room-1', message: { text: 'hi' }, sendByPost: true }), `/publish/${PUBLISH_KEY}/${SUBSCRIBE_KEY}/0/room-1/0`],
    ['publish on a read-only channel', (p) => p.publish({ channel: 'read-only', message: 1 }), 'denied'],
    ['publish on an ungranted channel', (p) => p.publish({ channel: 'other', message: 1 }), 'denied'],
    ['signal granted', (p) => p.signal({ channel: 'room-1', message: 'typing' }), `/signal/${PUBLISH_KEY}/${SUBSCRIBE_KEY}/0/room-1/0`],
    ['signal denied', (p) => p.signal({ channel: 'read-only', message: 'typing' }), 'denied'],
    ['here now granted', (p) => p.hereNow({ channels: ['room-1'] }), `/v2/presence/sub-key/${SUBSCRIBE_KEY}/channel/room-1`],
    ['here now denied', (p) => p.hereNow({ channels: ['other'] }), 'denied'],
    ['where now (none required)', (p) => p.whereNow({ uuid: 'alice' }), `/v2/presence/sub-key/${SUBSCRIBE_KEY}/uuid/alice`],
    ['set state granted', (p) => p.setState({ channels: ['room-1'], state: { mood: 'ok' } }), `/v2/presence/sub-key/${SUBSCRIBE_KEY}/channel/room-1/uuid/alice/data`],
    ['get state on a group granted', (p) => p.getState({ channelGroups: ['cg'] }), `/v2/presence/sub-key/${SUBSCRIBE_KEY}/channel/,/uuid/alice`],
    ['fetch messages granted', (p) => p.fetchMessages({ channels: ['room-1', 'read-only'] }), `/v3/history/sub-key/${SUBSCRIBE_KEY}/channel/`],
    ['fetch messages, one channel not granted', (p) => p.fetchMessages({ channels: ['room-1', 'other'] }), 'denied'],
    ['message counts granted', (p) => p.messageCounts({ channels: ['room-1'], channelTimetokens: ['15000000000000000'] }), `/v3/history/sub-key/${SUBSCRIBE_KEY}/message-counts/room-1`],
    ['delete messages granted', (p) => p.deleteMessages({ channel: 'room-1' }), `/v3/history/sub-key/${SUBSCRIBE_KEY}/channel/room-1`],
    ['delete messages without delete', (p) => p.deleteMessages({ channel: 'read-only' }), 'denied'],
    ['add message action granted', (p) => p.addMessageAction({ channel: 'room-1', messageTimetoken: '17000000000000000', action: { type: 'reaction', value: '+1' } }), `/v1/message-actions/${SUBSCRIBE_KEY}/channel/room-1/message/`],
    ['add message action without write', (p) => p.addMessageAction({ channel: 'read-only', messageTimetoken: '17000000000000000', action: { type: 'reaction', value: '+1' } }), 'denied'],
    ['get message actions granted', (p) => p.getMessageActions({ channel: 'read-only' }), `/v1/message-actions/${SUBSCRIBE_KEY}/channel/read-only`],
    ['remove message action without delete', (p) => p.removeMessageAction({ channel: 'read-only', messageTimetoken: '1', actionTimetoken: '2' }), 'denied'],
    ['send file granted', (p) => p.sendFile({ channel: 'room-1', file: { data: Buffer.from('meow'), name: 'cat.txt', mimeType: 'text/plain' } }), `/v1/files/publish-file/${PUBLISH_KEY}/${SUBSCRIBE_KEY}/0/room-1/0/`],
    ['send file without write', (p) => p.sendFile({ channel: 'read-only', file: { data: Buffer.from('meow'), name: 'cat.txt', mimeType: 'text/plain' } }), 'denied'],
    ['list files granted', (p) => p.listFiles({ channel: 'read-only' }), `/v1/files/${SUBSCRIBE_KEY}/channels/read-only/files`],
    ['download file granted', (p) => p.downloadFile({ channel: 'room-1', id: 'file-1', name: 'cat.txt' }), `/v1/files/${SUBSCRIBE_KEY}/channels/room-1/files/file-1/cat.txt`],
    ['delete file without delete', (p) => p.deleteFile({ channel: 'read-only', id: 'file-1', name: 'cat.txt' }), 'denied'],
    ['add channels to a managed group', (p) => p.channelGroups.addChannels({ channelGroup: 'cg', channels: ['a'] }), `/v1/channel-registration/sub-key/${SUBSCRIBE_KEY}/channel-group/cg`],
    ['add channels to another group', (p) => p.channelGroups.addChannels({ channelGroup: 'cg2', channels: ['a'] }), 'denied'],
    ['list channels of a readable group', (p) => p.channelGroups.listChannels({ channelGroup: 'cg' }), `/v1/channel-registration/sub-key/${SUBSCRIBE_KEY}/channel-group/cg`],
    ['delete a managed group', (p) => p.channelGroups.deleteGroup({ channelGroup: 'cg' }), `/v1/channel-registration/sub-key/${SUBSCRIBE_KEY}/channel-group/cg/remove`],
    ['list all groups (secret key only)', (p) => p.channelGroups.listGroups(), 'denied'],
    ['get own uuid metadata', (p) => p.objects.getUUIDMetadata({ uuid: 'alice' }), `/v2/objects/${SUBSCRIBE_KEY}/uuids/alice`],
    ['get another uuid\'s metadata', (p) => p.objects.getUUIDMetadata({ uuid: 'bob' }), 'denied'],
    ['set own uuid metadata', (p) => p.objects.setUUIDMetadata({ uuid: 'alice', data: { name: 'Alice' } }), `/v2/objects/${SUBSCRIBE_KEY}/uuids/alice`],
    ['remove own uuid metadata', (p) => p.objects.removeUUIDMetadata({ uuid: 'alice' }), `/v2/objects/${SUBSCRIBE_KEY}/uuids/alice`],
    ['get all uuid metadata (keyset disallows)', (p) => p.objects.getAllUUIDMetadata(), 'denied'],
    ['get channel metadata granted', (p) => p.objects.getChannelMetadata({ channel: 'room-1' }), `/v2/objects/${SUBSCRIBE_KEY}/channels/room-1`],
    ['set channel metadata without update', (p) => p.objects.setChannelMetadata({ channel: 'read-only', data: { name: 'R' } }), 'denied'],
    ['set memberships: own uuid, joinable channel', (p) => p.objects.setMemberships({ uuid: 'alice', channels: ['room-1'] }), `/v2/objects/${SUBSCRIBE_KEY}/uuids/alice/channels`],
    ['set memberships: a channel without join', (p) => p.objects.setMemberships({ uuid: 'alice', channels: ['room-1', 'read-only'] }), 'denied'],
    ['remove memberships granted', (p) => p.objects.removeMemberships({ uuid: 'alice', channels: ['room-1'] }), `/v2/objects/${SUBSCRIBE_KEY}/uuids/alice/channels`],
    ['get memberships of another uuid', (p) => p.objects.getMemberships({ uuid: 'bob' }), 'denied'],
    ['get channel members granted', (p) => p.objects.getChannelMembers({ channel: 'room-1' }), `/v2/objects/${SUBSCRIBE_KEY}/channels/room-1/uuids`],
    ['set channel members on a managed channel', (p) => p.objects.setChannelMembers({ channel: 'room-1', uuids: ['bob'] }), `/v2/objects/${SUBSCRIBE_KEY}/channels/room-1/uuids`],
    ['set channel members without manage', (p) => p.objects.setChannelMembers({ channel: 'read-only', uuids: ['bob'] }), 'denied'],
    ['push: register readable channels', (p) => p.push.addChannels({ channels: ['room-1', 'read-only'], device: 'dev-1', pushGateway: 'fcm' }), `/v1/push/sub-key/${SUBSCRIBE_KEY}/devices/dev-1`],
    ['push: register an ungranted channel', (p) => p.push.addChannels({ channels: ['other'], device: 'dev-1', pushGateway: 'fcm' }), 'denied'],
    ['push: APNs 2 registration granted', (p) => p.push.addChannels({ channels: ['room-1'], device: 'dev-2', pushGateway: 'apns2', environment: 'development', topic: 'com.example' }), `/v2/push/sub-key/${SUBSCRIBE_KEY}/devices-apns2/dev-2`],
    ['push: list channels (none required)', (p) => p.push.listChannels({ device: 'dev-1', pushGateway: 'fcm' }), `/v1/push/sub-key/${SUBSCRIBE_KEY}/devices/dev-1`],
    ['push: remove device (none required)', (p) => p.push.deleteDevice({ device: 'dev-1', pushGateway: 'fcm' }), `/v1/push/sub-key/${SUBSCRIBE_KEY}/devices/dev-1/remove`],
  ];

  for (const [name, call, expected] of calls) {
    it(`${name}: ${expected === 'denied' ? '403 from grantkit, nothing forwarded' : 'forwarded'}`, async () => {
      const before = upstream.requests.length;
      const result = await outcome(call(client()));
      const forwarded = upstream.requests.slice(before).filter((request) => request.path !== '/upload');
      if (expected === 'denied') {
        expect(result).toMatchObject(DENIED);
        expect(forwarded).toEqual([]);
      } else {
        expect(result).toBe('ok');
        expect(forwarded.length).toBeGreaterThan(0);
        expect(forwarded.at(-1)!.path.startsWith(expected)).toBe(true);
        // Forwarded as sent: the token and the SDK's own parameters reach the upstream untouched.
        if (expected !== '/time/0') expect(forwarded.at(-1)!.query.get('auth')).toBe(token);
        expect(forwarded.at(-1)!.query.get('pnsdk')).toMatch(/^PubNub-JS-Nodejs\//);
      }
    });
  }

  it('streams a long-poll subscribe (channel and its -pnpres) and its message through, and denies an ungranted presence channel', async () => {
    const pubnub = client();
    const received: unknown[] = [];
    const statuses: string[] = [];
    pubnub.addListener({ message: (event) => { received.push(event.message); }, status: (event) => { if (event.category) statuses.push(event.category); } });
    pubnub.subscribe({ channels: ['room-1'], withPresence: true });
    await until(() => upstream.seen(`/v2/subscribe/${SUBSCRIBE_KEY}/`).some((request) => request.query.has('tt') && request.query.get('tt') !== '0'), 10_000, () => JSON.stringify([statuses, upstream.requests.slice(-5).map((r) => [r.path, [...r.query]])]));
    const poll = upstream.seen(`/v2/subscribe/${SUBSCRIBE_KEY}/`).at(-1)!;
    expect(decodeURIComponent(poll.path.split('/')[4]!).split(',').sort()).toEqual(['room-1', 'room-1-pnpres']);
    upstream.deliver('room-1', { text: 'through the proxy' });
    await until(() => received.length > 0, 10_000, () => JSON.stringify([statuses, upstream.requests.slice(-4).map((r) => [r.path, [...r.query]])]));
    expect(received).toEqual([{ text: 'through the proxy' }]);
    pubnub.unsubscribeAll();
    pubnub.stop();

    const other = client();
    const denied: string[] = [];
    // The SDK's event engine reports a refused handshake as a connection error whose `error` is the 403's category.
    other.addListener({ status: (event) => { denied.push(String((event as { error?: unknown }).error ?? event.category)); } });
    other.subscribe({ channels: ['read-only'], withPresence: true }); // read-only-pnpres matches no grant
    await until(() => denied.includes('PNAccessDeniedCategory'), 10_000, () => JSON.stringify([denied, upstream.requests.slice(-3).map((r) => [r.path, [...r.query]])]));
    expect(upstream.seen('/v2/subscribe').filter((request) => request.path.includes('read-only'))).toEqual([]);
    other.stop();
  });

  it('a revoke makes the next call fail with "Token is revoked" (SQLite store: immediately)', async () => {
    const fresh = await sdk({ secretKey: SECRET_KEY, userId: 'server' }).grantToken({
      ttl: 5, authorized_uuid: 'alice', resources: { channels: { 'room-1': { write: true } } },
    });
    const pubnub = sdk();
    pubnub.setToken(fresh);
    expect(await outcome(pubnub.publish({ channel: 'room-1', message: 'before' }))).toBe('ok');
    await sdk({ secretKey: SECRET_KEY, userId: 'server' }).revokeToken(fresh);
    const after = await outcome(pubnub.publish({ channel: 'room-1', message: 'after' }));
    expect(after).toMatchObject(DENIED);
    expect(typeof after === 'object' && after.message).toContain('Token is revoked');
  });

  it('a request signed with the secret key passes every check (the server itself)', async () => {
    const server = sdk({ secretKey: SECRET_KEY, userId: 'server' });
    expect(await outcome(server.publish({ channel: 'anything', message: 1 }))).toBe('ok');
    expect(await outcome(server.channelGroups.listGroups())).toBe('ok');
    expect(upstream.seen(`/publish/${PUBLISH_KEY}/${SUBSCRIBE_KEY}/0/anything/0`).at(-1)!.query.get('signature')).toMatch(/^v2\./);
  });

  it('a token bound to alice used as mallory is denied, and a request with no token too', async () => {
    const mallory = sdk({ userId: 'mallory' });
    mallory.setToken(token);
    expect(await outcome(mallory.publish({ channel: 'room-1', message: 1 }))).toMatchObject(DENIED);
    expect(await outcome(sdk().publish({ channel: 'room-1', message: 1 }))).toMatchObject(DENIED);
  });

  it('answers unknown paths itself, never forwarding them, and keeps its own routes local', async () => {
    const before = upstream.requests.length;
    const unknown = await fetch(`${service.url}/v9/anything?auth=${token}`);
    expect(unknown.status).toBe(403);
    expect(unknown.headers.get('x-grantkit-reason')).toBe('unknown-operation');
    expect((await fetch(`${service.url}/health`)).status).toBe(200);
    expect(upstream.requests.length).toBe(before);
  });

  it('preserves the upstream\'s status, headers and body', async () => {
    const response = await fetch(`${service.url}/time/0?uuid=alice`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-upstream')).toBe('recording');
    expect(await response.json()).toEqual([17000000000000000]);
    const missing = await fetch(`${service.url}/v1/files/${SUBSCRIBE_KEY}/channels/room-1/files?auth=${token}&uuid=alice`);
    expect(missing.status).toBe(200);
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000, describe: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met in time ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
