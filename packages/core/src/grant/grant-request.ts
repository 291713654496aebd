/**
 * Grant requests: the two input styles users know (builders as named arguments, and the PubNub JS SDK's
 * `{ ttl, authorized_uuid, resources, patterns, meta }`), the REST body the SDKs send, and one normalized,
 * validated {@link TokenGrant} that the codec encodes.
 *
 * @module
 */
import {
  GrantInvalidError, LimitExceededError, PatternInvalidError, RequestInvalidError,
} from '../errors.js';
import { hasEntry, setEntry } from '../internal/records.js';
import { LIMITS } from '../limits.js';
import { compilePattern, isAnchored, looksLikePattern } from '../authorize/patterns.js';
import { emptySlots, RESOURCE_TYPES, type PermissionSlots } from '../slots.js';
import {
  ALLOWED_MASKS, ALLOWED_PERMISSIONS, encodePermissions, permissionNames,
  type Permission, type ResourceType,
} from '../permissions.js';
import type {
  ChannelGrant, GrantEntry, GroupGrant, SpaceGrant, UserGrant, UuidGrant,
} from './builders.js';

/**
 * A `meta` value: scalars only, as PubNub documents.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const meta: Record<string, MetaValue> = { role: 'admin', level: 3, beta: true };
 * ```
 */
export type MetaValue = string | number | boolean;

/**
 * A validated grant, ready to encode. Build one with {@link normalizeGrant} or {@link grantFromRequestBody}.
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
  /** Scalar metadata carried in the token. */
  readonly meta: Readonly<Record<string, MetaValue>>;
}

/**
 * Named-arguments grant with builders, e.g.
 * `{ ttl: 15, authorizedUuid: 'alice', channels: [Channel.id('a').read()] }`.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const options: GrantTokenOptions = { ttl: 60, groups: [Group.id('cg').read()] };
 * ```
 */
export interface GrantTokenOptions {
  /** Minutes, 1..43,200. */
  ttl: number;
  /** Bind the token to one uuid. */
  authorizedUuid?: string;
  /** App Context alias of `authorizedUuid`; cannot be mixed with the channel/group/uuid vocabulary. */
  authorizedUserId?: string;
  /** Scalar metadata. */
  meta?: Record<string, MetaValue>;
  channels?: readonly ChannelGrant[];
  groups?: readonly GroupGrant[];
  uuids?: readonly UuidGrant[];
  /** App Context alias of `channels`; lands in the channel slot. */
  spaces?: readonly SpaceGrant[];
  /** App Context alias of `uuids`; lands in the uuid slot. */
  users?: readonly UserGrant[];
}

/**
 * Permission booleans per name, as the JS SDK's `grantToken` takes them.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const flags: PermissionFlagsInput = { read: true, write: true };
 * ```
 */
export type PermissionFlagsInput = Partial<Record<Permission, boolean>>;

/**
 * The JS SDK's `resources` / `patterns` argument.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const resources: PubNubPermissionsInput = { channels: { 'room-1': { read: true } } };
 * ```
 */
export interface PubNubPermissionsInput {
  channels?: Record<string, PermissionFlagsInput>;
  groups?: Record<string, PermissionFlagsInput>;
  uuids?: Record<string, PermissionFlagsInput>;
  spaces?: Record<string, PermissionFlagsInput>;
  users?: Record<string, PermissionFlagsInput>;
}

/**
 * The official JS SDK's `grantToken` parameters, accepted verbatim so migration is a rename.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const parameters: PubNubGrantTokenParameters = {
 *   ttl: 15, authorized_uuid: 'alice', resources: { channels: { a: { read: true } } },
 * };
 * ```
 */
export interface PubNubGrantTokenParameters {
  ttl: number;
  authorized_uuid?: string;
  authorizedUserId?: string;
  resources?: PubNubPermissionsInput;
  patterns?: PubNubPermissionsInput;
  meta?: Record<string, MetaValue>;
}

/**
 * Anything {@link normalizeGrant} accepts.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const input: GrantInput = { ttl: 15, channels: [Channel.id('a').read()] };
 * ```
 */
export type GrantInput = GrantTokenOptions | PubNubGrantTokenParameters;

const VSP_TARGET = { spaces: 'channels', users: 'uuids' } as const;
// Grants that passed validateGrant, so minting can skip validating them twice.
const validated = new WeakSet<object>();

/** Whether `value` is a grant returned by {@link validateGrant}. @internal */
export function isValidatedGrant(value: unknown): value is TokenGrant {
  return typeof value === 'object' && value !== null && validated.has(value);
}

/**
 * Normalizes and validates either input style into a {@link TokenGrant}. `spaces` / `users` / `authorizedUserId`
 * land in the channel / uuid slots as the official JS SDK maps them, and may not be mixed with
 * `channels` / `groups` / `uuids` / `authorizedUuid` in one grant.
 *
 * Exported from `@grantkit/core`.
 *
 * @param input - Named arguments with builders, or the JS SDK's parameters.
 * @returns A frozen, validated grant.
 * @throws {@link GrantInvalidError} `ERR_GRANT_INVALID` naming the field (ttl, meta, permissions, mixing);
 *   {@link PatternInvalidError} `ERR_PATTERN_INVALID`; {@link LimitExceededError} `ERR_LIMIT_EXCEEDED`.
 * @example
 * ```ts
 * normalizeGrant({ ttl: 15, channels: [Channel.id('a').read(), Channel.pattern('^b-.*$').write()] });
 * normalizeGrant({ ttl: 15, resources: { channels: { a: { read: true } } } });
 * ```
 */
export function normalizeGrant(input: GrantInput): TokenGrant {
  if (typeof input !== 'object' || input === null) {
    throw new GrantInvalidError('Invalid grant', 'grant must be an object', { field: 'grant' });
  }
  const resources = emptySlots();
  const patterns = emptySlots();
  let authorizedUuid: string | undefined;
  let vsp: boolean;
  let legacy: boolean;
  if ('resources' in input || 'patterns' in input || 'authorized_uuid' in input) {
    const parameters = input as PubNubGrantTokenParameters & { authorizedUuid?: string };
    rejectUnknownKeys(parameters, SDK_STYLE_KEYS);
    // The camelCase spelling is accepted too: silently dropping it would mint an unbound token.
    if (parameters.authorized_uuid !== undefined && parameters.authorizedUuid !== undefined &&
      parameters.authorized_uuid !== parameters.authorizedUuid) {
      throw new GrantInvalidError('Invalid authorized uuid', '`authorized_uuid` and `authorizedUuid` disagree', { field: 'authorizedUuid' });
    }
    const legacyUuid = parameters.authorized_uuid ?? parameters.authorizedUuid;
    vsp = hasAny(parameters.resources, ['spaces', 'users']) || hasAny(parameters.patterns, ['spaces', 'users']) ||
      parameters.authorizedUserId !== undefined;
    legacy = hasAny(parameters.resources, ['channels', 'groups', 'uuids']) ||
      hasAny(parameters.patterns, ['channels', 'groups', 'uuids']) || legacyUuid !== undefined;
    addFlags(resources, parameters.resources, 'resources');
    addFlags(patterns, parameters.patterns, 'patterns');
    authorizedUuid = parameters.authorizedUserId ?? legacyUuid;
  } else {
    const options = input as GrantTokenOptions;
    rejectUnknownKeys(options, OPTION_KEYS);
    vsp = options.spaces !== undefined || options.users !== undefined || options.authorizedUserId !== undefined;
    legacy = options.channels !== undefined || options.groups !== undefined || options.uuids !== undefined ||
      options.authorizedUuid !== undefined;
    for (const type of RESOURCE_TYPES) addEntries(resources, patterns, type, options[type]);
    authorizedUuid = options.authorizedUserId ?? options.authorizedUuid;
  }
  if (vsp && legacy) {
    throw new GrantInvalidError(
      'Invalid permissions',
      'cannot mix `spaces`, `users` and `authorizedUserId` with `channels`, `groups`, `uuids` and `authorizedUuid`',
      { field: 'resources' },
    );
  }
  // The SDK sends App Context terms in the channel/uuid slots; do the same.
  for (const slots of [resources, patterns]) {
    for (const alias of ['spaces', 'users'] as const) {
      const target = slots[VSP_TARGET[alias]];
      for (const name of Object.keys(slots[alias])) setEntry(target, name, slots[alias][name]!);
      slots[alias] = {};
    }
  }
  return validateGrant({
    ttl: input.ttl,
    ...(authorizedUuid === undefined ? {} : { authorizedUuid }),
    resources,
    patterns,
    meta: input.meta ?? {},
  });
}

const OPTION_KEYS = new Set(['ttl', 'authorizedUuid', 'authorizedUserId', 'meta', 'channels', 'groups', 'uuids', 'spaces', 'users']);
const SDK_STYLE_KEYS = new Set(['ttl', 'authorized_uuid', 'authorizedUuid', 'authorizedUserId', 'resources', 'patterns', 'meta']);

/** A misspelt or misplaced option must fail loudly: ignoring it could mint a broader or unbound token. */
function rejectUnknownKeys(input: object, known: ReadonlySet<string>): void {
  for (const key of Object.keys(input)) {
    if (!known.has(key) && (input as Record<string, unknown>)[key] !== undefined) {
      throw new GrantInvalidError('Invalid grant', `unknown option '${key}'`, { field: key });
    }
  }
}

function hasAny(permissions: PubNubPermissionsInput | undefined, types: readonly string[]): boolean {
  return typeof permissions === 'object' && permissions !== null && types.some((type) => type in permissions);
}

function addFlags(target: PermissionSlots, input: PubNubPermissionsInput | undefined, where: string): void {
  if (input === undefined) return;
  if (typeof input !== 'object' || input === null) {
    throw new GrantInvalidError('Invalid permissions', `${where} must be an object`, { field: where });
  }
  for (const type of Object.keys(input)) {
    if (!RESOURCE_TYPES.includes(type as ResourceType)) {
      throw new GrantInvalidError('Invalid permissions', `unknown resource type '${type}'`, { field: `${where}.${type}` });
    }
    const names = input[type as ResourceType];
    if (names === undefined) continue;
    if (typeof names !== 'object' || names === null) {
      throw new GrantInvalidError('Invalid permissions', `${where}.${type} must be an object`, { field: `${where}.${type}` });
    }
    for (const name of Object.keys(names)) {
      const flags = names[name];
      const field = `${where}.${type}.${name}`;
      if (typeof flags !== 'object' || flags === null) {
        throw new GrantInvalidError('Invalid permissions', 'permissions must be an object of booleans', { field });
      }
      for (const key of Object.keys(flags)) {
        const allowed = ALLOWED_PERMISSIONS[type as ResourceType] as readonly string[];
        if (flags[key as Permission] === true && !allowed.includes(key)) {
          throw new GrantInvalidError('Invalid permissions', invalidPermissionDetail(type as ResourceType, key), { field });
        }
      }
      addEntry(target[type as ResourceType], name, encodePermissions(flags));
    }
  }
}

function addEntries(
  resources: PermissionSlots,
  patterns: PermissionSlots,
  type: ResourceType,
  entries: readonly GrantEntry[] | undefined,
): void {
  if (entries === undefined) return;
  if (!Array.isArray(entries)) {
    throw new GrantInvalidError('Invalid permissions', `${type} must be an array of grants`, { field: type });
  }
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null || typeof entry.mask !== 'number') {
      throw new GrantInvalidError('Invalid permissions', `${type} must hold grant builders`, { field: type });
    }
    const where = entry.match === 'pattern' ? 'patterns' : 'resources';
    const field = `${where}.${type}.${entry.name}`;
    if (entry.type !== type) {
      throw new GrantInvalidError('Invalid permissions', `a ${entry.type} grant was passed as ${type}`, { field });
    }
    addEntry((entry.match === 'pattern' ? patterns : resources)[type], entry.name, entry.mask);
  }
}

function addEntry(slot: Record<string, number>, name: string, mask: number): void {
  // Repeating a name in one grant merges its permissions rather than silently dropping one of them.
  setEntry(slot, name, (hasEntry(slot, name) ? slot[name]! : 0) | mask);
}

function invalidPermissionDetail(type: ResourceType, permission: string): string {
  return `${type} cannot be granted '${permission}'; allowed: ${ALLOWED_PERMISSIONS[type].join(', ')}`;
}

/**
 * Validates a grant already in slot form, and returns a frozen copy.
 * Rules: ttl integer 1..43,200; meta scalar values only; at least one resource or pattern; no zero bitmask; only
 * the permissions valid for the type; patterns compile in RE2 without capturing groups; and the caps in
 * {@link LIMITS}.
 *
 * Exported from `@grantkit/core`.
 *
 * @param grant - A grant in slot form.
 * @returns The validated, frozen grant.
 * @throws {@link GrantInvalidError} `ERR_GRANT_INVALID`, {@link PatternInvalidError} `ERR_PATTERN_INVALID`,
 *   {@link LimitExceededError} `ERR_LIMIT_EXCEEDED`; each names the offending field.
 * @example
 * ```ts
 * validateGrant({ ttl: 15, resources: { ...emptySlots(), channels: { a: 1 } }, patterns: emptySlots(), meta: {} });
 * ```
 */
export function validateGrant(grant: TokenGrant): TokenGrant {
  const ttl = grant.ttl;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < LIMITS.minTtl || ttl > LIMITS.maxTtl) {
    throw new GrantInvalidError('Invalid ttl', `Range should be ${LIMITS.minTtl} to ${LIMITS.maxTtl} minute(s).`, {
      field: 'ttl',
    });
  }
  const authorizedUuid = grant.authorizedUuid;
  if (authorizedUuid !== undefined) checkName(authorizedUuid, 'authorizedUuid', 'Invalid authorized uuid');
  let entries = 0;
  const resources = emptySlots();
  const patterns = emptySlots();
  for (const [where, source, target] of [
    ['resources', grant.resources, resources],
    ['patterns', grant.patterns, patterns],
  ] as const) {
    if (typeof source !== 'object' || source === null) {
      throw new GrantInvalidError('Invalid permissions', `${where} must be an object`, { field: where });
    }
    for (const type of RESOURCE_TYPES) {
      const slot = source[type] ?? {};
      for (const name of Object.keys(slot)) {
        const field = `${where}.${type}.${name}`;
        if (++entries > LIMITS.maxEntries) {
          throw new LimitExceededError(`a grant may hold at most ${LIMITS.maxEntries} resources and patterns`, {
            field: where,
          });
        }
        if (where === 'patterns') {
          if (name.length > LIMITS.maxPatternLength) {
            throw new PatternInvalidError(`pattern is longer than ${LIMITS.maxPatternLength} characters`, { field });
          }
          compilePattern(name, field);
        } else {
          checkName(name, field, 'Invalid resource name');
        }
        const mask = slot[name];
        if (typeof mask !== 'number' || !Number.isInteger(mask) || mask < 0 || mask > 255) {
          throw new GrantInvalidError('Invalid permissions', 'permission bitmask must be an integer 0..255', { field });
        }
        if (mask === 0) {
          throw new GrantInvalidError('Invalid permissions', `Unexpected value: \`${field}\` must be positive and non-zero.`, {
            field,
          });
        }
        const extra = mask & ~ALLOWED_MASKS[type];
        if (extra !== 0) {
          throw new GrantInvalidError('Invalid permissions', invalidPermissionDetail(type, permissionNames(extra).join("', '")), {
            field,
          });
        }
        setEntry(target[type], name, mask);
      }
    }
  }
  if (entries === 0) {
    throw new GrantInvalidError('This grant contains no permissions', 'grant at least one resource or pattern', {
      field: 'permissions',
    });
  }
  const result: TokenGrant = Object.freeze({
    ttl,
    ...(authorizedUuid === undefined ? {} : { authorizedUuid }),
    resources: freezeSlots(resources),
    patterns: freezeSlots(patterns),
    meta: validateMeta(grant.meta),
  });
  validated.add(result);
  return result;
}

function freezeSlots(slots: PermissionSlots): PermissionSlots {
  for (const type of RESOURCE_TYPES) Object.freeze(slots[type]);
  return Object.freeze(slots);
}

function checkName(name: unknown, field: string, title: string): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new GrantInvalidError(title, 'must be a non-empty string', { field });
  }
  if (name.length > LIMITS.maxNameLength) {
    throw new LimitExceededError(`name is longer than ${LIMITS.maxNameLength} characters`, { field });
  }
}

function validateMeta(meta: unknown): Readonly<Record<string, MetaValue>> {
  if (meta === undefined || meta === null) return Object.freeze({});
  if (typeof meta !== 'object' || Array.isArray(meta)) {
    throw new GrantInvalidError('Invalid meta', 'meta must be an object of scalar values', { field: 'meta' });
  }
  const keys = Object.keys(meta);
  if (keys.length > LIMITS.maxMetaEntries) {
    throw new LimitExceededError(`meta may hold at most ${LIMITS.maxMetaEntries} entries`, { field: 'meta' });
  }
  const out: Record<string, MetaValue> = {};
  for (const key of keys) {
    const value = (meta as Record<string, unknown>)[key];
    const field = `meta.${key}`;
    if (key.length > LIMITS.maxMetaStringLength) {
      throw new LimitExceededError(`meta key is longer than ${LIMITS.maxMetaStringLength} characters`, { field });
    }
    if (typeof value === 'string') {
      if (value.length > LIMITS.maxMetaStringLength) {
        throw new LimitExceededError(`meta value is longer than ${LIMITS.maxMetaStringLength} characters`, { field });
      }
    } else if (typeof value === 'number') {
      // Integers beyond 2^53 cannot round-trip exactly; NaN and Infinity are not JSON.
      if (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value))) {
        throw new GrantInvalidError('Invalid meta', 'meta numbers must be finite and within ±2^53', { field });
      }
    } else if (typeof value !== 'boolean') {
      throw new GrantInvalidError('Invalid meta', 'meta values must be scalar: string, number or boolean', { field });
    }
    // -0 would come back as 0 from CBOR (and JSON); store what round-trips.
    setEntry(out, key, value === 0 ? 0 : value);
  }
  return Object.freeze(out);
}

/**
 * Reads a grant from the JSON body of `POST /v3/pam/{sub_key}/grant`, as every official SDK sends it. Unlike
 * {@link normalizeGrant}, `spaces` / `users` stay in their own slots, as on PubNub's server. A numeric-string ttl
 * (`"15"`, once sent by the Python SDK) is accepted like PubNub's server does.
 *
 * Exported from `@grantkit/core`.
 *
 * @param body - Parsed JSON body.
 * @returns The validated grant.
 * @throws {@link GrantInvalidError} / {@link PatternInvalidError} / {@link LimitExceededError} naming the field;
 *   {@link RequestInvalidError} `ERR_REQUEST_INVALID` when the body is not an object with `permissions`.
 * @example
 * ```ts
 * grantFromRequestBody(JSON.parse('{"ttl":15,"permissions":{"resources":{"channels":{"a":1}},"meta":{}}}'));
 * ```
 */
export function grantFromRequestBody(body: unknown): TokenGrant {
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
  return validateGrant({
    ttl: typeof ttl === 'string' && /^[0-9]{1,6}$/.test(ttl) ? Number(ttl) : (ttl as number),
    ...(uuid === undefined || uuid === '' ? {} : { authorizedUuid: uuid }),
    resources: bodySlots(resources, 'resources'),
    patterns: bodySlots(patterns, 'patterns'),
    meta: meta as Record<string, MetaValue>,
  });
}

function bodySlots(value: unknown, where: string): PermissionSlots {
  const slots = emptySlots();
  if (value === undefined || value === null) return slots;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new GrantInvalidError('Invalid permissions', `${where} must be an object`, { field: where });
  }
  for (const type of Object.keys(value)) {
    if (!RESOURCE_TYPES.includes(type as ResourceType)) {
      throw new GrantInvalidError('Invalid permissions', `unknown resource type '${type}'`, { field: `${where}.${type}` });
    }
    const names = (value as Record<string, unknown>)[type];
    if (names === undefined || names === null) continue;
    if (typeof names !== 'object' || Array.isArray(names)) {
      throw new GrantInvalidError('Invalid permissions', `${where}.${type} must be an object`, { field: `${where}.${type}` });
    }
    for (const name of Object.keys(names)) setEntry(slots[type as ResourceType], name, (names as Record<string, number>)[name]!);
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

/**
 * A lint finding: legal, but probably not what was meant.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const warning: GrantWarning = { code: 'literal-looks-like-pattern', field: 'resources.channels.room-.*', message: '...' };
 * ```
 */
export interface GrantWarning {
  /** `literal-looks-like-pattern`: an exact name containing RegEx syntax; `pattern-unanchored`: matches anywhere. */
  code: 'literal-looks-like-pattern' | 'pattern-unanchored';
  field: string;
  message: string;
}

/**
 * Lints a grant: regex-looking names granted as literals (`"2136.*"` grants only that literal name), and patterns
 * not anchored with `^...$` (they match anywhere in a name, so `room-` also grants `lobby-room-1`).
 *
 * Exported from `@grantkit/core`.
 *
 * @param grant - A validated grant.
 * @returns Warnings, empty when nothing looks off.
 * @example
 * ```ts
 * lintGrant(normalizeGrant({ ttl: 5, channels: [Channel.id('room-.*').read()] }))[0].code;
 * // 'literal-looks-like-pattern'
 * ```
 */
export function lintGrant(grant: TokenGrant): GrantWarning[] {
  const warnings: GrantWarning[] = [];
  for (const type of RESOURCE_TYPES) {
    for (const name of Object.keys(grant.resources[type])) {
      if (looksLikePattern(name)) {
        warnings.push({
          code: 'literal-looks-like-pattern',
          field: `resources.${type}.${name}`,
          message: `'${name}' contains RegEx syntax but is granted as an exact name; use a pattern to match many names`,
        });
      }
    }
    for (const pattern of Object.keys(grant.patterns[type])) {
      if (!isAnchored(pattern)) {
        warnings.push({
          code: 'pattern-unanchored',
          field: `patterns.${type}.${pattern}`,
          message: `'${pattern}' is not anchored with ^...$ and matches anywhere in a name`,
        });
      }
    }
  }
  return warnings;
}
