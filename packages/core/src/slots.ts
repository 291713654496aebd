/**
 * Permission slots: one record per resource type, name (or pattern) → bitmask.
 *
 * @module
 */
import type { ResourceType } from './permissions.js';

/**
 * Name (or pattern) → permission bitmask, one record per resource type. Records are plain objects.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const slots: PermissionSlots = { channels: { a: 3 }, groups: {}, uuids: {}, spaces: {}, users: {} };
 * ```
 */
export interface PermissionSlots {
  channels: Record<string, number>;
  groups: Record<string, number>;
  uuids: Record<string, number>;
  spaces: Record<string, number>;
  users: Record<string, number>;
}

/**
 * Every resource type, in the order of the JSON body the JS SDK sends.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * for (const type of RESOURCE_TYPES) console.log(type);
 * ```
 */
export const RESOURCE_TYPES: readonly ResourceType[] = /* @__PURE__ */ Object.freeze(['channels', 'groups', 'uuids', 'users', 'spaces']);
/**
 * Empty slots, one fresh record per type.
 *
 * Exported from `@grantkit/core`.
 *
 * @returns New empty {@link PermissionSlots}.
 * @example
 * ```ts
 * const slots = emptySlots(); slots.channels.a = 1;
 * ```
 */
export function emptySlots(): PermissionSlots {
  return { channels: {}, groups: {}, uuids: {}, spaces: {}, users: {} };
}

