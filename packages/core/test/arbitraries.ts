/** fast-check arbitraries shared by the property tests. */
import fc from 'fast-check';
import type { GrantTokenOptions } from '../src/grant/grant-input.js';
import { Channel, Group, UUID } from '../src/grant/builders.js';

// The oracles (cbor-x, the official SDK) mangle a `__proto__` key; ours keeps it, as tests elsewhere check directly.
const notProto = (key: string) => key !== '__proto__';
const name = fc.string({ minLength: 1, maxLength: 40 }).filter(notProto);
const channelMask = fc.subarray(['read', 'write', 'get', 'manage', 'update', 'join', 'delete'] as const, { minLength: 1 });
const groupMask = fc.subarray(['read', 'manage'] as const, { minLength: 1 });
const uuidMask = fc.subarray(['get', 'update', 'delete'] as const, { minLength: 1 });
const pattern = fc.constantFrom('^room-[0-9]+$', '^.*$', 'lobby', '^(?:a|b)-x$', '^user-\\S*$');
const apply = <T extends object>(builder: T, names: readonly string[]) =>
  names.reduce((entry, permission) => (entry as Record<string, () => T>)[permission]!.call(entry), builder);

/** Any valid grant. */
export const validGrant: fc.Arbitrary<GrantTokenOptions> = fc.record({
  ttl: fc.integer({ min: 1, max: 43_200 }),
  authorizedUuid: fc.option(name, { nil: undefined }),
  meta: fc.dictionary(fc.string({ maxLength: 20 }).filter(notProto), fc.oneof(fc.string({ maxLength: 50 }), fc.boolean(), fc.integer(), fc.double({ noNaN: true, min: -1e15, max: 1e15 })), { maxKeys: 5 }),
  channels: fc.array(fc.oneof(
    fc.tuple(name, channelMask).map(([id, permissions]) => apply(Channel.id(id), permissions)),
    fc.tuple(pattern, channelMask).map(([id, permissions]) => apply(Channel.pattern(id), permissions)),
  ), { maxLength: 5 }),
  groups: fc.array(fc.tuple(name, groupMask).map(([id, permissions]) => apply(Group.id(id), permissions)), { maxLength: 3 }),
  uuids: fc.array(fc.tuple(name, uuidMask).map(([id, permissions]) => apply(UUID.id(id), permissions)), { maxLength: 3 }),
}, { requiredKeys: ['ttl', 'channels', 'groups', 'uuids', 'meta'] }).filter((grant) => grant.channels!.length + grant.groups!.length + grant.uuids!.length > 0)
  .map((grant) => (grant.authorizedUuid === undefined ? (({ authorizedUuid: _drop, ...rest }) => rest)(grant) : grant));

