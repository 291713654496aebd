/**
 * The local permission hint: would this token allow this request? Same checks, order and vocabulary as core's
 * `authorize`, but RegEx grants run in the browser's own `RegExp` instead of RE2 so the client stays tiny. It is a
 * hint for the UI (grey out a send button, explain a denial); the server still decides.
 *
 * @module
 */
import {
  decodeToken, PERMISSION_BITS,
  type AuthorizationDecision, type Permission, type PermissionSlots, type ResourceRef, type ResourceType,
  type TokenPayload,
} from '@grantkit/core';
import { refuseSecretKey } from './secret-key.js';

/**
 * Options for {@link checkPermission}.
 *
 * Exported from `@grantkit/client`.
 *
 * @example
 * ```ts
 * checkPermission(token, { channel: 'room-1' }, 'write', { uuid: 'alice', now: Date.now() / 1000 });
 * ```
 */
export interface CheckPermissionOptions {
  /** The uuid (PubNub `userId`) making requests. When omitted, the token's uuid binding is not checked. */
  uuid?: string;
  /** Current Unix time in seconds (default: now). */
  now?: number;
}

// Channel requests are also granted by space entries and uuid requests by user entries (App Context aliases), as in
// core's authorize.
const SLOTS_BY_RESOURCE: Record<string, readonly ResourceType[]> = {
  channel: ['channels', 'spaces'],
  space: ['spaces', 'channels'],
  group: ['groups'],
  uuid: ['uuids', 'users'],
  user: ['users', 'uuids'],
};

/** Longest pattern source compiled; the server caps patterns at the same length. */
const MAX_PATTERN_LENGTH = 256;

// Compiled patterns per token: keyed by the decoded token's pattern slots, so the cache goes when the token does.
const compiledByToken = new WeakMap<PermissionSlots, Map<string, RegExp | undefined>>();

function compiled(slots: PermissionSlots, source: string): RegExp | undefined {
  let cache = compiledByToken.get(slots);
  if (cache === undefined) compiledByToken.set(slots, (cache = new Map()));
  if (!cache.has(source)) cache.set(source, compile(source));
  return cache.get(source);
}

/** A pattern the browser cannot compile, or a longer one than any issuer grants, grants nothing. */
function compile(source: string): RegExp | undefined {
  try {
    return source.length > MAX_PATTERN_LENGTH ? undefined : new RegExp(source);
  } catch {
    return undefined;
  }
}

/**
 * Checks locally whether a token grants `permission` on `resource`: expiry, issue time, the uuid binding, then exact
 * names, then RegEx patterns (found anywhere in the name unless anchored with `^…$`). Reasons are core's
 * `authorize` reasons (`granted`, `expired`, `not-yet-valid`, `uuid-mismatch`, `no-grant`, `permission-missing`);
 * `revoked` cannot be known in the browser. The signature is not checked: the server still decides.
 *
 * Exported from `@grantkit/client`.
 *
 * @param token - Token text, or a payload from `decodeToken`.
 * @param resource - `{ channel }`, `{ group }`, `{ uuid }`, `{ space }` or `{ user }`.
 * @param permission - `read`, `write`, `manage`, `delete`, `get`, `update` or `join`.
 * @param options - The requesting uuid and the current time.
 * @returns `{ allowed, reason, message, match? }`; never throws for a denial.
 * @throws `TokenMalformedError` `ERR_TOKEN_MALFORMED` when `token` does not decode; `KeyInvalidError`
 *   `ERR_KEY_INVALID` when it is a secret key.
 * @example
 * ```ts
 * const hint = checkPermission(token, { channel: 'room-1' }, 'write');
 * if (!hint.allowed) console.info(hint.reason, hint.message); // 'permission-missing', "Token does not grant 'write'…"
 * ```
 */
export function checkPermission(
  token: string | TokenPayload,
  resource: ResourceRef,
  permission: Permission,
  options: CheckPermissionOptions = {},
): AuthorizationDecision {
  let payload = token as TokenPayload;
  if (typeof token === 'string') {
    refuseSecretKey(token, 'token');
    payload = decodeToken(token);
  }
  const now = options.now ?? Date.now() / 1000;
  if (now >= payload.timestamp + payload.ttl * 60) return deny('expired', 'Token is expired');
  if (payload.timestamp > now + 60) return deny('not-yet-valid', 'Token is not yet valid');
  if (payload.authorizedUuid !== undefined && options.uuid !== undefined && options.uuid !== payload.authorizedUuid) {
    return deny('uuid-mismatch', 'Token is bound to another uuid');
  }
  const kind = Object.keys(resource ?? {})[0] ?? '';
  const name = (resource as Record<string, unknown>)[kind];
  // Own properties only: a kind or permission named like an Object.prototype member is unknown, as in core.
  const bit = Object.hasOwn(PERMISSION_BITS, permission) ? PERMISSION_BITS[permission] : undefined;
  const types = Object.hasOwn(SLOTS_BY_RESOURCE, kind) ? SLOTS_BY_RESOURCE[kind] : undefined;
  if (types === undefined || typeof name !== 'string' || bit === undefined) {
    return deny('no-grant', 'Unknown resource or permission');
  }
  // Exact names first, then patterns, as core: the first entry carrying the permission allows; the first entry that
  // matches without it explains a `permission-missing`.
  let lacking: AuthorizationDecision['match'];
  for (const source of ['resources', 'patterns'] as const) {
    for (const type of types) {
      for (const [key, mask] of Object.entries(payload[source][type])) {
        if (source === 'resources' ? key !== name : !compiled(payload.patterns, key)?.test(name)) continue;
        const match = { source, type, key, mask };
        if ((mask & bit) !== 0) {
          return { allowed: true, reason: 'granted', message: `'${permission}' on ${kind} '${name}' granted`, match };
        }
        lacking ??= match;
      }
    }
  }
  if (lacking !== undefined) {
    return { ...deny('permission-missing', `Token does not grant '${permission}' on ${kind} '${name}'`), match: lacking };
  }
  return deny('no-grant', `Token grants nothing on ${kind} '${name}'`);
}

/** A denial with core's reason vocabulary and message wording. @internal */
export function deny(reason: Exclude<AuthorizationDecision['reason'], 'granted'>, message: string): AuthorizationDecision {
  return { allowed: false, reason, message };
}
