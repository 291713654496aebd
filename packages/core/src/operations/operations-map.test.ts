/**
 * The table test: every row of PubNub's published "Operations to permissions mapping" (and the permission model's
 * per-flag list), as a request the official JS SDK sends, maps to the operation and exactly the checks the row names.
 * A second table covers the endpoints the SDK sends that the published table leaves out; together they reach every
 * operation of the catalog.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPERATIONS, isOperationName, type OperationName } from './catalog.js';
import { MAX_OPERATION_CHECKS, matchOperation, operationRequest, type PermissionCheck } from './match-request.js';

const SUB = 'sub-c-1';
const PUB = 'pub-c-1';

interface Row {
  /** The row as PubNub publishes it: operation, resource, permission. */
  published: string;
  method?: string;
  path: string;
  query?: Record<string, string>;
  body?: string;
  operation: OperationName;
  checks: Array<[PermissionCheck['resource'], string, PermissionCheck['permission']]>;
}

// Pub/Sub, Presence, Message Persistence, File Sharing, Channel Groups, App Context, Mobile Push, Message Actions.
const PUBLISHED: Row[] = [
  { published: 'Publish on channel | Channel | write', path: `/publish/${PUB}/${SUB}/0/room-1/0/%22hi%22`, operation: 'publish', checks: [['channel', 'room-1', 'write']] },
  { published: 'Publish on channel (POST) | Channel | write', method: 'POST', path: `/publish/${PUB}/${SUB}/0/room-1/0`, body: '"hi"', operation: 'publish', checks: [['channel', 'room-1', 'write']] },
  { published: 'Signal on channel | Channel | write', path: `/signal/${PUB}/${SUB}/0/room-1/0/%22hi%22`, operation: 'signal', checks: [['channel', 'room-1', 'write']] },
  { published: 'Subscribe to channel | Channel | read', path: `/v2/subscribe/${SUB}/room-1/0`, operation: 'subscribe', checks: [['channel', 'room-1', 'read']] },
  { published: 'Subscribe to presence channel | Presence channel (-pnpres) | read', path: `/v2/subscribe/${SUB}/room-1,room-1-pnpres/0`, operation: 'subscribe', checks: [['channel', 'room-1', 'read'], ['channel', 'room-1-pnpres', 'read']] },
  { published: 'Subscribe to channel group | Channel group | read', path: `/v2/subscribe/${SUB}/,/0`, query: { 'channel-group': 'cg' }, operation: 'subscribe', checks: [['group', 'cg', 'read']] },
  { published: 'Subscribe to presence channel group | Presence channel group (-pnpres) | read', path: `/v2/subscribe/${SUB}/,/0`, query: { 'channel-group': 'cg,cg-pnpres' }, operation: 'subscribe', checks: [['group', 'cg', 'read'], ['group', 'cg-pnpres', 'read']] },
  { published: 'Unsubscribe from channel | Channel | None required', path: `/v2/presence/sub-key/${SUB}/channel/room-1/leave`, operation: 'leave', checks: [] },
  { published: 'Unsubscribe from channel group | Channel group | None required', path: `/v2/presence/sub-key/${SUB}/channel/,/leave`, query: { 'channel-group': 'cg' }, operation: 'leave', checks: [] },
  { published: 'Here Now | Channel | read', path: `/v2/presence/sub-key/${SUB}/channel/room-1`, operation: 'here-now', checks: [['channel', 'room-1', 'read']] },
  { published: 'Where Now | Channel | None required', path: `/v2/presence/sub-key/${SUB}/uuid/alice`, operation: 'where-now', checks: [] },
  { published: 'Get State | Channel | read', path: `/v2/presence/sub-key/${SUB}/channel/room-1/uuid/alice`, operation: 'get-state', checks: [['channel', 'room-1', 'read']] },
  { published: 'Set State | Channel | read', path: `/v2/presence/sub-key/${SUB}/channel/room-1/uuid/alice/data`, query: { state: '{"mood":"ok"}' }, operation: 'set-state', checks: [['channel', 'room-1', 'read']] },
  { published: 'Fetch messages | Channel | read', path: `/v3/history/sub-key/${SUB}/channel/room-1,room-2`, operation: 'fetch-messages', checks: [['channel', 'room-1', 'read'], ['channel', 'room-2', 'read']] },
  { published: 'Fetch messages (history v2) | Channel | read', path: `/v2/history/sub-key/${SUB}/channel/room-1`, operation: 'history', checks: [['channel', 'room-1', 'read']] },
  { published: 'Fetch messages with actions | Channel | read', path: `/v3/history-with-actions/sub-key/${SUB}/channel/room-1`, operation: 'fetch-messages-with-actions', checks: [['channel', 'room-1', 'read']] },
  { published: 'Message counts | Channel | read', path: `/v3/history/sub-key/${SUB}/message-counts/room-1,room-2`, query: { channelsTimetoken: '1,2' }, operation: 'message-counts', checks: [['channel', 'room-1', 'read'], ['channel', 'room-2', 'read']] },
  { published: 'Delete messages | Channel | delete', method: 'DELETE', path: `/v3/history/sub-key/${SUB}/channel/room-1`, operation: 'delete-messages', checks: [['channel', 'room-1', 'delete']] },
  { published: 'Send file on channel | Channel | write', method: 'POST', path: `/v1/files/${SUB}/channels/room-1/generate-upload-url`, operation: 'generate-file-upload-url', checks: [['channel', 'room-1', 'write']] },
  { published: 'Send file on channel (file message) | Channel | write', path: `/v1/files/publish-file/${PUB}/${SUB}/0/room-1/0/%7B%7D`, operation: 'publish-file', checks: [['channel', 'room-1', 'write']] },
  { published: 'List files | Channel | read', path: `/v1/files/${SUB}/channels/room-1/files`, operation: 'list-files', checks: [['channel', 'room-1', 'read']] },
  { published: 'Download file | Channel | read', path: `/v1/files/${SUB}/channels/room-1/files/id-1/cat.png`, operation: 'download-file', checks: [['channel', 'room-1', 'read']] },
  { published: 'Delete file | Channel | delete', method: 'DELETE', path: `/v1/files/${SUB}/channels/room-1/files/id-1/cat.png`, operation: 'delete-file', checks: [['channel', 'room-1', 'delete']] },
  { published: 'Add channels to channel group | Channel group | manage', path: `/v1/channel-registration/sub-key/${SUB}/channel-group/cg`, query: { add: 'a,b' }, operation: 'add-channels-to-group', checks: [['group', 'cg', 'manage']] },
  { published: 'Remove channels from channel group | Channel group | manage', path: `/v1/channel-registration/sub-key/${SUB}/channel-group/cg`, query: { remove: 'a' }, operation: 'remove-channels-from-group', checks: [['group', 'cg', 'manage']] },
  { published: 'List channels in channel group | Channel group | read', path: `/v1/channel-registration/sub-key/${SUB}/channel-group/cg`, operation: 'list-channels-in-group', checks: [['group', 'cg', 'read']] },
  { published: 'Remove channel group | Channel group | manage', path: `/v1/channel-registration/sub-key/${SUB}/channel-group/cg/remove`, operation: 'delete-group', checks: [['group', 'cg', 'manage']] },
  { published: 'Get user metadata | UUID | get', path: `/v2/objects/${SUB}/uuids/alice`, operation: 'get-uuid-metadata', checks: [['uuid', 'alice', 'get']] },
  { published: 'Set user metadata | UUID | update', method: 'PATCH', path: `/v2/objects/${SUB}/uuids/alice`, body: '{"name":"Alice"}', operation: 'set-uuid-metadata', checks: [['uuid', 'alice', 'update']] },
  { published: 'Remove user metadata | UUID | delete', method: 'DELETE', path: `/v2/objects/${SUB}/uuids/alice`, operation: 'remove-uuid-metadata', checks: [['uuid', 'alice', 'delete']] },
  { published: 'Get metadata for all users | keyset option "Disallow Get All User Metadata"', path: `/v2/objects/${SUB}/uuids`, operation: 'get-all-uuid-metadata', checks: [] },
  { published: 'Get channel metadata | Channel | get', path: `/v2/objects/${SUB}/channels/room-1`, operation: 'get-channel-metadata', checks: [['channel', 'room-1', 'get']] },
  { published: 'Set channel metadata | Channel | update', method: 'PATCH', path: `/v2/objects/${SUB}/channels/room-1`, body: '{"name":"Room"}', operation: 'set-channel-metadata', checks: [['channel', 'room-1', 'update']] },
  { published: 'Remove channel metadata | Channel | delete', method: 'DELETE', path: `/v2/objects/${SUB}/channels/room-1`, operation: 'remove-channel-metadata', checks: [['channel', 'room-1', 'delete']] },
  { published: 'Get metadata for all channels | keyset option "Disallow Get All Channel Metadata"', path: `/v2/objects/${SUB}/channels`, operation: 'get-all-channel-metadata', checks: [] },
  { published: 'Get channel memberships | UUID | get', path: `/v2/objects/${SUB}/uuids/alice/channels`, operation: 'get-memberships', checks: [['uuid', 'alice', 'get']] },
  {
    published: 'Set channel memberships | UUID update, each Channel join', method: 'PATCH', path: `/v2/objects/${SUB}/uuids/alice/channels`,
    body: '{"set":[{"channel":{"id":"room-1"}},{"channel":{"id":"room-2"},"status":"active"}]}', operation: 'set-memberships',
    checks: [['uuid', 'alice', 'update'], ['channel', 'room-1', 'join'], ['channel', 'room-2', 'join']],
  },
  {
    published: 'Remove channel memberships | UUID update, each Channel join', method: 'PATCH', path: `/v2/objects/${SUB}/uuids/alice/channels`,
    body: '{"delete":[{"channel":{"id":"room-1"}}]}', operation: 'remove-memberships', checks: [['uuid', 'alice', 'update'], ['channel', 'room-1', 'join']],
  },
  { published: 'Get channel members | Channel | get', path: `/v2/objects/${SUB}/channels/room-1/uuids`, operation: 'get-channel-members', checks: [['channel', 'room-1', 'get']] },
  { published: 'Set channel members | Channel | manage', method: 'PATCH', path: `/v2/objects/${SUB}/channels/room-1/uuids`, body: '{"set":[{"uuid":{"id":"bob"}}]}', operation: 'set-channel-members', checks: [['channel', 'room-1', 'manage']] },
  { published: 'Remove channel members | Channel | manage', method: 'PATCH', path: `/v2/objects/${SUB}/channels/room-1/uuids`, body: '{"delete":[{"uuid":{"id":"bob"}}]}', operation: 'remove-channel-members', checks: [['channel', 'room-1', 'manage']] },
  { published: 'Register channels for push (FCM) | Channel | read', path: `/v1/push/sub-key/${SUB}/devices/dev-1`, query: { add: 'a,b', type: 'fcm' }, operation: 'add-push-channels', checks: [['channel', 'a', 'read'], ['channel', 'b', 'read']] },
  { published: 'Register channels for push (APNs 2) | Channel | read', path: `/v2/push/sub-key/${SUB}/devices-apns2/dev-1`, query: { add: 'a', type: 'apns2', environment: 'development', topic: 'com.x' }, operation: 'add-push-channels', checks: [['channel', 'a', 'read']] },
  { published: 'Remove channels from push registration | Channel | read', path: `/v1/push/sub-key/${SUB}/devices/dev-1`, query: { remove: 'a', type: 'fcm' }, operation: 'remove-push-channels', checks: [['channel', 'a', 'read']] },
  { published: 'List push channels for device | None required', path: `/v1/push/sub-key/${SUB}/devices/dev-1`, query: { type: 'fcm' }, operation: 'list-push-channels', checks: [] },
  { published: 'Remove device from push | None required', path: `/v1/push/sub-key/${SUB}/devices/dev-1/remove`, query: { type: 'fcm' }, operation: 'remove-push-device', checks: [] },
  { published: 'Add message action | Channel | write', method: 'POST', path: `/v1/message-actions/${SUB}/channel/room-1/message/1700000000000000`, body: '{"type":"reaction","value":"+1"}', operation: 'add-message-action', checks: [['channel', 'room-1', 'write']] },
  { published: 'Remove message action | Channel | delete', method: 'DELETE', path: `/v1/message-actions/${SUB}/channel/room-1/message/1700000000000000/action/1700000000000001`, operation: 'remove-message-action', checks: [['channel', 'room-1', 'delete']] },
  { published: 'Get message actions | Channel | read', path: `/v1/message-actions/${SUB}/channel/room-1`, operation: 'get-message-actions', checks: [['channel', 'room-1', 'read']] },
];

// Endpoints the JS SDK sends that the published table leaves out.
const SDK_ONLY: Row[] = [
  { published: 'Presence heartbeat (checked as the subscribe)', path: `/v2/presence/sub-key/${SUB}/channel/room-1/heartbeat`, query: { heartbeat: '300', 'channel-group': 'cg' }, operation: 'heartbeat', checks: [['channel', 'room-1', 'read'], ['group', 'cg', 'read']] },
  { published: 'Global Here Now (secret key)', path: `/v2/presence/sub-key/${SUB}`, operation: 'global-here-now', checks: [] },
  { published: 'List all channel groups (secret key)', path: `/v1/channel-registration/sub-key/${SUB}/channel-group`, operation: 'list-groups', checks: [] },
  { published: 'Time', path: '/time/0', operation: 'time', checks: [] },
  { published: 'CORS preflight', method: 'OPTIONS', path: `/v2/objects/${SUB}/uuids/alice`, operation: 'cors-preflight', checks: [] },
  { published: 'Grant token (secret key)', method: 'POST', path: `/v3/pam/${SUB}/grant`, operation: 'grant-token', checks: [] },
  { published: 'Revoke token (secret key)', method: 'DELETE', path: `/v3/pam/${SUB}/grant/p0F2AkF0`, operation: 'revoke-token', checks: [] },
  { published: 'Grant v2 (secret key)', path: `/v2/auth/grant/sub-key/${SUB}`, operation: 'grant-v2', checks: [] },
  { published: 'Audit v2 (secret key)', path: `/v2/auth/audit/sub-key/${SUB}`, operation: 'audit-v2', checks: [] },
  { published: 'Original subscribe', path: `/subscribe/${SUB}/room-1/0/0`, operation: 'subscribe', checks: [['channel', 'room-1', 'read']] },
];

describe('the operations map', () => {
  for (const row of [...PUBLISHED, ...SDK_ONLY]) {
    it(`${row.published} → ${row.operation}`, () => {
      const matched = matchOperation({ method: row.method ?? 'GET', path: row.path, query: { uuid: 'alice', ...row.query }, ...(row.body === undefined ? {} : { body: row.body }) });
      expect(matched.known).toBe(true);
      if (!matched.known) return;
      expect(matched.operation.name).toBe(row.operation);
      expect(matched.checks.map((check) => [check.resource, check.name, check.permission])).toEqual(row.checks);
      expect(matched.uuid).toBe('alice');
      if (!['time', 'cors-preflight'].includes(row.operation)) expect(matched.subscribeKey).toBe(SUB);
    });
  }

  it('reaches every operation of the catalog', () => {
    const reached = new Set([...PUBLISHED, ...SDK_ONLY].map((row) => row.operation));
    expect([...reached].sort()).toEqual(Object.keys(OPERATIONS).sort());
  });

  it('the operations guide lists every operation with what it needs', () => {
    const guide = readFileSync(new URL('../../../../docs/guides/operations.md', import.meta.url), 'utf8');
    for (const operation of Object.values(OPERATIONS)) {
      const needs = operation.access === 'token'
        ? Object.entries(operation.requires).map(([kind, permission]) => `\`${permission}\` on each ${kind.replace(/s$/, '')}`).join(' + ')
        : { open: 'nothing', 'secret-key': 'the secret key (signature v2)', 'keyset-setting': 'a keyset setting' }[operation.access];
      expect(guide, operation.name).toMatch(new RegExp(`^\\| \`${operation.name}\` \\|.*\\| ${needs.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\|`, 'm'));
    }
  });

  it('marks published rows as published, and lists access and requirements consistently', () => {
    for (const row of PUBLISHED) expect(OPERATIONS[row.operation].published, row.operation).toBe(true);
    for (const operation of Object.values(OPERATIONS)) {
      const needs = Object.keys(operation.requires).length > 0;
      expect(needs, operation.name).toBe(operation.access === 'token');
      expect(isOperationName(operation.name)).toBe(true);
    }
    expect(isOperationName('toString')).toBe(false);
  });
});

describe('matchOperation', () => {
  it('keeps an encoded comma or slash inside one channel name and decodes names', () => {
    const matched = matchOperation({ method: 'GET', path: `/v2/subscribe/${SUB}/a%2Cb,c%2Fd,%F0%9F%98%80/0`, query: {} });
    expect(matched.known && matched.resources.channels).toEqual(['a,b', 'c/d', '😀']);
  });

  it('publishes name the publish key, and a POST publish needs no body to be recognised', () => {
    const matched = matchOperation({ method: 'POST', path: `/publish/${PUB}/${SUB}/0/room-1/0`, query: {} });
    expect(matched.known && { publishKey: matched.publishKey, subscribeKey: matched.subscribeKey }).toEqual({ publishKey: PUB, subscribeKey: SUB });
  });

  it.each([
    ['GET', '/v9/unknown/thing'],
    ['GET', '/'],
    ['PUT', `/publish/${PUB}/${SUB}/0/room-1/0/1`],
    ['POST', `/signal/${PUB}/${SUB}/0/room-1/0/1`],
    ['DELETE', `/v2/subscribe/${SUB}/room-1/0`],
    ['GET', `/v2/subscribe/${SUB}/room-1/0/extra`],
    ['POST', `/v2/objects/${SUB}/uuids`],
    ['GET', `/v3/pam/${SUB}/grant`],
    ['GET', `/v2/presence/sub-key/${SUB}/channel/a/unknown`],
  ])('%s %s is an unknown operation', (method, path) => {
    const matched = matchOperation({ method, path, query: {} });
    expect(matched.known).toBe(false);
    if (!matched.known) expect(matched.message).toMatch(/^Unknown operation: /);
  });

  it('never echoes a revoke path\'s token in the unknown-operation message', () => {
    const token = 'p0F2AkF0GmEK-4NDdHRsGDxDcmVzpURjaGFuoWhjaGFubmVsMQFDZ3Jw';
    const matched = matchOperation({ method: 'PUT', path: `/v3/pam/${SUB}/grant/${token}`, query: {} });
    expect(!matched.known && matched.message).not.toContain(token);
  });

  it('refuses bad percent-encoding and membership bodies that are not what the SDKs send', () => {
    expect(() => matchOperation({ method: 'GET', path: `/v2/subscribe/${SUB}/%E0%A4/0`, query: {} })).toThrow(expect.objectContaining({ code: 'ERR_REQUEST_INVALID' }));
    for (const body of ['', 'nope', '[]', '{}', '{"set":{}}', '{"set":[{"channel":{}}]}', '{"set":[null]}']) {
      expect(() => matchOperation({ method: 'PATCH', path: `/v2/objects/${SUB}/uuids/alice/channels`, query: {}, body }), body)
        .toThrow(expect.objectContaining({ code: 'ERR_REQUEST_INVALID' }));
    }
  });

  it(`bounds the resources one request may name at ${MAX_OPERATION_CHECKS}`, () => {
    const names = (count: number) => Array.from({ length: count }, (_, index) => `c${index}`);
    const atLimit = matchOperation({ method: 'GET', path: `/v2/subscribe/${SUB}/${names(MAX_OPERATION_CHECKS).join(',')}/0`, query: {} });
    expect(atLimit.known && atLimit.checks.length).toBe(MAX_OPERATION_CHECKS);
    const limit = expect.objectContaining({ code: 'ERR_LIMIT_EXCEEDED' });
    expect(() => matchOperation({ method: 'GET', path: `/v2/subscribe/${SUB}/${names(MAX_OPERATION_CHECKS + 1).join(',')}/0`, query: {} })).toThrow(limit);
    expect(() => matchOperation({ method: 'GET', path: `/v2/subscribe/${SUB}/${names(MAX_OPERATION_CHECKS).join(',')}/0`, query: { 'channel-group': 'g' } })).toThrow(limit);
    expect(() => matchOperation({ method: 'GET', path: `/v2/subscribe/${SUB}/,/0`, query: { 'channel-group': names(MAX_OPERATION_CHECKS + 1).join(',') } })).toThrow(limit);
    const body = JSON.stringify({ set: names(MAX_OPERATION_CHECKS + 1).map((id) => ({ channel: { id } })) });
    expect(() => matchOperation({ method: 'PATCH', path: `/v2/objects/${SUB}/uuids/alice/channels`, query: {}, body })).toThrow(limit);
  });

  it('operationRequest applies the map without a request', () => {
    expect(operationRequest('subscribe', { channels: ['a'], groups: ['g'] }).checks).toEqual([
      { resource: 'channel', name: 'a', permission: 'read' }, { resource: 'group', name: 'g', permission: 'read' },
    ]);
    expect(operationRequest('publish', { groups: ['g'] }).checks).toEqual([]);
  });
});
