/**
 * The authorization decision: may this token, held by this uuid, use this permission on this resource now?
 * Pure and synchronous; revocation is looked up by the caller (it is I/O) and passed in. The pattern engine is a
 * parameter so a decode-only bundle (the browser client's local hint) can use one without shipping RE2; servers use
 * `authorize`, bound to the linear-time RE2 engine.
 *
 * @module
 */
import type { CompiledPattern } from './patterns.js';
import { LIMITS } from '../limits.js';
import { PERMISSION_BITS, type Permission, type ResourceType } from '../permissions.js';
import { tokenExpiresAt, type TokenPayload } from '../token/reader.js';
import { assertTokenArgument } from '../internal/token-argument.js';

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

const PATTERN_CACHE_SIZE = 2_048;
// What a pattern without a cost of its own (another engine, or one it refused) is charged: its source's length.
const UNPRICED_BASE_COST = 800;
const UNPRICED_COST_PER_CHARACTER = 40;

/**
 * Compiles a pattern source, throwing for one it refuses (such a pattern then grants nothing).
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const compile: PatternCompiler = (source) => { const regex = new RegExp(source, 'u'); return { source, test: (name) => regex.test(name) }; };
 * ```
 */
export type PatternCompiler = (source: string) => CompiledPattern;

/**
 * The decision function {@link createAuthorizer} returns.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const check: AuthorizeFunction = createAuthorizer(compilePattern);
 * ```
 */
export type AuthorizeFunction = (token: TokenPayload, request: AuthorizationRequest) => AuthorizationDecision;

/**
 * What a pattern lookup found: the first pattern matching the name that carries the permission, or the first that
 * matches without it, and whether the pattern budget ran out before every candidate was consulted.
 *
 * @internal
 */
export interface PatternLookupResult {
  readonly granted?: GrantMatchInfo;
  readonly lacking?: GrantMatchInfo;
  readonly overBudget: boolean;
}

/**
 * Finds, in the token's order across `types`, the pattern entry deciding `bit` on `name` (see {@link PatternLookupResult}).
 *
 * @internal
 */
export type PatternLookup = (token: TokenPayload, types: readonly ResourceType[], name: string, bit: number) => PatternLookupResult;

/**
 * Creates the authorization decision with a given pattern engine. Checks, in order: revocation, expiry, issue time,
 * the bound uuid, then grants. Permissions are additive: exact-name entries are consulted first, then patterns, and
 * the first entry carrying the permission allows. A pattern matches when found anywhere in the name (unanchored
 * search) unless it anchors itself with `^...$`. Each pattern source is compiled once per authorizer.
 *
 * Exported from `@grantkit/core`.
 *
 * @param compile - Pattern engine; `compilePattern` (RE2, linear time) for anything that enforces access.
 * @returns The decision function.
 * @example
 * ```ts
 * import { compilePattern, createAuthorizer } from '@grantkit/core';
 * const authorize = createAuthorizer(compilePattern); // like `authorize`, which also indexes a token's patterns
 * ```
 */
export function createAuthorizer(compile: PatternCompiler): AuthorizeFunction {
  return createAuthorizerWith(scanPatterns(compile));
}

/**
 * The pattern lookup of {@link createAuthorizer}: every pattern in order, each compiled once per authorizer (a bounded
 * cache that forgets its oldest entry first), charged its cost against one budget per call.
 */
function scanPatterns(compile: PatternCompiler): PatternLookup {
  // Compiled patterns by source, shared by every token (a verified token is a fresh object each time, so a per-token
  // cache would recompile on every request). Bounded, so hostile token streams cannot grow it; a refused pattern is
  // remembered as null and grants nothing.
  const compiledBySource = new Map<string, CompiledPattern | null>();
  function compiled(source: string): CompiledPattern | null {
    let pattern = compiledBySource.get(source);
    if (pattern === undefined) {
      try {
        pattern = compile(source);
      } catch {
        pattern = null; // a pattern the engine refuses (foreign issuer) grants nothing: fail closed
      }
      if (compiledBySource.size >= PATTERN_CACHE_SIZE) compiledBySource.delete(compiledBySource.keys().next().value!);
      compiledBySource.set(source, pattern);
    }
    return pattern;
  }
  return (token, types, name, bit) => {
    let lacking: GrantMatchInfo | undefined;
    let budget = LIMITS.maxTotalPatternCost;
    for (const type of types) {
      const slot = token.patterns[type];
      for (const key in slot) {
        if (!Object.hasOwn(slot, key)) continue;
        const pattern = compiled(key);
        budget -= pattern?.cost ?? UNPRICED_BASE_COST + UNPRICED_COST_PER_CHARACTER * key.length;
        if (budget < 0) return { lacking, overBudget: true };
        if (pattern?.test(name) !== true) continue;
        const match: GrantMatchInfo = { source: 'patterns', type, key, mask: slot[key]! };
        if ((match.mask & bit) !== 0) return { granted: match, overBudget: false };
        lacking ??= match;
      }
    }
    return { lacking, overBudget: false };
  };
}

/**
 * {@link createAuthorizer} with a given pattern lookup (the server's indexes a token's patterns by prefix).
 *
 * @internal
 */
export function createAuthorizerWith(findPattern: PatternLookup): AuthorizeFunction {
  return function authorize(token: TokenPayload, request: AuthorizationRequest): AuthorizationDecision {
    assertTokenArgument(token, 'authorize');
    if (request.revoked === true) return deny('revoked', 'Token is revoked');
    const now = request.now ?? Math.floor(Date.now() / 1000);
    if (now >= tokenExpiresAt(token)) return deny('expired', 'Token is expired');
    if (token.timestamp > now + (request.clockSkew ?? 60)) return deny('not-yet-valid', 'Token is not yet valid');
    if (token.authorizedUuid !== undefined && request.uuid !== token.authorizedUuid) {
      return deny('uuid-mismatch', 'Token is bound to another uuid');
    }
    const [kind, name] = resourceOf(request.resource);
    // Own-property lookups only: a resource kind or permission named like an Object.prototype member is unknown.
    const bit = Object.hasOwn(PERMISSION_BITS, request.permission) ? PERMISSION_BITS[request.permission] : undefined;
    const types = Object.hasOwn(SLOTS_BY_RESOURCE, kind) ? SLOTS_BY_RESOURCE[kind] : undefined;
    if (types === undefined || typeof name !== 'string' || bit === undefined) {
      return deny('no-grant', 'Unknown resource or permission');
    }
    // No grant can name a longer resource; refusing it here bounds every pattern search by the same length.
    if (name.length > LIMITS.maxNameLength) return deny('no-grant', `Resource name is longer than ${LIMITS.maxNameLength} characters`);
    let lacking: GrantMatchInfo | undefined;
    for (const type of types) {
      const slot = token.resources[type];
      if (Object.hasOwn(slot, name)) {
        const match: GrantMatchInfo = { source: 'resources', type, key: name, mask: slot[name]! };
        if ((match.mask & bit) !== 0) return allow(match, request.permission, kind, name);
        lacking ??= match;
      }
    }
    // The patterns consulted share one budget, charged whether or not a pattern was compiled before (so the answer
    // never depends on what else this process has seen): a token granted here never exceeds it; patterns past it in
    // a token from elsewhere grant nothing.
    const found = findPattern(token, types, name, bit);
    if (found.granted !== undefined) return allow(found.granted, request.permission, kind, name);
    lacking ??= found.lacking;
    if (lacking !== undefined) {
      return { ...deny('permission-missing', `Token does not grant '${request.permission}' on ${kind} '${name}'`), match: lacking };
    }
    if (found.overBudget) return deny('no-grant', `Token grants nothing on ${kind} '${name}' within the pattern budget`);
    return deny('no-grant', `Token grants nothing on ${kind} '${name}'`);
  };
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
