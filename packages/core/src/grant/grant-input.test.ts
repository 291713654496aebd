import { describe, expect, it } from 'vitest';
import { normalizeGrant, type GrantInput } from './grant-input.js';
import { Channel, Group, Space, User, UUID } from './builders.js';
import { emptySlots } from '../slots.js';

describe('normalizeGrant', () => {
  it('accepts builders as named arguments', () => {
    const grant = normalizeGrant({
      ttl: 60,
      authorizedUuid: 'alice',
      meta: { role: 'admin' },
      channels: [Channel.id('a').read().write(), Channel.pattern('^b-.*$').join()],
      groups: [Group.id('g').manage()],
      uuids: [UUID.id('u').get().update().delete()],
    });
    expect(grant).toEqual({
      ttl: 60,
      authorizedUuid: 'alice',
      resources: { ...emptySlots(), channels: { a: 3 }, groups: { g: 4 }, uuids: { u: 104 } },
      patterns: { ...emptySlots(), channels: { '^b-.*$': 128 } },
      meta: { role: 'admin' },
    });
    expect(Object.isFrozen(grant.resources.channels)).toBe(true);
  });

  it('accepts the JS SDK shape verbatim', () => {
    const grant = normalizeGrant({
      ttl: 15,
      authorized_uuid: 'bob',
      resources: { channels: { a: { read: true, write: false } }, groups: { g: { read: true } } },
      patterns: { uuids: { '^u-.*$': { get: true } } },
    });
    expect(grant.resources.channels).toEqual({ a: 1 });
    expect(grant.resources.groups).toEqual({ g: 1 });
    expect(grant.patterns.uuids).toEqual({ '^u-.*$': 32 });
    expect(grant.authorizedUuid).toBe('bob');
  });

  it('maps spaces and users (and authorizedUserId) to the channel and uuid slots, as the JS SDK does', () => {
    const fromBuilders = normalizeGrant({ ttl: 5, authorizedUserId: 'me', spaces: [Space.id('s').read()], users: [User.pattern('^.*$').get()] });
    expect(fromBuilders.resources.channels).toEqual({ s: 1 });
    expect(fromBuilders.patterns.uuids).toEqual({ '^.*$': 32 });
    expect(fromBuilders.resources.spaces).toEqual({});
    expect(fromBuilders.authorizedUuid).toBe('me');
    const fromSdkShape = normalizeGrant({ ttl: 5, resources: { users: { u: { update: true } } } });
    expect(fromSdkShape.resources.uuids).toEqual({ u: 64 });
  });

  it.each<[string, GrantInput]>([
    ['builders', { ttl: 5, spaces: [Space.id('s').read()], channels: [Channel.id('c').read()] }],
    ['authorizedUserId with channels', { ttl: 5, authorizedUserId: 'me', channels: [Channel.id('c').read()] }],
    ['the SDK shape', { ttl: 5, resources: { spaces: { s: { read: true } } }, patterns: { channels: { c: { read: true } } } }],
  ])('refuses to mix the two vocabularies (%s)', (_name, input) => {
    expect(() => normalizeGrant(input)).toThrow(expect.objectContaining({ code: 'ERR_GRANT_INVALID', field: 'permissions.resources' }));
  });

  it('binds the token when the SDK shape is given a camelCase authorizedUuid (never drops it)', () => {
    expect(normalizeGrant({ ttl: 5, authorizedUuid: 'alice', resources: { channels: { a: { read: true } } } } as GrantInput).authorizedUuid).toBe('alice');
    expect(() => normalizeGrant({ ttl: 5, authorized_uuid: 'a', authorizedUuid: 'b', resources: { channels: { a: { read: true } } } } as GrantInput))
      .toThrow(expect.objectContaining({ code: 'ERR_GRANT_INVALID', field: 'permissions.uuid' }));
  });

  it.each<[string, object, string]>([
    ['a misspelt option', { ttl: 5, channel: [Channel.id('a').read()], channels: [Channel.id('b').read()] }, 'channel'],
    ['builders mixed into the SDK shape', { ttl: 5, resources: { channels: { a: { read: true } } }, groups: [Group.id('g').read()] }, 'groups'],
    ['an unknown SDK option', { ttl: 5, resources: { channels: { a: { read: true } } }, authorizedUUID: 'x' }, 'authorizedUUID'],
  ])('refuses %s, naming it', (_name, input, field) => {
    expect(() => normalizeGrant(input as GrantInput)).toThrow(expect.objectContaining({ code: 'ERR_GRANT_INVALID', field }));
  });

  it('merges repeated names instead of dropping one', () => {
    const grant = normalizeGrant({ ttl: 5, channels: [Channel.id('a').read(), Channel.id('a').write()] });
    expect(grant.resources.channels).toEqual({ a: 3 });
  });

  it('keeps __proto__ as an ordinary name', () => {
    const grant = normalizeGrant({ ttl: 5, channels: [Channel.id('__proto__').read()] });
    expect(Object.keys(grant.resources.channels)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(grant.resources.channels)).toBe(Object.prototype);
  });

  it('refuses a builder of another type in a slot', () => {
    expect(() => normalizeGrant({ ttl: 5, channels: [Group.id('g').read() as never] })).toThrow(
      expect.objectContaining({ code: 'ERR_GRANT_INVALID', field: 'permissions.resources.channels.g' }),
    );
  });

  it('passes a permission the type does not document in pubnub mode, as the JS SDK and PubNub do; strict refuses it', () => {
    expect(normalizeGrant({ ttl: 5, resources: { groups: { g: { write: true } } } }).resources.groups).toEqual({ g: 2 });
    expect(() => normalizeGrant({ ttl: 5, resources: { groups: { g: { write: true } } } }, { validation: 'strict' })).toThrow(
      expect.objectContaining({ code: 'ERR_GRANT_INVALID', field: 'permissions.resources.groups.g', title: 'Invalid permissions' }),
    );
  });

  it('refuses an unknown permission name in both modes (a typo must not mint a narrower token silently)', () => {
    expect(() => normalizeGrant({ ttl: 5, resources: { channels: { c: { reed: true } as never } } })).toThrow(
      expect.objectContaining({ code: 'ERR_GRANT_INVALID', field: 'permissions.resources.channels.c' }),
    );
  });
});

