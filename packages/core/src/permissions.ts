/**
 * Permission bits as PubNub Access Manager v3 encodes them, and which of them each resource type may carry.
 *
 * @module
 */

/** Permission to read (subscribe, history, ...). Exported from `@grantkit/core`. @example `READ === 1` */
export const READ = 1;
/** Permission to write (publish, ...). Exported from `@grantkit/core`. @example `WRITE === 2` */
export const WRITE = 2;
/** Permission to manage (channel groups, ...). Exported from `@grantkit/core`. @example `MANAGE === 4` */
export const MANAGE = 4;
/** Permission to delete. Exported from `@grantkit/core`. @example `DELETE === 8` */
export const DELETE = 8;
/** Legacy v2 `create` bit: decoded when present, never granted. Exported from `@grantkit/core`. @example `CREATE === 16` */
export const CREATE = 16;
/** Permission to get (App Context metadata). Exported from `@grantkit/core`. @example `GET === 32` */
export const GET = 32;
/** Permission to update (App Context metadata). Exported from `@grantkit/core`. @example `UPDATE === 64` */
export const UPDATE = 64;
/** Permission to join (App Context membership). Exported from `@grantkit/core`. @example `JOIN === 128` */
export const JOIN = 128;

/**
 * A permission name, as the official SDKs spell it.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const permission: Permission = 'write';
 * ```
 */
export type Permission = 'read' | 'write' | 'manage' | 'delete' | 'get' | 'update' | 'join';

/**
 * Bit of each permission name.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * PERMISSION_BITS.write; // 2
 * ```
 */
export const PERMISSION_BITS: Readonly<Record<Permission, number>> = /* @__PURE__ */ Object.freeze({
  read: READ,
  write: WRITE,
  manage: MANAGE,
  delete: DELETE,
  get: GET,
  update: UPDATE,
  join: JOIN,
});

/**
 * The canonical resource types a token holds. `spaces` and `users` are the App Context aliases of `channels` and
 * `uuids`.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const type: ResourceType = 'channels';
 * ```
 */
export type ResourceType = 'channels' | 'groups' | 'uuids' | 'spaces' | 'users';

/**
 * Permissions each resource type may carry, as PubNub documents them (its server does not enforce them; we do).
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * ALLOWED_PERMISSIONS.groups; // ['read', 'manage']
 * ```
 */
export const ALLOWED_PERMISSIONS: Readonly<Record<ResourceType, readonly Permission[]>> = /* @__PURE__ */ Object.freeze({
  channels: /* @__PURE__ */ Object.freeze(['read', 'write', 'get', 'manage', 'update', 'join', 'delete'] as const),
  groups: /* @__PURE__ */ Object.freeze(['read', 'manage'] as const),
  uuids: /* @__PURE__ */ Object.freeze(['get', 'update', 'delete'] as const),
  spaces: /* @__PURE__ */ Object.freeze(['read', 'write', 'get', 'manage', 'update', 'join', 'delete'] as const),
  users: /* @__PURE__ */ Object.freeze(['get', 'update', 'delete'] as const),
});

/**
 * Bitmask of everything each type may carry, derived from {@link ALLOWED_PERMISSIONS}.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * (mask & ~ALLOWED_MASKS.groups) === 0; // only read/manage
 * ```
 */
export const ALLOWED_MASKS: Readonly<Record<ResourceType, number>> = /* @__PURE__ */ Object.freeze({
  // Literal expressions (a unit test checks them against ALLOWED_PERMISSIONS) so bundlers can drop the table.
  channels: READ | WRITE | GET | MANAGE | UPDATE | JOIN | DELETE,
  groups: READ | MANAGE,
  uuids: GET | UPDATE | DELETE,
  spaces: READ | WRITE | GET | MANAGE | UPDATE | JOIN | DELETE,
  users: GET | UPDATE | DELETE,
});

/**
 * Permissions as booleans, exactly the shape the official SDK's `parseToken` returns for each resource.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const flags: PermissionFlags = decodePermissions(3); // read + write
 * ```
 */
export interface PermissionFlags {
  read: boolean;
  write: boolean;
  manage: boolean;
  delete: boolean;
  get: boolean;
  update: boolean;
  join: boolean;
}

/**
 * Expands a bitmask into the SDK's seven booleans (in the SDK's key order).
 *
 * Exported from `@grantkit/core`.
 *
 * @param mask - Permission bitmask from a token.
 * @returns One boolean per permission.
 * @example
 * ```ts
 * decodePermissions(READ | WRITE).write; // true
 * ```
 */
export function decodePermissions(mask: number): PermissionFlags {
  return {
    read: (mask & READ) !== 0,
    write: (mask & WRITE) !== 0,
    manage: (mask & MANAGE) !== 0,
    delete: (mask & DELETE) !== 0,
    get: (mask & GET) !== 0,
    update: (mask & UPDATE) !== 0,
    join: (mask & JOIN) !== 0,
  };
}

/**
 * Folds permission booleans (any subset, as the SDK's `grantToken` accepts them) into a bitmask.
 *
 * Exported from `@grantkit/core`.
 *
 * @param flags - `{ read: true, write: true }` and the like; unknown keys are ignored.
 * @returns The bitmask.
 * @example
 * ```ts
 * encodePermissions({ read: true, join: true }); // 129
 * ```
 */
export function encodePermissions(flags: Partial<Record<Permission, boolean | undefined>>): number {
  let mask = 0;
  for (const name in PERMISSION_BITS) {
    if (flags[name as Permission] === true) mask |= PERMISSION_BITS[name as Permission];
  }
  return mask;
}

/**
 * Names of the permissions set in a mask, in the SDK's order; the legacy `create` bit is named too.
 *
 * Exported from `@grantkit/core`.
 *
 * @param mask - Permission bitmask.
 * @returns Permission names.
 * @example
 * ```ts
 * permissionNames(5); // ['read', 'manage']
 * ```
 */
export function permissionNames(mask: number): Array<Permission | 'create'> {
  const names: Array<Permission | 'create'> = [];
  for (const name in PERMISSION_BITS) {
    if ((mask & PERMISSION_BITS[name as Permission]) !== 0) names.push(name as Permission);
  }
  if ((mask & CREATE) !== 0) names.push('create');
  return names;
}
