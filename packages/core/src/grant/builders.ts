/**
 * Grant builders in the style of the official SDKs: `Channel.id('a').read().write()`,
 * `Channel.pattern('^room-.*$').read()`. Each builder only offers the permissions its resource type has, so
 * `Group.id('g').write()` does not compile. Builders are immutable: every call returns a new value.
 *
 * `Space` and `User` are the App Context aliases of `Channel` and `UUID`; in a grant they land in the channel and
 * uuid slots, as the official JS SDK maps them.
 *
 * @module
 */
import {
  DELETE, GET, JOIN, MANAGE, READ, UPDATE, WRITE, type ResourceType,
} from '../permissions.js';

/**
 * Whether an entry grants one exact name or a RegEx pattern.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * Channel.pattern('^a$').match; // 'pattern'
 * ```
 */
export type GrantMatch = 'resource' | 'pattern';

/**
 * What every builder holds: the resource type, whether `name` is exact or a pattern, and the permission bitmask.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const entry: GrantEntry = Channel.id('a').read();
 * entry.mask; // 1
 * ```
 */
export abstract class GrantEntry<T extends ResourceType = ResourceType> {
  /** Resource type of this entry. */
  abstract readonly type: T;
  constructor(
    /** `resource` for an exact name, `pattern` for a RegEx. */
    readonly match: GrantMatch,
    /** The exact name or the pattern source. */
    readonly name: string,
    /** Permission bitmask granted so far. */
    readonly mask: number = 0,
  ) {}

  /** A copy of this entry with `bit` added. */
  protected with(bit: number): this {
    const Self = this.constructor as new (match: GrantMatch, name: string, mask: number) => this;
    return Object.freeze(new Self(this.match, this.name, this.mask | bit));
  }
}

/**
 * The permissions of a channel, shared by {@link ChannelGrant} and its App Context alias {@link SpaceGrant}.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const entry: ChannelPermissionsGrant<'channels'> = Channel.id('a').read();
 * ```
 */
export abstract class ChannelPermissionsGrant<T extends 'channels' | 'spaces'> extends GrantEntry<T> {
  /** Subscribe, history, presence... */
  read(): this { return this.with(READ); }
  /** Publish, signals... */
  write(): this { return this.with(WRITE); }
  /** Get channel metadata and members. */
  get(): this { return this.with(GET); }
  /** Manage (add or remove channels in groups, members...). */
  manage(): this { return this.with(MANAGE); }
  /** Update channel metadata. */
  update(): this { return this.with(UPDATE); }
  /** Join (membership). */
  join(): this { return this.with(JOIN); }
  /** Delete messages, metadata. */
  delete(): this { return this.with(DELETE); }
}

/**
 * The permissions of a uuid, shared by {@link UuidGrant} and its App Context alias {@link UserGrant}.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const entry: UuidPermissionsGrant<'uuids'> = UUID.id('u').get();
 * ```
 */
export abstract class UuidPermissionsGrant<T extends 'uuids' | 'users'> extends GrantEntry<T> {
  /** Get the uuid's metadata and memberships. */
  get(): this { return this.with(GET); }
  /** Update the uuid's metadata and memberships. */
  update(): this { return this.with(UPDATE); }
  /** Delete the uuid's metadata. */
  delete(): this { return this.with(DELETE); }
}

/**
 * A channel grant: read, write, get, manage, update, join, delete.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * Channel.id('room-1').read().write();
 * ```
 */
export class ChannelGrant extends ChannelPermissionsGrant<'channels'> {
  readonly type = 'channels' as const;
}

/**
 * A channel group grant: read, manage.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * Group.id('cg-1').read().manage();
 * ```
 */
export class GroupGrant extends GrantEntry<'groups'> {
  readonly type = 'groups' as const;
  /** Subscribe to the group. */
  read(): this { return this.with(READ); }
  /** Add and remove channels. */
  manage(): this { return this.with(MANAGE); }
}

/**
 * A uuid (user metadata) grant: get, update, delete.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * UUID.id('alice').get().update();
 * ```
 */
export class UuidGrant extends UuidPermissionsGrant<'uuids'> {
  readonly type = 'uuids' as const;
}

/**
 * A space grant (App Context alias of a channel): the channel permissions.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * Space.id('space-1').read().join();
 * ```
 */
export class SpaceGrant extends ChannelPermissionsGrant<'spaces'> {
  readonly type = 'spaces' as const;
}

/**
 * A user grant (App Context alias of a uuid): get, update, delete.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * User.id('alice').get();
 * ```
 */
export class UserGrant extends UuidPermissionsGrant<'users'> {
  readonly type = 'users' as const;
}

/**
 * Factory shape shared by `Channel`, `Group`, `UUID`, `Space` and `User`.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const factory: GrantFactory<ChannelGrant> = Channel;
 * ```
 */
export interface GrantFactory<G> {
  /** Grants one exact name. */
  id(name: string): G;
  /** Grants every name the RE2 pattern is found in (anchor it with `^...$` to match whole names). */
  pattern(pattern: string): G;
}

function factory<G>(Grant: new (match: GrantMatch, name: string) => G): GrantFactory<G> {
  return Object.freeze({
    id: (name: string) => Object.freeze(new Grant('resource', name)),
    pattern: (pattern: string) => Object.freeze(new Grant('pattern', pattern)),
  });
}

/**
 * Starts a channel grant. Exported from `@grantkit/core`.
 * @example
 * ```ts
 * Channel.pattern('^room-[0-9]+$').read();
 * ```
 */
export const Channel: GrantFactory<ChannelGrant> = factory(ChannelGrant);
/**
 * Starts a channel group grant. Exported from `@grantkit/core`.
 * @example
 * ```ts
 * Group.id('cg').read();
 * ```
 */
export const Group: GrantFactory<GroupGrant> = factory(GroupGrant);
/**
 * Starts a uuid grant. Exported from `@grantkit/core`.
 * @example
 * ```ts
 * UUID.id('alice').get();
 * ```
 */
export const UUID: GrantFactory<UuidGrant> = factory(UuidGrant);
/**
 * Starts a space grant (lands in the channel slot). Exported from `@grantkit/core`.
 * @example
 * ```ts
 * Space.id('s').read();
 * ```
 */
export const Space: GrantFactory<SpaceGrant> = factory(SpaceGrant);
/**
 * Starts a user grant (lands in the uuid slot). Exported from `@grantkit/core`.
 * @example
 * ```ts
 * User.id('bob').get();
 * ```
 */
export const User: GrantFactory<UserGrant> = factory(UserGrant);
