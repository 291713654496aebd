/**
 * The REST body of `POST /v3/pam/{sub_key}/grant`, in and out: what every official SDK sends, read into a validated
 * {@link TokenGrant}, and a grant written back as the JS SDK writes it.
 *
 * @module
 */
import { GrantInvalidError, RequestInvalidError } from '../errors.js';
import { setEntry } from '../internal/records.js';
import { RESOURCE_TYPES, type PermissionSlots } from '../slots.js';
import type { ResourceType } from '../permissions.js';
import { checkGrant, slotField, slotToFill, unsetSlots, type MetaValue, type TokenGrant, type ValidationOptions } from './validate-grant.js';

/**
 * Reads a grant from the JSON body of `POST /v3/pam/{sub_key}/grant`, as every official SDK sends it. Unlike
 * {@link normalizeGrant}, `spaces` / `users` stay in their own slots, as on PubNub's server. A numeric-string ttl
 * (`"15"`, once sent by the Python SDK) is accepted like PubNub's server does.
 *
 * Exported from `@grantkit/core`.
 *
 * @param body - Parsed JSON body.
 * @param options - The validation mode (default `pubnub`).
 * @returns The validated grant.
 * @throws {@link GrantInvalidError} / {@link PatternInvalidError} / {@link LimitExceededError} naming the field;
 *   {@link RequestInvalidError} `ERR_REQUEST_INVALID` when the body is not an object with `permissions`.
 * @example
 * ```ts
 * grantFromRequestBody(JSON.parse('{"ttl":15,"permissions":{"resources":{"channels":{"a":1}},"meta":{}}}'));
 * ```
 */
export function grantFromRequestBody(body: unknown, options: ValidationOptions = {}): TokenGrant {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RequestInvalidError('request body must be a JSON object', { field: 'body' });
  }
  const { ttl, permissions } = body as { ttl?: unknown; permissions?: unknown };
  if (typeof permissions !== 'object' || permissions === null || Array.isArray(permissions)) {
    throw new GrantInvalidError('This grant contains no permissions', 'permissions must be an object', {
      field: 'permissions',
    });
  }
  const { resources, patterns, meta, uuid } = permissions as Record<string, unknown>;
  if (uuid !== undefined && typeof uuid !== 'string') {
    throw new GrantInvalidError('Invalid authorized uuid', 'must be a string', { field: 'permissions.uuid' });
  }
  const grantTtl = typeof ttl === 'string' && /^[0-9]{1,6}$/.test(ttl) ? Number(ttl) : (ttl as number);
  const resourceSlots = bodySlots(resources, 'resources');
  const patternSlots = bodySlots(patterns, 'patterns');
  const grant: TokenGrant = uuid === undefined || uuid === ''
    ? { ttl: grantTtl, resources: resourceSlots, patterns: patternSlots, meta: meta as Record<string, MetaValue> }
    : { ttl: grantTtl, authorizedUuid: uuid, resources: resourceSlots, patterns: patternSlots, meta: meta as Record<string, MetaValue> };
  // The slot records are bodySlots' own: validated in place, not copied again.
  return checkGrant(grant, options, true, true);
}

function bodySlots(value: unknown, where: 'resources' | 'patterns'): PermissionSlots {
  const slots = unsetSlots();
  if (value === undefined || value === null) return slots;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new GrantInvalidError('Invalid permissions', `${where} must be an object`, { field: `permissions.${where}` });
  }
  for (const type of Object.keys(value)) {
    if (!RESOURCE_TYPES.includes(type as ResourceType)) {
      throw new GrantInvalidError('Invalid permissions', `unknown resource type '${type}'`, { field: `permissions.${where}.${type}` });
    }
    const names = (value as Record<string, unknown>)[type];
    if (names === undefined || names === null) continue;
    if (typeof names !== 'object' || Array.isArray(names)) {
      throw new GrantInvalidError('Invalid permissions', `${where}.${type} must be an object`, { field: slotField(where, type as ResourceType) });
    }
    const keys = Object.keys(names);
    if (keys.length === 0) continue;
    const target = slotToFill(slots, type as ResourceType);
    for (const name of keys) setEntry(target, name, (names as Record<string, number>)[name]!);
  }
  return slots;
}

/**
 * Serializes a grant as the exact JSON body the official JS SDK 11 sends to `POST /v3/pam/{sub_key}/grant`
 * (key order included), for talking to PubNub or to a grantkit service.
 *
 * Exported from `@grantkit/core`.
 *
 * @param grant - A validated grant.
 * @returns The JSON text.
 * @example
 * ```ts
 * grantToRequestBody(normalizeGrant({ ttl: 15, channels: [Channel.id('ch1').read()] }));
 * // '{"ttl":15,"permissions":{"resources":{"channels":{"ch1":1},"groups":{},...},"meta":{}}}'
 * ```
 */
export function grantToRequestBody(grant: TokenGrant): string {
  const slots = (source: PermissionSlots) => ({
    channels: source.channels, groups: source.groups, uuids: source.uuids, users: source.users, spaces: source.spaces,
  });
  return JSON.stringify({
    ttl: grant.ttl,
    permissions: {
      ...(grant.authorizedUuid === undefined ? {} : { uuid: grant.authorizedUuid }),
      resources: slots(grant.resources),
      patterns: slots(grant.patterns),
      meta: grant.meta,
    },
  });
}
