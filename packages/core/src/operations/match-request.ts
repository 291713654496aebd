/**
 * From a PubNub REST request, as the official SDKs send it, to the operation it is and every (resource, permission)
 * check it needs. Paths are read from their raw, percent-encoded form so a channel name containing `,` or `/` (sent
 * encoded) stays one name. An unrecognised method or path is an unknown operation, never an allow.
 *
 * @module
 */
import { LimitExceededError, RequestInvalidError } from '../errors.js';
import type { Permission } from '../permissions.js';
import { OPERATIONS, type OperationDefinition, type OperationName } from './catalog.js';

/**
 * One permission a request needs on one resource.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const check: PermissionCheck = { resource: 'channel', name: 'room-1-pnpres', permission: 'read' };
 * ```
 */
export interface PermissionCheck {
  resource: 'channel' | 'group' | 'uuid';
  name: string;
  permission: Permission;
}

/**
 * The resources a request names, by kind.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const resources: OperationResources = { channels: ['a', 'a-pnpres'], groups: ['g'], uuids: [] };
 * ```
 */
export interface OperationResources {
  channels: string[];
  groups: string[];
  uuids: string[];
}

/**
 * A request recognised as a PubNub operation.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const matched = matchOperation({ method: 'GET', path: '/publish/pub-c-1/sub-c-1/0/room-1/0/%22hi%22', query: {} });
 * if (matched.known) matched.checks; // [{ resource: 'channel', name: 'room-1', permission: 'write' }]
 * ```
 */
export interface MatchedOperation {
  known: true;
  operation: Readonly<OperationDefinition>;
  /** The subscribe key the path addresses (absent only for `time` and CORS preflights). */
  subscribeKey?: string;
  /** The publish key, for the operations whose path carries one (publish, signal, publish-file). */
  publishKey?: string;
  resources: OperationResources;
  /** Every check the operation needs, in the order the request names the resources. */
  checks: PermissionCheck[];
  /** The requesting uuid (`uuid` query parameter), checked against a token bound to one. */
  uuid?: string;
}

/**
 * A request that is not a PubNub operation grantkit knows. Enforcement denies it.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const unknown: UnknownOperation = { known: false, message: 'Unknown operation: GET /v9/nothing' };
 * ```
 */
export interface UnknownOperation {
  known: false;
  /** Names the method and path (never the query: it carries tokens). */
  message: string;
}

/**
 * A REST request as received: method, raw path, query and (for PATCH requests) body.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const request: OperationRequestInput = { method: 'GET', path: '/v2/subscribe/sub-c-1/a,b/0', query: new URLSearchParams('channel-group=g') };
 * ```
 */
export interface OperationRequestInput {
  method: string;
  /** The path exactly as sent (percent-encoded), without the query. */
  path: string;
  query: URLSearchParams | Record<string, string>;
  /** The body text. Needed only to name the channels or uuids of App Context membership and member updates. */
  body?: string;
}

/**
 * Most resources one request may name: a 32 KiB request holds at most about 16,000 one-character names; checking a
 * bounded number keeps the cost of one request bounded. Beyond it the request is refused, never half-checked.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * if (channels.length > MAX_OPERATION_CHECKS) split();
 * ```
 */
export const MAX_OPERATION_CHECKS = 1_000;

/**
 * Recognises a PubNub REST request and lists every check it needs. A subscribe over many channels and groups checks
 * each one by its own name: a `-pnpres` presence channel or group needs its own grant, as PubNub checks it.
 *
 * Exported from `@grantkit/core`.
 *
 * @param request - Method, raw path, query, and the body for PATCH requests.
 * @returns The operation with its checks, or an unknown operation.
 * @throws `RequestInvalidError` `ERR_REQUEST_INVALID` for bad percent-encoding or a membership body that is not the
 *   JSON the SDKs send; `LimitExceededError` `ERR_LIMIT_EXCEEDED` beyond {@link MAX_OPERATION_CHECKS} resources.
 * @example
 * ```ts
 * const matched = matchOperation({ method: 'GET', path: '/v2/subscribe/sub-c-1/a,a-pnpres/0', query: { 'channel-group': 'g' } });
 * matched.known && matched.checks.length; // 3
 * ```
 */
export function matchOperation(request: OperationRequestInput): MatchedOperation | UnknownOperation {
  const method = request.method.toUpperCase();
  const query = request.query instanceof URLSearchParams ? request.query : new URLSearchParams(request.query);
  const segments = request.path.split('/').slice(1);
  const found = route(method, segments, query, request.body);
  if (found === undefined) return { known: false, message: `Unknown operation: ${method} ${describePath(segments)}` };
  const [name, keys, named] = found;
  const uuid = query.get('uuid');
  return operationRequest(name, named, {
    ...keys,
    ...(uuid === null ? {} : { uuid }),
  });
}

/**
 * The checks an operation needs on the given resources: the map applied without a request (for `grantkit explain
 * <token> publish --channel a`, documentation and tests).
 *
 * @internal
 *
 * @param name - The operation.
 * @param named - The channels, groups and uuids it touches.
 * @param context - Keys and the requesting uuid, when known.
 * @returns The operation with its checks, as {@link matchOperation} returns it for a request.
 * @throws `LimitExceededError` `ERR_LIMIT_EXCEEDED` beyond {@link MAX_OPERATION_CHECKS} resources.
 * @example
 * ```ts
 * operationRequest('set-memberships', { uuids: ['alice'], channels: ['a'] }).checks;
 * // [{ resource: 'uuid', name: 'alice', permission: 'update' }, { resource: 'channel', name: 'a', permission: 'join' }]
 * ```
 */
export function operationRequest(
  name: OperationName,
  named: Partial<OperationResources>,
  context: { subscribeKey?: string; publishKey?: string; uuid?: string } = {},
): MatchedOperation {
  const operation = OPERATIONS[name];
  const resources: OperationResources = { channels: [...(named.channels ?? [])], groups: [...(named.groups ?? [])], uuids: [...(named.uuids ?? [])] };
  const checks: PermissionCheck[] = [];
  const add = (resource: PermissionCheck['resource'], names: string[], permission: Permission | undefined) => {
    if (permission === undefined) return;
    for (const item of names) checks.push({ resource, name: item, permission });
  };
  // Memberships name the uuid first: it is the record being changed.
  add('uuid', resources.uuids, operation.requires.uuids);
  add('channel', resources.channels, operation.requires.channels);
  add('group', resources.groups, operation.requires.groups);
  if (checks.length > MAX_OPERATION_CHECKS) {
    throw new LimitExceededError(`a request may name at most ${MAX_OPERATION_CHECKS} resources`, { field: 'path' });
  }
  return {
    known: true,
    operation,
    ...(context.subscribeKey === undefined ? {} : { subscribeKey: context.subscribeKey }),
    ...(context.publishKey === undefined ? {} : { publishKey: context.publishKey }),
    resources,
    checks,
    ...(context.uuid === undefined ? {} : { uuid: context.uuid }),
  };
}

type Keys = { subscribeKey?: string; publishKey?: string };
type Named = Partial<OperationResources>;
type Found = [OperationName, Keys, Named];

function route(method: string, s: string[], query: URLSearchParams, body: string | undefined): Found | undefined {
  if (method === 'OPTIONS') return ['cors-preflight', {}, {}];
  const is = (...methods: string[]) => methods.includes(method);
  const n = s.length;
  const sub = (index: number): Keys => ({ subscribeKey: name(s[index]!) });
  switch (s[0]) {
    case 'time':
      return n === 2 && is('GET') ? ['time', {}, {}] : undefined;
    case 'publish':
    case 'signal': {
      // /publish/{pub}/{sub}/{signature}/{channel}/{callback}[/{message...}]: a POST carries the message in its body.
      if (n < 6 || !is('GET', 'POST') || (s[0] === 'signal' && !is('GET'))) return undefined;
      return [s[0], { publishKey: name(s[1]!), subscribeKey: name(s[2]!) }, { channels: [name(s[4]!)] }];
    }
    case 'subscribe':
      // The original subscribe: /subscribe/{sub}/{channels}/{callback}/{timetoken}.
      return n === 5 && is('GET') ? ['subscribe', sub(1), { channels: names(s[2]!), groups: list(query, 'channel-group') }] : undefined;
    case 'v2':
      return v2(s, n, query, body, is, sub);
    case 'v3':
      return v3(s, n, is, sub);
    case 'v1':
      return v1(s, n, query, is, sub);
    default:
      return undefined;
  }
}

function v2(s: string[], n: number, query: URLSearchParams, body: string | undefined, is: (...m: string[]) => boolean, sub: (i: number) => Keys): Found | undefined {
  switch (s[1]) {
    case 'subscribe':
      return n === 5 && s[4] === '0' && is('GET') ? ['subscribe', sub(2), { channels: names(s[3]!), groups: list(query, 'channel-group') }] : undefined;
    case 'presence': {
      if (s[2] !== 'sub-key' || n < 4 || !is('GET')) return undefined;
      const keys = sub(3);
      if (n === 4) return ['global-here-now', keys, {}];
      if (s[4] === 'uuid' && n === 6) return ['where-now', keys, {}];
      if (s[4] !== 'channel' || n < 6) return undefined;
      const named: Named = { channels: names(s[5]!), groups: list(query, 'channel-group') };
      if (n === 6) return ['here-now', keys, named];
      if (n === 7 && s[6] === 'heartbeat') return ['heartbeat', keys, named];
      if (n === 7 && s[6] === 'leave') return ['leave', keys, named];
      if (n === 8 && s[6] === 'uuid') return ['get-state', keys, named];
      if (n === 9 && s[6] === 'uuid' && s[8] === 'data') return ['set-state', keys, named];
      return undefined;
    }
    case 'history':
      return s[2] === 'sub-key' && s[4] === 'channel' && n === 6 && is('GET') ? ['history', sub(3), { channels: [name(s[5]!)] }] : undefined;
    case 'objects':
      return objects(s, n, body, is, sub);
    case 'push':
      return s[2] === 'sub-key' && s[4] === 'devices-apns2' ? push(s, n, query, is, sub) : undefined;
    case 'auth':
      if (s[2] === 'grant' && s[3] === 'sub-key' && n === 5) return ['grant-v2', sub(4), {}];
      if (s[2] === 'audit' && s[3] === 'sub-key' && n === 5) return ['audit-v2', sub(4), {}];
      return undefined;
    default:
      return undefined;
  }
}

function v3(s: string[], n: number, is: (...m: string[]) => boolean, sub: (i: number) => Keys): Found | undefined {
  if (s[1] === 'pam' && s[3] === 'grant') {
    if (n === 4 && is('POST')) return ['grant-token', sub(2), {}];
    if (n === 5 && is('DELETE')) return ['revoke-token', sub(2), {}];
    return undefined;
  }
  if ((s[1] === 'history' || s[1] === 'history-with-actions') && s[2] === 'sub-key' && n === 6) {
    if (s[1] === 'history' && s[4] === 'message-counts' && is('GET')) return ['message-counts', sub(3), { channels: names(s[5]!) }];
    if (s[4] !== 'channel') return undefined;
    if (s[1] === 'history-with-actions') return is('GET') ? ['fetch-messages-with-actions', sub(3), { channels: names(s[5]!) }] : undefined;
    if (is('GET')) return ['fetch-messages', sub(3), { channels: names(s[5]!) }];
    if (is('DELETE')) return ['delete-messages', sub(3), { channels: names(s[5]!) }];
  }
  return undefined;
}

function v1(s: string[], n: number, query: URLSearchParams, is: (...m: string[]) => boolean, sub: (i: number) => Keys): Found | undefined {
  switch (s[1]) {
    case 'message-actions': {
      if (s[3] !== 'channel' || n < 5) return undefined;
      const named: Named = { channels: [name(s[4]!)] };
      if (n === 5 && is('GET')) return ['get-message-actions', sub(2), named];
      if (n === 7 && s[5] === 'message' && is('POST')) return ['add-message-action', sub(2), named];
      if (n === 9 && s[5] === 'message' && s[7] === 'action' && is('DELETE')) return ['remove-message-action', sub(2), named];
      return undefined;
    }
    case 'files': {
      if (s[2] === 'publish-file') {
        return n >= 8 && is('GET', 'POST') ? ['publish-file', { publishKey: name(s[3]!), subscribeKey: name(s[4]!) }, { channels: [name(s[6]!)] }] : undefined;
      }
      if (s[3] !== 'channels' || n < 6) return undefined;
      const named: Named = { channels: [name(s[4]!)] };
      if (n === 6 && s[5] === 'generate-upload-url' && is('POST')) return ['generate-file-upload-url', sub(2), named];
      if (n === 6 && s[5] === 'files' && is('GET')) return ['list-files', sub(2), named];
      if (n === 8 && s[5] === 'files' && is('GET')) return ['download-file', sub(2), named];
      if (n === 8 && s[5] === 'files' && is('DELETE')) return ['delete-file', sub(2), named];
      return undefined;
    }
    case 'channel-registration': {
      if (s[2] !== 'sub-key' || s[4] !== 'channel-group' || !is('GET')) return undefined;
      if (n === 5) return ['list-groups', sub(3), {}];
      const named: Named = { groups: [name(s[5]!)] };
      if (n === 7 && s[6] === 'remove') return ['delete-group', sub(3), named];
      if (n !== 6) return undefined;
      if (query.has('add')) return ['add-channels-to-group', sub(3), named];
      if (query.has('remove')) return ['remove-channels-from-group', sub(3), named];
      return ['list-channels-in-group', sub(3), named];
    }
    case 'push':
      return s[2] === 'sub-key' && s[4] === 'devices' ? push(s, n, query, is, sub) : undefined;
    default:
      return undefined;
  }
}

function push(s: string[], n: number, query: URLSearchParams, is: (...m: string[]) => boolean, sub: (i: number) => Keys): Found | undefined {
  if (!is('GET')) return undefined;
  if (n === 7 && s[6] === 'remove') return ['remove-push-device', sub(3), {}];
  if (n !== 6) return undefined;
  if (query.has('add')) return ['add-push-channels', sub(3), { channels: [...list(query, 'add'), ...list(query, 'remove')] }];
  if (query.has('remove')) return ['remove-push-channels', sub(3), { channels: list(query, 'remove') }];
  return ['list-push-channels', sub(3), {}];
}

function objects(s: string[], n: number, body: string | undefined, is: (...m: string[]) => boolean, sub: (i: number) => Keys): Found | undefined {
  const kind = s[3];
  if (kind !== 'uuids' && kind !== 'channels') return undefined;
  const keys = sub(2);
  if (n === 4) {
    if (!is('GET')) return undefined;
    return [kind === 'uuids' ? 'get-all-uuid-metadata' : 'get-all-channel-metadata', keys, {}];
  }
  const id = name(s[4]!);
  if (n === 5) {
    const verb = is('GET') ? 'get' : is('PATCH') ? 'set' : is('DELETE') ? 'remove' : undefined;
    if (verb === undefined) return undefined;
    return kind === 'uuids'
      ? [`${verb}-uuid-metadata` as OperationName, keys, { uuids: [id] }]
      : [`${verb}-channel-metadata` as OperationName, keys, { channels: [id] }];
  }
  if (n !== 6) return undefined;
  if (kind === 'uuids' && s[5] === 'channels') {
    if (is('GET')) return ['get-memberships', keys, { uuids: [id] }];
    if (!is('PATCH')) return undefined;
    const { change, ids } = membershipBody(body, 'channel');
    return [change === 'delete' ? 'remove-memberships' : 'set-memberships', keys, { uuids: [id], channels: ids }];
  }
  if (kind === 'channels' && s[5] === 'uuids') {
    if (is('GET')) return ['get-channel-members', keys, { channels: [id] }];
    if (!is('PATCH')) return undefined;
    // Members are managed on the channel: the uuids listed in the body need nothing of their own.
    const { change } = membershipBody(body, 'uuid');
    return [change === 'delete' ? 'remove-channel-members' : 'set-channel-members', keys, { channels: [id] }];
  }
  return undefined;
}

/** Reads `{"set":[{"channel":{"id":"a"}}]}` / `{"delete":[...]}` as the SDKs send it; both lists count. */
function membershipBody(body: string | undefined, side: 'channel' | 'uuid'): { change: 'set' | 'delete'; ids: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(body ?? '');
  } catch (cause) {
    throw new RequestInvalidError('the membership body must be JSON', { field: 'body', cause });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new RequestInvalidError('the membership body must be a JSON object', { field: 'body' });
  }
  const record = json as Record<string, unknown>;
  const ids: string[] = [];
  for (const change of ['set', 'delete'] as const) {
    const entries = record[change];
    if (entries === undefined) continue;
    if (!Array.isArray(entries)) throw new RequestInvalidError(`'${change}' must be a list`, { field: `body.${change}` });
    for (const entry of entries) {
      const id = (entry as Record<string, { id?: unknown } | undefined> | null)?.[side]?.id;
      if (typeof id !== 'string' || id === '') throw new RequestInvalidError(`every '${change}' entry needs ${side}.id`, { field: `body.${change}` });
      ids.push(id);
      if (ids.length > MAX_OPERATION_CHECKS) {
        throw new LimitExceededError(`a request may name at most ${MAX_OPERATION_CHECKS} resources`, { field: 'body' });
      }
    }
  }
  if (record.set === undefined && record.delete === undefined) {
    throw new RequestInvalidError("the membership body needs 'set' or 'delete'", { field: 'body' });
  }
  return { change: record.set === undefined ? 'delete' : 'set', ids };
}

/** A comma-separated path segment of names (`a,b%2Cc`): split before decoding; `,` alone names none. */
function names(segment: string): string[] {
  const result: string[] = [];
  for (const part of segment.split(',')) if (part !== '') result.push(name(part));
  if (result.length > MAX_OPERATION_CHECKS) {
    throw new LimitExceededError(`a request may name at most ${MAX_OPERATION_CHECKS} resources`, { field: 'path' });
  }
  return result;
}

function list(query: URLSearchParams, parameter: string): string[] {
  const value = query.get(parameter);
  if (value === null) return [];
  const result = value.split(',').filter((item) => item !== '');
  if (result.length > MAX_OPERATION_CHECKS) {
    throw new LimitExceededError(`a request may name at most ${MAX_OPERATION_CHECKS} resources`, { field: parameter });
  }
  return result;
}

function name(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch (cause) {
    throw new RequestInvalidError('path segment is not valid percent-encoding', { field: 'path', cause });
  }
}

/** The path with names and keys elided, for messages that must not echo tokens (revoke paths carry one). */
function describePath(segments: string[]): string {
  const shown = segments.slice(0, 3).map((segment) => (segment.length > 32 ? `${segment.slice(0, 8)}…` : segment));
  return `/${shown.join('/')}${segments.length > 3 ? '/…' : ''}`;
}
