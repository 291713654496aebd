/**
 * Grant input: the two styles users know (builders as named arguments, and the PubNub JS SDK's
 * `{ ttl, authorized_uuid, resources, patterns, meta }`), normalized into slot form and validated.
 *
 * @module
 */
import { GrantInvalidError } from '../errors.js';
import { hasEntry, setEntry } from '../internal/records.js';
import { RESOURCE_TYPES, type PermissionSlots } from '../slots.js';
import { encodePermissions, PERMISSION_BITS, type Permission, type ResourceType } from '../permissions.js';
import type { ChannelGrant, GrantEntry, GroupGrant, SpaceGrant, UserGrant, UuidGrant } from './builders.js';
import { checkGrant, EMPTY_SLOT, slotField, slotToFill, unsetSlots, type MetaValue, type TokenGrant, type ValidationOptions } from './validate-grant.js';

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
  /** Metadata carried in the token (scalars only in `strict` mode). */
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

/**
 * Normalizes and validates either input style into a {@link TokenGrant}. `spaces` / `users` / `authorizedUserId`
 * land in the channel / uuid slots as the official JS SDK maps them, and may not be mixed with
 * `channels` / `groups` / `uuids` / `authorizedUuid` in one grant (the JS SDK refuses that too). Unknown option names
 * and unknown permission names are refused in both modes: ignoring one could mint a broader or unbound token.
 *
 * Exported from `@grantkit/core`.
 *
 * @param input - Named arguments with builders, or the JS SDK's parameters.
 * @param options - The validation mode (default `pubnub`; see `validateGrant`).
 * @returns A frozen, validated grant.
 * @throws {@link GrantInvalidError} `ERR_GRANT_INVALID` naming the field (ttl, meta, permissions, mixing);
 *   {@link PatternInvalidError} `ERR_PATTERN_INVALID`; {@link LimitExceededError} `ERR_LIMIT_EXCEEDED`.
 * @example
 * ```ts
 * normalizeGrant({ ttl: 15, channels: [Channel.id('a').read(), Channel.pattern('^b-.*$').write()] });
 * normalizeGrant({ ttl: 15, resources: { channels: { a: { read: true } } } }, { validation: 'strict' });
 * ```
 */
export function normalizeGrant(input: GrantInput, options: ValidationOptions = {}): TokenGrant {
  return normalizeInput(input, options, true);
}

/**
 * {@link normalizeGrant}; with `frozen` false, for `mintToken`, the grant is neither frozen nor marked as validated
 * (it never leaves the mint). The same checks, in the same order, either way.
 *
 * @internal
 */
export function normalizeInput(input: GrantInput, options: ValidationOptions, frozen: boolean): TokenGrant {
  if (typeof input !== 'object' || input === null) {
    throw new GrantInvalidError('Invalid grant', 'grant must be an object', { field: 'grant' });
  }
  const resources = unsetSlots();
  const patterns = unsetSlots();
  let authorizedUuid: string | undefined;
  let vsp: boolean;
  let legacy: boolean;
  if ('resources' in input || 'patterns' in input || 'authorized_uuid' in input) {
    const parameters = input as PubNubGrantTokenParameters & { authorizedUuid?: string };
    rejectUnknownKeys(parameters, SDK_STYLE_KEYS);
    // The camelCase spelling is accepted too: silently dropping it would mint an unbound token.
    if (parameters.authorized_uuid !== undefined && parameters.authorizedUuid !== undefined &&
      parameters.authorized_uuid !== parameters.authorizedUuid) {
      throw new GrantInvalidError('Invalid authorized uuid', '`authorized_uuid` and `authorizedUuid` disagree', { field: 'permissions.uuid' });
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
    // Each type by name (not a loop over RESOURCE_TYPES): a read by a changing key costs a keyed lookup each time.
    addEntries(resources, patterns, 'channels', options.channels);
    addEntries(resources, patterns, 'groups', options.groups);
    addEntries(resources, patterns, 'uuids', options.uuids);
    addEntries(resources, patterns, 'users', options.users);
    addEntries(resources, patterns, 'spaces', options.spaces);
    authorizedUuid = options.authorizedUserId ?? options.authorizedUuid;
  }
  if (vsp && legacy) {
    throw new GrantInvalidError(
      'Invalid permissions',
      'cannot mix `spaces`, `users` and `authorizedUserId` with `channels`, `groups`, `uuids` and `authorizedUuid`',
      { field: 'permissions.resources' },
    );
  }
  // The SDK sends App Context terms in the channel/uuid slots; do the same.
  moveAlias(resources, 'spaces', 'channels');
  moveAlias(resources, 'users', 'uuids');
  moveAlias(patterns, 'spaces', 'channels');
  moveAlias(patterns, 'users', 'uuids');
  const grant: TokenGrant = authorizedUuid === undefined
    ? { ttl: input.ttl, resources, patterns, meta: input.meta ?? {} }
    : { ttl: input.ttl, authorizedUuid, resources, patterns, meta: input.meta ?? {} };
  // The slot records are this function's own: validated in place, not copied again.
  return checkGrant(grant, options, true, frozen);
}

function moveAlias(slots: PermissionSlots, alias: 'spaces' | 'users', type: 'channels' | 'uuids'): void {
  const source = slots[alias];
  if (source === EMPTY_SLOT) return;
  const target = slotToFill(slots, type);
  for (const name of Object.keys(source)) setEntry(target, name, source[name]!);
  slots[alias] = EMPTY_SLOT;
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

function addFlags(target: PermissionSlots, input: PubNubPermissionsInput | undefined, where: 'resources' | 'patterns'): void {
  if (input === undefined) return;
  if (typeof input !== 'object' || input === null) {
    throw new GrantInvalidError('Invalid permissions', `${where} must be an object`, { field: `permissions.${where}` });
  }
  for (const type of Object.keys(input)) {
    if (!RESOURCE_TYPES.includes(type as ResourceType)) {
      throw new GrantInvalidError('Invalid permissions', `unknown resource type '${type}'`, { field: `permissions.${where}.${type}` });
    }
    const names = input[type as ResourceType];
    if (names === undefined) continue;
    if (typeof names !== 'object' || names === null) {
      throw new GrantInvalidError('Invalid permissions', `${where}.${type} must be an object`, { field: slotField(where, type as ResourceType) });
    }
    for (const name of Object.keys(names)) {
      const flags = names[name];
      const field = slotField(where, type as ResourceType, name);
      if (typeof flags !== 'object' || flags === null) {
        throw new GrantInvalidError('Invalid permissions', 'permissions must be an object of booleans', { field });
      }
      for (const key of Object.keys(flags)) {
        if (flags[key as Permission] === true && !Object.hasOwn(PERMISSION_BITS, key)) {
          throw new GrantInvalidError('Invalid permissions', `unknown permission '${key}'`, { field });
        }
      }
      addEntry(slotToFill(target, type as ResourceType), name, encodePermissions(flags));
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
    throw new GrantInvalidError('Invalid permissions', `${type} must be an array of grants`, { field: slotField('resources', type) });
  }
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null || typeof entry.mask !== 'number') {
      throw new GrantInvalidError('Invalid permissions', `${type} must hold grant builders`, { field: slotField('resources', type) });
    }
    const where = entry.match === 'pattern' ? 'patterns' : 'resources';
    if (entry.type !== type) {
      throw new GrantInvalidError('Invalid permissions', `a ${entry.type} grant was passed as ${type}`, { field: slotField(where, type, entry.name) });
    }
    addEntry(slotToFill(entry.match === 'pattern' ? patterns : resources, type), entry.name, entry.mask);
  }
}

function addEntry(slot: Record<string, number>, name: string, mask: number): void {
  // Repeating a name in one grant merges its permissions rather than silently dropping one of them.
  setEntry(slot, name, (hasEntry(slot, name) ? slot[name]! : 0) | mask);
}
