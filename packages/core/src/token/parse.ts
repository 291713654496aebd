/**
 * `parseToken`: the official SDK's output shape, from a strict decoder.
 *
 * @module
 */
import { setEntry } from '../internal/records.js';
import type { PermissionSlots } from '../slots.js';
import { decodePermissions, type PermissionFlags } from '../permissions.js';
import { decodeToken } from './reader.js';

/**
 * Resource permissions in the SDK's `parseToken` shape: each key present only when non-empty.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * parsed.resources?.channels?.['room-1']?.write; // boolean
 * ```
 */
export interface ParsedPermissions {
  uuids?: Record<string, PermissionFlags>;
  channels?: Record<string, PermissionFlags>;
  groups?: Record<string, PermissionFlags>;
}

/**
 * Exactly what the official `pubnub` SDK's `parseToken` returns: same field names, same booleans, same keys present
 * when empty (`authorized_uuid` is always an own property, `undefined` when unbound; `resources`, `patterns` and
 * `meta` only when non-empty; `spc`/`usr` slots are not reported, as in the SDK). `signature` is a `Uint8Array`
 * (the SDK returns a Node `Buffer`, a `Uint8Array` subclass with the same bytes).
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const parsed: ParsedToken = parseToken(token);
 * ```
 */
export interface ParsedToken {
  version: number;
  timestamp: number;
  ttl: number;
  authorized_uuid: string | undefined;
  signature: Uint8Array;
  resources?: ParsedPermissions;
  patterns?: ParsedPermissions;
  meta?: Record<string, unknown>;
}

/**
 * Parses a token into its permissions, as the official SDK's `parseToken` does, without verifying it. Unlike the
 * SDK, malformed input throws a typed error after bounded work instead of a raw `RangeError` (or a process abort).
 *
 * Exported from `@grantkit/core`.
 *
 * @param token - Token text, padded or unpadded base64url.
 * @returns The SDK-shaped description.
 * @throws {@link TokenMalformedError} `ERR_TOKEN_MALFORMED`; {@link LimitExceededError} `ERR_LIMIT_EXCEEDED`.
 * @example
 * ```ts
 * parseToken(token).resources?.channels?.['room-1']; // { read: true, write: false, ... }
 * ```
 */
export function parseToken(token: string): ParsedToken {
  const payload = decodeToken(token);
  const result: ParsedToken = {
    version: payload.version,
    timestamp: payload.timestamp,
    ttl: payload.ttl,
    authorized_uuid: payload.authorizedUuid,
    signature: payload.signature,
  };
  const resources = sdkPermissions(payload.resources);
  if (resources !== undefined) result.resources = resources;
  const patterns = sdkPermissions(payload.patterns);
  if (patterns !== undefined) result.patterns = patterns;
  if (Object.keys(payload.meta).length > 0) result.meta = payload.meta as Record<string, unknown>;
  return result;
}

function sdkPermissions(slots: PermissionSlots): ParsedPermissions | undefined {
  let result: ParsedPermissions | undefined;
  for (const type of ['uuids', 'channels', 'groups'] as const) {
    const names = Object.keys(slots[type]);
    if (names.length === 0) continue;
    const flags: Record<string, PermissionFlags> = {};
    for (const name of names) setEntry(flags, name, decodePermissions(slots[type][name]!));
    (result ??= {})[type] = flags;
  }
  return result;
}
