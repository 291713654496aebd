/**
 * Grant validation, in two modes.
 *
 * - `pubnub` (the default) accepts every grant PubNub's service accepts and refuses what it refuses: a ttl outside
 *   1..43,200, a zero bitmask, a grant with no entry, a pattern that does not compile or has a capturing group. Meta
 *   may be any JSON (nested objects, arrays, `null`), any permission bit may sit on any resource type, and no entry
 *   or name-length cap applies below the request and token budgets.
 * - `strict` adds grantkit's documented rules on top: only the permissions each type has, scalar meta, and the caps
 *   in {@link LIMITS}.
 *
 * Each strict rule is written once, here: {@link validateGrant} throws on the first one in strict mode, and
 * `lintGrant` reports every one of them as a warning in both modes.
 *
 * Fields are named as PubNub names them: from the top of the REST body (`ttl`, `permissions.resources.uuids.u1`).
 *
 * @module
 */
import { GrantInvalidError, LimitExceededError } from '../errors.js';
import { setEntry } from '../internal/records.js';
import { LIMITS, MAX_DEPTH } from '../limits.js';
import { PatternBudget, patternBudgetExceeded, pricedPattern } from '../authorize/patterns.js';
import { ILL_FORMED, isWellFormed } from '../internal/well-formed.js';
import { RESOURCE_TYPES, type PermissionSlots } from '../slots.js';
import { ALLOWED_MASKS, ALLOWED_PERMISSIONS, permissionNames, type ResourceType } from '../permissions.js';
import type { ValidationMode } from './validation-mode.js';

export { VALIDATION_MODES, type ValidationMode } from './validation-mode.js';

/**
 * A `meta` value: any JSON value. In `strict` mode only scalars (string, number, boolean) pass, as PubNub documents;
 * PubNub's service itself stores nested objects, arrays and `null` (mode `pubnub`).
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const meta: Record<string, MetaValue> = { role: 'admin', level: 3, app: { version: '1.0.0', beta: null } };
 * ```
 */
export type MetaValue = string | number | boolean | null | readonly MetaValue[] | { readonly [key: string]: MetaValue };

/**
 * Options naming the validation mode.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const options: ValidationOptions = { validation: 'strict' };
 * ```
 */
export interface ValidationOptions {
  /** Default `pubnub`. */
  validation?: ValidationMode;
}

/**
 * A validated grant, ready to encode. Build one with `normalizeGrant` or `grantFromRequestBody`.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const grant: TokenGrant = normalizeGrant({ ttl: 15, channels: [Channel.id('a').read()] });
 * ```
 */
export interface TokenGrant {
  /** Minutes, 1..43,200. */
  readonly ttl: number;
  /** The only uuid allowed to use the token, when bound. */
  readonly authorizedUuid?: string;
  /** Exact-name grants. */
  readonly resources: PermissionSlots;
  /** RegEx grants. */
  readonly patterns: PermissionSlots;
  /** Metadata carried in the token. */
  readonly meta: Readonly<Record<string, MetaValue>>;
}

/**
 * The rules only `strict` mode enforces; `lintGrant` reports each as a warning code.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const rule: StrictRule = 'permission-not-for-type';
 * ```
 */
export type StrictRule =
  /** A permission bit the resource type does not document (a write bit on a group, 255 on a uuid). */
  | 'permission-not-for-type'
  /** A `meta` value that is not a string, a finite number within ±2^53, or a boolean. */
  | 'meta-not-scalar'
  /** More than `LIMITS.maxEntries` resources and patterns. */
  | 'too-many-entries'
  /** A resource name or authorized uuid longer than `LIMITS.maxNameLength`. */
  | 'name-too-long'
  /** More than `LIMITS.maxMetaEntries` meta entries, or a meta key or string longer than `LIMITS.maxMetaStringLength`. */
  | 'meta-too-large';

/** One broken strict rule. @internal */
export interface StrictFinding {
  rule: StrictRule;
  field: string;
  /** The error strict mode throws for it. */
  error: GrantInvalidError | LimitExceededError;
}

/** A base class whose constructor returns the object it is given, so a subclass's private field lands on that object. */
class Stamp {
  constructor(target: object) {
    return target;
  }
}

/**
 * Marks the grants that passed validateGrant, so minting can skip validating them twice: a private field attached to
 * the grant object itself (which keeps its plain prototype), before it is frozen. Like the WeakSet it replaces, the
 * mark cannot be forged, and no copy carries it (spread, `structuredClone` and reflection never see private fields);
 * unlike it, adding it costs no hash-table insertion and no GC work (≈ 0.1 HMAC per grant, measured).
 */
class ValidatedMark extends Stamp {
  readonly #validated = true;

  static add(grant: object): void {
    new ValidatedMark(grant);
  }

  static has(value: object): boolean {
    return #validated in value;
  }
}

/** Whether `value` is a grant returned by {@link validateGrant}. @internal */
export function isValidatedGrant(value: unknown): value is TokenGrant {
  return typeof value === 'object' && value !== null && ValidatedMark.has(value);
}

/** Where a slot's entries are named in the REST body. @internal */
export function slotField(where: 'resources' | 'patterns', type: ResourceType, name?: string): string {
  return `permissions.${where}.${type}${name === undefined ? '' : `.${name}`}`;
}

/**
 * Validates a grant already in slot form, and returns a frozen copy.
 * Both modes: ttl an integer 1..43,200 (a numeric string as PubNub takes it is not accepted here: the REST reader
 * converts it); at least one resource or pattern; every bitmask an integer 1..255; patterns compile in RE2 without
 * capturing groups and within the pattern cost cap; `meta` an object whose nesting fits the token decoder
 * (`LIMITS.maxMetaDepth`). `strict` adds the {@link StrictRule}s.
 *
 * Exported from `@grantkit/core`.
 *
 * @param grant - A grant in slot form.
 * @param options - The validation mode (default `pubnub`).
 * @returns The validated, frozen grant.
 * @throws {@link GrantInvalidError} `ERR_GRANT_INVALID`, {@link PatternInvalidError} `ERR_PATTERN_INVALID`,
 *   {@link LimitExceededError} `ERR_LIMIT_EXCEEDED`; each names the offending field.
 * @example
 * ```ts
 * validateGrant({ ttl: 15, resources: { ...emptySlots(), channels: { a: 1 } }, patterns: emptySlots(), meta: {} });
 * validateGrant(grant, { validation: 'strict' });
 * ```
 */
export function validateGrant(grant: TokenGrant, options: ValidationOptions = {}): TokenGrant {
  return checkGrant(grant, options, false, true);
}

/**
 * {@link validateGrant}, for the grant readers of this package. `owned`: the slot records are fresh objects this
 * package made (normalizeGrant, grantFromRequestBody), adopted as they are instead of copied (same entries, same
 * order). `frozen` false: for a grant that never leaves `mintToken`, nothing is frozen and it is not marked as
 * validated (so it can never be passed back as one). Every check runs, in the same order, either way.
 *
 * @internal
 */
export function checkGrant(grant: TokenGrant, options: ValidationOptions, owned: boolean, frozen: boolean): TokenGrant {
  const strict = (options.validation ?? 'pubnub') === 'strict';
  if (typeof grant !== 'object' || grant === null) {
    throw new GrantInvalidError('Invalid grant', 'grant must be an object', { field: 'grant' });
  }
  const ttl = grant.ttl;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < LIMITS.minTtl || ttl > LIMITS.maxTtl) {
    throw new GrantInvalidError('Invalid ttl', `Range should be ${LIMITS.minTtl} to ${LIMITS.maxTtl} minute(s).`, {
      field: 'ttl',
    });
  }
  const authorizedUuid = grant.authorizedUuid;
  if (authorizedUuid !== undefined && (typeof authorizedUuid !== 'string' || authorizedUuid === '')) {
    throw new GrantInvalidError('Invalid authorized uuid', 'must be a non-empty string', { field: 'permissions.uuid' });
  }
  if (authorizedUuid !== undefined && !isWellFormed(authorizedUuid)) {
    throw new GrantInvalidError('Invalid authorized uuid', ILL_FORMED, { field: 'permissions.uuid' });
  }
  slotEntries = 0;
  patternBudget = new PatternBudget();
  const resources = checkSlots('resources', grant.resources, owned, frozen);
  const patterns = checkSlots('patterns', grant.patterns, owned, frozen);
  if (slotEntries === 0) {
    throw new GrantInvalidError('This grant contains no permissions', 'grant at least one resource or pattern', {
      field: 'permissions',
    });
  }
  const meta = copyMeta(grant.meta, frozen);
  // Built field by field, in the same key order as always: ttl, authorizedUuid when bound, resources, patterns, meta.
  const result: TokenGrant = authorizedUuid === undefined
    ? { ttl, resources, patterns, meta }
    : { ttl, authorizedUuid, resources, patterns, meta };
  if (strict) {
    const [first] = strictFindings(result, 1);
    if (first !== undefined) throw first.error;
  }
  if (frozen) {
    // Marked before it is frozen (an engine may refuse a private field on a non-extensible object).
    ValidatedMark.add(result);
    Object.freeze(result);
  }
  return result;
}

/** Entries {@link checkSlot} has seen in the grant being checked (validation is synchronous, never re-entered). */
let slotEntries = 0;
/** What the patterns {@link checkSlot} has seen in the grant being checked cost together. */
let patternBudget = new PatternBudget();

/**
 * An empty slot record: one frozen object serves every validated grant, and the grant readers of this package start
 * each slot as it (a record is made on its first entry), so empty slots cost no object and no key listing.
 *
 * @internal
 */
export const EMPTY_SLOT: Record<string, number> = /* @__PURE__ */ Object.freeze({});

/** Slots that are all {@link EMPTY_SLOT}, for a grant reader to fill. @internal */
export function unsetSlots(): PermissionSlots {
  return { channels: EMPTY_SLOT, groups: EMPTY_SLOT, uuids: EMPTY_SLOT, spaces: EMPTY_SLOT, users: EMPTY_SLOT };
}

/** The record of `slots[type]` to add to: made on first use when it is still {@link EMPTY_SLOT}. @internal */
export function slotToFill(slots: PermissionSlots, type: ResourceType): Record<string, number> {
  const record = slots[type];
  return record === EMPTY_SLOT ? (slots[type] = {}) : record;
}

/**
 * Checks one side (`resources` or `patterns`) of a grant and returns its records: copies, or with `owned` the
 * records themselves; frozen (and every empty one the shared {@link EMPTY_SLOT}) when `frozen`.
 */
function checkSlots(where: 'resources' | 'patterns', source: PermissionSlots, owned: boolean, frozen: boolean): PermissionSlots {
  if (typeof source !== 'object' || source === null) {
    throw new GrantInvalidError('Invalid permissions', `${where} must be an object`, { field: `permissions.${where}` });
  }
  const channels = checkSlot(where, 'channels', source.channels, owned, frozen);
  const groups = checkSlot(where, 'groups', source.groups, owned, frozen);
  const uuids = checkSlot(where, 'uuids', source.uuids, owned, frozen);
  const users = checkSlot(where, 'users', source.users, owned, frozen);
  const spaces = checkSlot(where, 'spaces', source.spaces, owned, frozen);
  let slots: PermissionSlots;
  if (owned) {
    // This package's own slots object (made with unsetSlots, key order channels, groups, uuids, spaces, users).
    slots = source;
    slots.channels = channels;
    slots.groups = groups;
    slots.uuids = uuids;
    slots.spaces = spaces;
    slots.users = users;
  } else {
    slots = { channels, groups, uuids, spaces, users };
  }
  return frozen ? Object.freeze(slots) : slots;
}

function checkSlot(
  where: 'resources' | 'patterns',
  type: ResourceType,
  source: Record<string, number> | undefined,
  owned: boolean,
  frozen: boolean,
): Record<string, number> {
  if (source === EMPTY_SLOT) return EMPTY_SLOT;
  const slot = source ?? {};
  const names = Object.keys(slot);
  slotEntries += names.length;
  if (names.length === 0) return frozen || owned ? EMPTY_SLOT : {};
  const target: Record<string, number> = owned ? slot : {};
  for (const name of names) {
    if (where === 'patterns') {
      if (!patternBudget.charge(pricedPattern(name, slotField(where, type, name)))) throw patternBudgetExceeded();
    } else if (name === '') {
      throw new GrantInvalidError('Invalid resource name', 'must be a non-empty string', { field: slotField(where, type, name) });
    } else if (!isWellFormed(name)) {
      throw new GrantInvalidError('Invalid resource name', ILL_FORMED, { field: slotField(where, type, name) });
    }
    const mask = slot[name];
    if (typeof mask !== 'number' || !Number.isInteger(mask) || mask < 0 || mask > 255) {
      throw new GrantInvalidError('Invalid permissions', 'permission bitmask must be an integer 0..255', { field: slotField(where, type, name) });
    }
    if (mask === 0) {
      const field = slotField(where, type, name);
      throw new GrantInvalidError('Invalid permissions', `Unexpected value: \`${field}\` must be positive and non-zero.`, {
        field,
      });
    }
    if (!owned) setEntry(target, name, mask);
  }
  return frozen ? Object.freeze(target) : target;
}

/**
 * The strict rules a grant (already valid in `pubnub` mode) breaks, in field order; at most `max` of them.
 *
 * @internal
 */
export function strictFindings(grant: TokenGrant, max = Number.POSITIVE_INFINITY): StrictFinding[] {
  const findings: StrictFinding[] = [];
  const report = (finding: StrictFinding) => {
    findings.push(finding);
    return findings.length >= max;
  };
  if (grant.authorizedUuid !== undefined && grant.authorizedUuid.length > LIMITS.maxNameLength) {
    if (report(nameTooLong('permissions.uuid'))) return findings;
  }
  let entries = 0;
  for (const where of ['resources', 'patterns'] as const) {
    for (const type of RESOURCE_TYPES) {
      const slot = grant[where][type];
      for (const name of Object.keys(slot)) {
        const field = slotField(where, type, name);
        if (++entries === LIMITS.maxEntries + 1) {
          const error = new LimitExceededError(`a grant may hold at most ${LIMITS.maxEntries} resources and patterns`, {
            field: `permissions.${where}`,
          });
          if (report({ rule: 'too-many-entries', field: `permissions.${where}`, error })) return findings;
        }
        if (where === 'resources' && name.length > LIMITS.maxNameLength) {
          if (report(nameTooLong(field))) return findings;
        }
        const extra = slot[name]! & ~ALLOWED_MASKS[type];
        if (extra !== 0) {
          const detail = `${type} cannot be granted '${permissionNames(extra).join("', '")}'; allowed: ${ALLOWED_PERMISSIONS[type].join(', ')}`;
          const error = new GrantInvalidError('Invalid permissions', detail, { field });
          if (report({ rule: 'permission-not-for-type', field, error })) return findings;
        }
      }
    }
  }
  const keys = Object.keys(grant.meta);
  if (keys.length > LIMITS.maxMetaEntries) {
    const error = new LimitExceededError(`meta may hold at most ${LIMITS.maxMetaEntries} entries`, { field: 'permissions.meta' });
    if (report({ rule: 'meta-too-large', field: 'permissions.meta', error })) return findings;
  }
  for (const key of keys) {
    const value = grant.meta[key];
    const field = `permissions.meta.${key}`;
    const tooLong = key.length > LIMITS.maxMetaStringLength ? 'key' : typeof value === 'string' && value.length > LIMITS.maxMetaStringLength ? 'value' : undefined;
    if (tooLong !== undefined) {
      const error = new LimitExceededError(`meta ${tooLong} is longer than ${LIMITS.maxMetaStringLength} characters`, { field });
      if (report({ rule: 'meta-too-large', field, error })) return findings;
    }
    if (!isStrictScalar(value)) {
      const detail = typeof value === 'number'
        ? 'meta numbers must be finite and within ±2^53'
        : 'meta values must be scalar: string, number or boolean';
      if (report({ rule: 'meta-not-scalar', field, error: new GrantInvalidError('Invalid meta', detail, { field }) })) return findings;
    }
  }
  return findings;
}

/** Lone surrogates would be replaced by U+FFFD in the token: refused, never silently changed. */

function nameTooLong(field: string): StrictFinding {
  return {
    rule: 'name-too-long',
    field,
    error: new LimitExceededError(`name is longer than ${LIMITS.maxNameLength} characters`, { field }),
  };
}

function isStrictScalar(value: unknown): boolean {
  if (typeof value === 'string' || typeof value === 'boolean') return true;
  // Integers beyond 2^53 cannot round-trip exactly.
  return typeof value === 'number' && Number.isFinite(value) && (!Number.isInteger(value) || Number.isSafeInteger(value));
}

/**
 * A frozen copy of `meta` holding only what CBOR and JSON carry, nested no deeper than the token decoder reads
 * (the bound that keeps decoding cheap): JSON values only, no `undefined`, functions, NaN or Infinity.
 */
function copyMeta(meta: unknown, frozen: boolean): Readonly<Record<string, MetaValue>> {
  if (meta === undefined || meta === null) return frozen ? Object.freeze({}) : {};
  if (typeof meta !== 'object' || Array.isArray(meta)) {
    throw new GrantInvalidError('Invalid meta', 'meta must be an object', { field: 'permissions.meta' });
  }
  // The token map is depth 1 and `meta` depth 2; the decoder reads values down to MAX_DEPTH.
  return copyMetaValue(meta, 'permissions.meta', undefined, 2, frozen) as Readonly<Record<string, MetaValue>>;
}

/** The field of a meta value: its parent's, then `.key` or `[index]`. */
function metaField(parent: string, key: string | number | undefined): string {
  return key === undefined ? parent : typeof key === 'number' ? `${parent}[${key}]` : `${parent}.${key}`;
}

/**
 * Copies one meta value (at `key` below the field `parent`). The field text is built only when it is needed, for an
 * error or for a container's entries: most meta values are scalars, and building a name for each cost an allocation.
 */
function copyMetaValue(
  value: unknown,
  parent: string,
  key: string | number | undefined,
  depth: number,
  frozen: boolean,
): MetaValue {
  if (depth > MAX_DEPTH) {
    const field = metaField(parent, key);
    throw new LimitExceededError(`meta is nested more than ${LIMITS.maxMetaDepth} levels deep`, { field });
  }
  if (typeof value === 'string') {
    if (!isWellFormed(value)) {
      throw new GrantInvalidError('Invalid meta', ILL_FORMED, { field: metaField(parent, key) });
    }
    return value;
  }
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new GrantInvalidError('Invalid meta', 'meta numbers must be finite', { field: metaField(parent, key) });
    }
    // -0 would come back as 0 from CBOR (and JSON); store what round-trips.
    return value === 0 ? 0 : value;
  }
  if (Array.isArray(value)) {
    const field = metaField(parent, key);
    const items: MetaValue[] = Array.from(value, (item: unknown, index) =>
      copyMetaValue(item, field, index, depth + 1, frozen));
    return frozen ? Object.freeze(items) : items;
  }
  if (typeof value === 'object') {
    const field = metaField(parent, key);
    const out: Record<string, MetaValue> = {};
    for (const name of Object.keys(value)) {
      const entry = (value as Record<string, unknown>)[name];
      if (entry === undefined) continue; // as JSON.stringify drops it
      if (!isWellFormed(name)) throw new GrantInvalidError('Invalid meta', ILL_FORMED, { field: `${field}.${name}` });
      setEntry(out, name, copyMetaValue(entry, field, name, depth + 1, frozen));
    }
    return frozen ? Object.freeze(out) : out;
  }
  throw new GrantInvalidError('Invalid meta', 'meta values must be JSON values', { field: metaField(parent, key) });
}
