/**
 * The authorization decision: may this token, held by this uuid, use this permission on this resource now?
 * Pure and synchronous; revocation is looked up by the caller (it is I/O) and passed in.
 *
 * @module
 */
import type { PermissionSlots } from './slots.js';
import { compilePattern, type CompiledPattern } from './patterns.js';
import { PERMISSION_BITS, type Permission, type ResourceType } from './permissions.js';
import type { TokenPayload } from './token-codec.js';
import { tokenExpiresAt } from './verify-token.js';

/**
 * The resource a request touches. `space` / `user` are aliases of `channel` / `uuid`: each checks both slots.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const resource: ResourceRef = { channel: 'room-1' };
 * ```
 */
export type ResourceRef =
  | { channel: string }
  | { group: string }
  | { uuid: string }
  | { space: string }
  | { user: string };

/**
 * One authorization question.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const request: AuthorizationRequest = { uuid: 'alice', resource: { channel: 'room-1' }, permission: 'write' };
 * ```
 */
export interface AuthorizationRequest {
  /** The uuid making the request; must equal the token's authorized uuid when the token is bound. */
  uuid?: string;
  /** The resource touched. */
  resource: ResourceRef;
  /** The permission needed. */
  permission: Permission;
  /** Current Unix time in seconds (default: now). */
  now?: number;
  /** Seconds an issue time may lie in the future. Default 60. */
  clockSkew?: number;
  /** Whether the token is on the revocation list (the caller looks it up). */
  revoked?: boolean;
}

/**
 * Why a request was denied.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * if (decision.reason === 'expired') refresh();
 * ```
 */
export type DenyReason = 'revoked' | 'expired' | 'not-yet-valid' | 'uuid-mismatch' | 'no-grant' | 'permission-missing';

/**
 * The grant entry a decision rests on.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * decision.match; // { source: 'patterns', type: 'channels', key: '^room-.*$', mask: 3 }
 * ```
 */
export interface GrantMatchInfo {
  /** `resources` for an exact name, `patterns` for a RegEx. */
  source: 'resources' | 'patterns';
  /** Slot the entry sits in. */
  type: ResourceType;
  /** The exact name or the pattern source. */
  key: string;
  /** The entry's permission bitmask. */
  mask: number;
}

/**
 * The answer, with the reason and the entry that matched.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const { allowed, reason, message } = authorize(token, request);
 * ```
 */
export interface AuthorizationDecision {
  allowed: boolean;
  reason: 'granted' | DenyReason;
  /** One human-readable sentence, safe to log (no token). */
  message: string;
  /** The entry granting the permission, or the one that matched the resource but lacked it. */
  match?: GrantMatchInfo;
}

const SLOTS_BY_RESOURCE: Record<string, readonly ResourceType[]> = {
  channel: ['channels', 'spaces'],
  space: ['spaces', 'channels'],
  group: ['groups'],
  uuid: ['uuids', 'users'],
  user: ['users', 'uuids'],
};

interface PatternEntry {
  type: ResourceType;
  key: string;
  mask: number;
  pattern: CompiledPattern;
}

// Each token's patterns are compiled once (and each source once per process, see compilePattern), then reused by
// every check against that token.
const compiledByToken = new WeakMap<PermissionSlots, Map<ResourceType, PatternEntry[]>>();

function patternsOf(slots: PermissionSlots): Map<ResourceType, PatternEntry[]> {
  let compiled = compiledByToken.get(slots);
  if (compiled === undefined) {
    compiled = new Map();
    for (const type of Object.keys(slots) as ResourceType[]) {
      const entries: PatternEntry[] = [];
      for (const key of Object.keys(slots[type])) {
        let pattern: CompiledPattern;
        try {
          pattern = compilePattern(key);
        } catch {
          continue; // a pattern we cannot compile (foreign issuer) grants nothing: fail closed
        }
        entries.push({ type, key, mask: slots[type][key]!, pattern });
      }
      compiled.set(type, entries);
    }
    compiledByToken.set(slots, compiled);
  }
  return compiled;
}

/**
 * Decides whether a (verified) token allows a request. Checks, in order: revocation, expiry, issue time, the bound
 * uuid, then grants. Permissions are additive: exact-name entries are consulted first, then patterns, and the first
 * entry carrying the permission allows. A pattern matches when found anywhere in the name (unanchored RE2 search)
 * unless it anchors itself with `^...$`.
 *
 * Exported from `@grantkit/core`.
 *
 * @param token - A token already verified with `verifyToken` (authorize does not check signatures).
 * @param request - Who wants which permission on which resource, and when.
 * @returns The decision with its reason and matching entry. Never throws for a denial.
 * @example
 * ```ts
 * const decision = authorize(verified, { uuid: 'alice', resource: { channel: 'room-1' }, permission: 'write' });
 * if (!decision.allowed) return forbidden(decision.message);
 * ```
 */
export function authorize(token: TokenPayload, request: AuthorizationRequest): AuthorizationDecision {
  if (request.revoked === true) return deny('revoked', 'Token is revoked');
  const now = request.now ?? Math.floor(Date.now() / 1000);
  if (now >= tokenExpiresAt(token)) return deny('expired', 'Token is expired');
  if (token.timestamp > now + (request.clockSkew ?? 60)) return deny('not-yet-valid', 'Token is not yet valid');
  if (token.authorizedUuid !== undefined && request.uuid !== token.authorizedUuid) {
    return deny('uuid-mismatch', 'Token is bound to another uuid');
  }
  const [kind, name] = resourceOf(request.resource);
  const bit = PERMISSION_BITS[request.permission];
  const types = SLOTS_BY_RESOURCE[kind];
  if (types === undefined || typeof name !== 'string' || bit === undefined) {
    return deny('no-grant', 'Unknown resource or permission');
  }
  let lacking: GrantMatchInfo | undefined;
  for (const type of types) {
    const slot = token.resources[type];
    if (Object.prototype.hasOwnProperty.call(slot, name)) {
      const match: GrantMatchInfo = { source: 'resources', type, key: name, mask: slot[name]! };
      if ((match.mask & bit) !== 0) return allow(match, request.permission, kind, name);
      lacking ??= match;
    }
  }
  const compiled = patternsOf(token.patterns);
  for (const type of types) {
    for (const entry of compiled.get(type) ?? []) {
      if (!entry.pattern.test(name)) continue;
      const match: GrantMatchInfo = { source: 'patterns', type, key: entry.key, mask: entry.mask };
      if ((entry.mask & bit) !== 0) return allow(match, request.permission, kind, name);
      lacking ??= match;
    }
  }
  if (lacking !== undefined) {
    return { ...deny('permission-missing', `Token does not grant '${request.permission}' on ${kind} '${name}'`), match: lacking };
  }
  return deny('no-grant', `Token grants nothing on ${kind} '${name}'`);
}

function resourceOf(resource: ResourceRef): [string, string] {
  const [kind] = Object.keys(resource ?? {});
  return [kind ?? '', (resource as Record<string, string>)[kind ?? ''] as string];
}

function allow(match: GrantMatchInfo, permission: Permission, kind: string, name: string): AuthorizationDecision {
  return { allowed: true, reason: 'granted', message: `'${permission}' on ${kind} '${name}' granted`, match };
}

function deny(reason: DenyReason, message: string): AuthorizationDecision {
  return { allowed: false, reason, message };
}
