/**
 * The operations map: every PubNub REST operation, the resources it touches and the permission it needs on each, as
 * PubNub publishes it ("Operations to permissions mapping" and "Access Manager permission model" in its security
 * documentation), plus the endpoints the official JS SDK sends that the published table leaves out. One row per
 * operation; the request matcher (`match-request.ts`) and the explain tooling read these rows, nothing else.
 *
 * @module
 */
import type { Permission } from '../permissions.js';

/**
 * The stable name of each PubNub operation grantkit knows.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const name: OperationName = 'publish';
 * ```
 */
export type OperationName =
  | 'publish' | 'signal' | 'subscribe' | 'heartbeat' | 'leave'
  | 'here-now' | 'global-here-now' | 'where-now' | 'get-state' | 'set-state'
  | 'history' | 'fetch-messages' | 'fetch-messages-with-actions' | 'message-counts' | 'delete-messages'
  | 'add-message-action' | 'remove-message-action' | 'get-message-actions'
  | 'generate-file-upload-url' | 'publish-file' | 'list-files' | 'download-file' | 'delete-file'
  | 'add-channels-to-group' | 'remove-channels-from-group' | 'list-channels-in-group' | 'delete-group' | 'list-groups'
  | 'get-uuid-metadata' | 'set-uuid-metadata' | 'remove-uuid-metadata' | 'get-all-uuid-metadata'
  | 'get-channel-metadata' | 'set-channel-metadata' | 'remove-channel-metadata' | 'get-all-channel-metadata'
  | 'get-memberships' | 'set-memberships' | 'remove-memberships'
  | 'get-channel-members' | 'set-channel-members' | 'remove-channel-members'
  | 'add-push-channels' | 'remove-push-channels' | 'list-push-channels' | 'remove-push-device'
  | 'time' | 'cors-preflight'
  | 'grant-token' | 'revoke-token' | 'grant-v2' | 'audit-v2';

/**
 * How an operation is authorized:
 * - `token`: every named resource needs its permission in the presented token (or the request is signed with the
 *   secret key);
 * - `open`: no permission is needed (PubNub's "None required");
 * - `secret-key`: only a request signed with the keyset's secret key (signature v2) may call it; no token can;
 * - `keyset-setting`: refused to tokens while the keyset disallows it (PubNub's App Context "Disallow Get All ...
 *   Metadata" options, checked by default); a signed request may always call it.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const access: OperationAccess = 'open';
 * ```
 */
export type OperationAccess = 'token' | 'open' | 'secret-key' | 'keyset-setting';

/**
 * The PubNub service an operation belongs to, as the published table groups them.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const service: OperationService = 'presence';
 * ```
 */
export type OperationService =
  | 'pubsub' | 'presence' | 'message-persistence' | 'message-actions' | 'files' | 'channel-groups' | 'app-context'
  | 'mobile-push' | 'access-manager' | 'utility';

/**
 * One row of the map.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * OPERATIONS.publish; // { name: 'publish', title: 'Publish on channel', requires: { channels: 'write' }, ... }
 * ```
 */
export interface OperationDefinition {
  name: OperationName;
  /** The row's name in PubNub's published table (or, for an endpoint it leaves out, what the JS SDK calls it). */
  title: string;
  service: OperationService;
  access: OperationAccess;
  /** The permission needed on each named channel, channel group and uuid. Absent: that kind is not checked. */
  requires: { channels?: Permission; groups?: Permission; uuids?: Permission };
  /** Whether the row is in PubNub's published table (`false`: an endpoint the JS SDK sends that the table omits). */
  published: boolean;
  /** Why the row is as it is, when the table alone does not say. */
  note?: string;
}

type Row = Omit<OperationDefinition, 'name'>;

const token = (service: OperationService, title: string, requires: OperationDefinition['requires'], published = true, note?: string): Row =>
  ({ title, service, access: 'token', requires, published, ...(note === undefined ? {} : { note }) });
const open = (service: OperationService, title: string, published: boolean, note?: string): Row =>
  ({ title, service, access: 'open', requires: {}, published, ...(note === undefined ? {} : { note }) });
const server = (service: OperationService, title: string, note: string): Row =>
  ({ title, service, access: 'secret-key', requires: {}, published: false, note });

const ROWS: Record<OperationName, Row> = {
  publish: token('pubsub', 'Publish on channel', { channels: 'write' }),
  signal: token('pubsub', 'Signal on channel', { channels: 'write' }),
  subscribe: token('pubsub', 'Subscribe to channel / channel group (and their -pnpres presence channels)', { channels: 'read', groups: 'read' }, true,
    'Every channel and group is checked by its own name: `room-1-pnpres` needs its own grant (or a pattern matching it).'),
  heartbeat: token('presence', 'Presence heartbeat', { channels: 'read', groups: 'read' }, false,
    'Sent by the SDK while subscribed; checked like the subscribe it belongs to.'),
  leave: open('pubsub', 'Unsubscribe from channel / channel group', true),
  'here-now': token('presence', 'Here Now', { channels: 'read', groups: 'read' }),
  'global-here-now': server('presence', 'Global Here Now (no channel)', 'Names no resource a token could grant; only the secret key may list the whole keyset.'),
  'where-now': open('presence', 'Where Now', true),
  'get-state': token('presence', 'Get State', { channels: 'read', groups: 'read' }),
  'set-state': token('presence', 'Set State', { channels: 'read', groups: 'read' }),
  history: token('message-persistence', 'Fetch messages (history v2)', { channels: 'read' }),
  'fetch-messages': token('message-persistence', 'Fetch messages', { channels: 'read' }),
  'fetch-messages-with-actions': token('message-persistence', 'Fetch messages with message actions', { channels: 'read' }),
  'message-counts': token('message-persistence', 'Message counts', { channels: 'read' }),
  'delete-messages': token('message-persistence', 'Delete messages', { channels: 'delete' }),
  'add-message-action': token('message-actions', 'Add message action', { channels: 'write' }),
  'remove-message-action': token('message-actions', 'Remove message action', { channels: 'delete' }),
  'get-message-actions': token('message-actions', 'Get message actions', { channels: 'read' }),
  'generate-file-upload-url': token('files', 'Send file on channel (upload URL)', { channels: 'write' }),
  'publish-file': token('files', 'Send file on channel (file message)', { channels: 'write' }),
  'list-files': token('files', 'List files', { channels: 'read' }),
  'download-file': token('files', 'Download file', { channels: 'read' }),
  'delete-file': token('files', 'Delete file', { channels: 'delete' }),
  'add-channels-to-group': token('channel-groups', 'Add channels to channel group', { groups: 'manage' }),
  'remove-channels-from-group': token('channel-groups', 'Remove channels from channel group', { groups: 'manage' }),
  'list-channels-in-group': token('channel-groups', 'List channels in channel group', { groups: 'read' }),
  'delete-group': token('channel-groups', 'Remove channel group', { groups: 'manage' }),
  'list-groups': server('channel-groups', 'List all channel groups', 'Names no group a token could grant; only the secret key may list them.'),
  'get-uuid-metadata': token('app-context', 'Get user metadata', { uuids: 'get' }),
  'set-uuid-metadata': token('app-context', 'Set user metadata', { uuids: 'update' }),
  'remove-uuid-metadata': token('app-context', 'Remove user metadata', { uuids: 'delete' }),
  'get-all-uuid-metadata': { title: 'Get metadata for all users', service: 'app-context', access: 'keyset-setting', requires: {}, published: true,
    note: 'Governed by the keyset option "Disallow Get All User Metadata" (on by default), not by a token.' },
  'get-channel-metadata': token('app-context', 'Get channel metadata', { channels: 'get' }),
  'set-channel-metadata': token('app-context', 'Set channel metadata', { channels: 'update' }),
  'remove-channel-metadata': token('app-context', 'Remove channel metadata', { channels: 'delete' }),
  'get-all-channel-metadata': { title: 'Get metadata for all channels', service: 'app-context', access: 'keyset-setting', requires: {}, published: true,
    note: 'Governed by the keyset option "Disallow Get All Channel Metadata" (on by default), not by a token.' },
  'get-memberships': token('app-context', 'Get channel memberships', { uuids: 'get' }),
  'set-memberships': token('app-context', 'Set channel memberships', { uuids: 'update', channels: 'join' }),
  'remove-memberships': token('app-context', 'Remove channel memberships', { uuids: 'update', channels: 'join' }),
  'get-channel-members': token('app-context', 'Get channel members', { channels: 'get' }),
  'set-channel-members': token('app-context', 'Set channel members', { channels: 'manage' }),
  'remove-channel-members': token('app-context', 'Remove channel members', { channels: 'manage' }),
  'add-push-channels': token('mobile-push', 'Register channels for push', { channels: 'read' }),
  'remove-push-channels': token('mobile-push', 'Remove channels from push registration', { channels: 'read' }),
  'list-push-channels': open('mobile-push', 'List push channels for device', true, 'Names no channel; the device token is the secret.'),
  'remove-push-device': open('mobile-push', 'Remove all push registrations for device', true, 'Names no channel; the device token is the secret.'),
  time: open('utility', 'Time', false),
  'cors-preflight': open('utility', 'CORS preflight (OPTIONS)', false, 'Browsers send it without credentials before a PATCH or DELETE.'),
  'grant-token': server('access-manager', 'Grant token', 'Signed with the secret key; served by grantkit itself.'),
  'revoke-token': server('access-manager', 'Revoke token', 'Signed with the secret key; served by grantkit itself.'),
  'grant-v2': server('access-manager', 'Grant (Access Manager v2)', 'The deprecated v2 grant; signed with the secret key.'),
  'audit-v2': server('access-manager', 'Audit (Access Manager v2)', 'The deprecated v2 audit; signed with the secret key.'),
};

/**
 * Every operation grantkit knows, by name: the whole map.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * OPERATIONS['set-memberships'].requires; // { uuids: 'update', channels: 'join' }
 * ```
 */
export const OPERATIONS: Readonly<Record<OperationName, Readonly<OperationDefinition>>> = /* @__PURE__ */ Object.freeze(
  Object.fromEntries(Object.entries(ROWS).map(([name, row]) => [name, Object.freeze({ name, ...row })])) as Record<OperationName, OperationDefinition>,
);

/**
 * Whether `name` is a known operation.
 *
 * Exported from `@grantkit/core`.
 *
 * @param name - Any string (a CLI argument, a query parameter).
 * @returns True when {@link OPERATIONS} has a row of that name.
 * @example
 * ```ts
 * isOperationName('publish'); // true
 * ```
 */
export function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(ROWS, name);
}
