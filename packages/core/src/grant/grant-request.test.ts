import { describe, expect, it } from 'vitest';
import bodies from '@grantkit/conformance/vectors/grant-request-bodies.json';
import {
  grantFromRequestBody, grantToRequestBody, lintGrant, normalizeGrant, validateGrant, type GrantInput,
} from './grant-request.js';
import { LIMITS } from '../limits.js';
import { Channel, Group, Space, User, UUID } from './builders.js';
import { emptySlots } from '../slots.js';

const base = { ttl: 15, channels: [Channel.id('a').read()] };

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
    expect(() => normalizeGrant(input)).toThrow(expect.objectContaining({ code: 'ERR_GRANT_INVALID', field: 'resources' }));
  });

  it('binds the token when the SDK shape is given a camelCase authorizedUuid (never drops it)', () => {
    expect(normalizeGrant({ ttl: 5, authorizedUuid: 'alice', resources: { channels: { a: { read: true } } } } as GrantInput).authorizedUuid).toBe('alice');
    expect(() => normalizeGrant({ ttl: 5, authorized_uuid: 'a', authorizedUuid: 'b', resources: { channels: { a: { read: true } } } } as GrantInput))
      .toThrow(expect.objectContaining({ code: 'ERR_GRANT_INVALID', field: 'authorizedUuid' }));
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
      expect.objectContaining({ code: 'ERR_GRANT_INVALID', field: 'resources.channels.g' }),
    );
  });

  it('refuses a permission the type does not have in the SDK shape', () => {
    expect(() => normalizeGrant({ ttl: 5, resources: { groups: { g: { write: true } } } })).toThrow(
      expect.objectContaining({ code: 'ERR_GRANT_INVALID', field: 'resources.groups.g', title: 'Invalid permissions' }),
    );
  });
});

describe('validateGrant', () => {
  const slots = (channels: Record<string, number>) => ({ ...emptySlots(), channels });
  const grant = (overrides: object) => ({ ttl: 15, resources: slots({ a: 1 }), patterns: emptySlots(), meta: {}, ...overrides });

  it.each([0, 43_201, 1.5, -1, Number.NaN, '15'])('refuses ttl %s with PubNub’s message', (ttl) => {
    expect(() => validateGrant(grant({ ttl }) as never)).toThrow(
      expect.objectContaining({ code: 'ERR_GRANT_INVALID', field: 'ttl', title: 'Invalid ttl', detail: 'Range should be 1 to 43200 minute(s).' }),
    );
  });

  it.each([1, 43_200])('accepts ttl %s', (ttl) => {
    expect(validateGrant(grant({ ttl }) as never).ttl).toBe(ttl);
  });

  it.each([
    ['an object', { nested: { a: 1 } }],
    ['an array', { list: [1] }],
    ['null', { nothing: null }],
    ['Infinity', { big: Infinity }],
    ['an unsafe integer', { big: 2 ** 60 }],
  ])('refuses meta holding %s', (_name, meta) => {
    expect(() => validateGrant(grant({ meta }) as never)).toThrow(expect.objectContaining({ code: 'ERR_GRANT_INVALID', title: 'Invalid meta' }));
  });

  it('accepts scalar meta', () => {
    expect(validateGrant(grant({ meta: { s: 'x', n: 1.5, i: -3, b: false } }) as never).meta).toEqual({ s: 'x', n: 1.5, i: -3, b: false });
  });

  it('refuses an empty grant', () => {
    expect(() => validateGrant(grant({ resources: emptySlots() }) as never)).toThrow(
      expect.objectContaining({ code: 'ERR_GRANT_INVALID', title: 'This grant contains no permissions', field: 'permissions' }),
    );
  });

  it('refuses a zero bitmask with PubNub’s detail', () => {
    expect(() => validateGrant(grant({ resources: { ...emptySlots(), uuids: { 'uuid-1': 0 } } }) as never)).toThrow(
      expect.objectContaining({
        title: 'Invalid permissions',
        field: 'resources.uuids.uuid-1',
        detail: 'Unexpected value: `resources.uuids.uuid-1` must be positive and non-zero.',
      }),
    );
  });

  it.each([
    ['write on a group', { groups: { g: 2 } }, 'resources.groups.g'],
    ['read on a uuid', { uuids: { u: 1 } }, 'resources.uuids.u'],
    ['the legacy create bit', { channels: { c: 16 } }, 'resources.channels.c'],
    ['join on a user', { users: { u: 128 } }, 'resources.users.u'],
    ['a mask over 255', { channels: { c: 256 } }, 'resources.channels.c'],
  ])('refuses %s', (_name, resources, field) => {
    expect(() => validateGrant(grant({ resources: { ...emptySlots(), ...resources } }) as never)).toThrow(
      expect.objectContaining({ code: 'ERR_GRANT_INVALID', field }),
    );
  });

  it('refuses capturing groups and bad syntax in patterns, naming the pattern', () => {
    expect(() => validateGrant(grant({ patterns: slots({ '(!<[^>]+>)+': 1 }) }) as never)).toThrow(
      expect.objectContaining({ code: 'ERR_PATTERN_INVALID', field: 'patterns.channels.(!<[^>]+>)+', message: expect.stringContaining('non-capturing') }),
    );
    expect(() => validateGrant(grant({ patterns: slots({ '!<[^>]+>++': 1 }) }) as never)).toThrow(
      expect.objectContaining({ code: 'ERR_PATTERN_INVALID', message: expect.stringContaining('Syntax error') }),
    );
  });

  it('enforces the documented caps', () => {
    const many = Object.fromEntries(Array.from({ length: LIMITS.maxEntries + 1 }, (_, index) => [`c${index}`, 1]));
    expect(() => validateGrant(grant({ resources: slots(many) }) as never)).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_EXCEEDED' }));
    expect(() => validateGrant(grant({ resources: slots({ ['x'.repeat(LIMITS.maxNameLength + 1)]: 1 }) }) as never)).toThrow(
      expect.objectContaining({ code: 'ERR_LIMIT_EXCEEDED' }),
    );
    expect(() => validateGrant(grant({ patterns: slots({ ['a'.repeat(LIMITS.maxPatternLength + 1)]: 1 }) }) as never)).toThrow(
      expect.objectContaining({ code: 'ERR_PATTERN_INVALID' }),
    );
    expect(() => validateGrant(grant({ authorizedUuid: '' }) as never)).toThrow(expect.objectContaining({ field: 'authorizedUuid' }));
  });
});

describe('REST bodies', () => {
  const withInput = bodies.bodies.filter((body) => 'sdk_input' in body && body.id.startsWith('js-'));

  it('serializes exactly the body the JS SDK sends', () => {
    const body = grantToRequestBody(normalizeGrant({ ttl: 15, channels: [Channel.id('ch1').read()] }));
    expect(body).toBe(
      '{"ttl":15,"permissions":{"resources":{"channels":{"ch1":1},"groups":{},"uuids":{},"users":{},"spaces":{}},"patterns":{"channels":{},"groups":{},"uuids":{},"users":{},"spaces":{}},"meta":{}}}',
    );
    const bound = grantToRequestBody(normalizeGrant({ ttl: 15, authorizedUuid: 'client-1', channels: [Channel.id('ch1').read()] }));
    expect(bound).toContain('"permissions":{"uuid":"client-1","resources"');
  });

  it('reads every SDK body in the shared vectors, rejecting exactly the invalid ones, and round-trips JS ones', () => {
    const rejected: Record<string, string> = {};
    for (const vector of bodies.bodies) {
      try {
        const grant = grantFromRequestBody(JSON.parse(vector.exact_body));
        if (vector.id.startsWith('js-') || vector.id.startsWith('sdk-capture-js')) {
          expect(grantToRequestBody(grant), vector.id).toBe(vector.exact_body);
        }
      } catch (error) {
        rejected[vector.id] = `${(error as { code: string }).code}: ${(error as { title?: string }).title}`;
      }
    }
    // PubNub's server accepts these; we enforce what PubNub documents (valid permissions per type, scalar meta).
    expect(rejected).toEqual({
      'js-vsp-translation': 'ERR_GRANT_INVALID: Invalid permissions', // read bit on a uuid
      'sdk-capture-js-12.0.3-grant_error_400': 'ERR_GRANT_INVALID: Invalid ttl', // ttl 43201, rejected by PubNub too
      'python-live-grant_token_large_metadata-0': 'ERR_GRANT_INVALID: Invalid meta', // nested meta
    });
    expect(withInput.length).toBeGreaterThan(0);
  });

  it('keeps spaces and users in their own slots, as PubNub’s server does', () => {
    const grant = grantFromRequestBody({ ttl: 5, permissions: { resources: { spaces: { s: 1 }, users: { u: 32 } }, patterns: {}, meta: {} } });
    expect(grant.resources.spaces).toEqual({ s: 1 });
    expect(grant.resources.users).toEqual({ u: 32 });
    expect(grant.resources.channels).toEqual({});
  });

  it('accepts a numeric-string ttl like PubNub, and rejects other strings', () => {
    expect(grantFromRequestBody({ ttl: '15', permissions: { resources: { channels: { a: 1 } } } }).ttl).toBe(15);
    expect(() => grantFromRequestBody({ ttl: '15m', permissions: { resources: { channels: { a: 1 } } } })).toThrow(
      expect.objectContaining({ field: 'ttl' }),
    );
  });

  it.each([null, [], 'x', 5])('refuses a body of %s', (body) => {
    expect(() => grantFromRequestBody(body)).toThrow(expect.objectContaining({ code: 'ERR_REQUEST_INVALID' }));
  });

  it('refuses missing permissions and a non-string uuid', () => {
    expect(() => grantFromRequestBody({ ttl: 5 })).toThrow(expect.objectContaining({ field: 'permissions' }));
    expect(() => grantFromRequestBody({ ttl: 5, permissions: { uuid: 5, resources: { channels: { a: 1 } } } })).toThrow(
      expect.objectContaining({ field: 'permissions.uuid' }),
    );
  });
});

describe('lintGrant', () => {
  it('flags regex-looking literals and unanchored patterns, and nothing else', () => {
    const warnings = lintGrant(normalizeGrant({
      ttl: 5,
      channels: [Channel.id('2136.*').read(), Channel.id('plain-name').read(), Channel.pattern('room-').read(), Channel.pattern('^ok-[0-9]+$').read()],
    }));
    expect(warnings.map((warning) => [warning.code, warning.field])).toEqual([
      ['literal-looks-like-pattern', 'resources.channels.2136.*'],
      ['pattern-unanchored', 'patterns.channels.room-'],
    ]);
  });

  it('is quiet for a clean grant', () => {
    expect(lintGrant(normalizeGrant(base))).toEqual([]);
  });
});
