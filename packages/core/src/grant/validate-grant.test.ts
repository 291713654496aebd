import { describe, expect, it } from 'vitest';
import { isValidatedGrant, validateGrant } from './validate-grant.js';
import { LIMITS } from '../limits.js';
import { emptySlots } from '../slots.js';

describe('validateGrant', () => {
  const slots = (channels: Record<string, number>) => ({ ...emptySlots(), channels });
  const grant = (overrides: object) => ({ ttl: 15, resources: slots({ a: 1 }), patterns: emptySlots(), meta: {}, ...overrides });

  it('names the field of a refused meta value at any depth, in arrays and objects', () => {
    const cases: Array<[object, string]> = [
      [{ a: { b: ['x', '\ud800'] } }, 'permissions.meta.a.b[1]'],
      [{ a: [{ c: Number.POSITIVE_INFINITY }] }, 'permissions.meta.a[0].c'],
      [{ a: { b: { c: () => 1 } } }, 'permissions.meta.a.b.c'],
      [{ '\udc00': 1 }, 'permissions.meta.\udc00'],
      [{ a: [[[[[[1]]]]]] }, 'permissions.meta.a[0][0][0][0][0][0]'],
    ];
    for (const [meta, field] of cases) {
      expect(() => validateGrant(grant({ meta }) as never)).toThrow(expect.objectContaining({ field }));
    }
  });

  it('marks only the grant it returns as validated: no copy, clone, proxy or look-alike carries the mark', () => {
    const valid = validateGrant(grant({}) as never);
    expect(isValidatedGrant(valid)).toBe(true);
    expect(Object.isFrozen(valid)).toBe(true);
    expect(Object.getPrototypeOf(valid)).toBe(Object.prototype);
    expect(Reflect.ownKeys(valid)).toEqual(['ttl', 'resources', 'patterns', 'meta']);
    for (const other of [{ ...valid }, Object.assign({}, valid), structuredClone(valid), new Proxy(valid, {}), Object.create(valid), grant({})]) {
      expect(isValidatedGrant(other)).toBe(false);
    }
    for (const value of [null, undefined, 1, 'grant']) expect(isValidatedGrant(value)).toBe(false);
    // A refused grant is never marked, in either mode.
    expect(() => validateGrant(grant({ meta: { nested: { a: 1 } } }) as never, { validation: 'strict' })).toThrow();
  });

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
    ['an unsafe integer', { big: 2 ** 60 }],
  ])('keeps meta holding %s in pubnub mode (PubNub stores it); strict refuses it', (_name, meta) => {
    expect(validateGrant(grant({ meta }) as never).meta).toEqual(meta);
    expect(() => validateGrant(grant({ meta }) as never, { validation: 'strict' })).toThrow(
      expect.objectContaining({ code: 'ERR_GRANT_INVALID', title: 'Invalid meta' }),
    );
  });

  it('refuses meta that is not JSON, or nested deeper than the token decoder reads, in both modes', () => {
    for (const validation of ['pubnub', 'strict'] as const) {
      expect(() => validateGrant(grant({ meta: { big: Infinity } }) as never, { validation })).toThrow(
        expect.objectContaining({ code: 'ERR_GRANT_INVALID', field: 'permissions.meta.big' }),
      );
      expect(() => validateGrant(grant({ meta: 'x' }) as never, { validation })).toThrow(expect.objectContaining({ field: 'permissions.meta' }));
    }
    let deepest: unknown = 1;
    for (let level = 0; level < LIMITS.maxMetaDepth; level++) deepest = { k: deepest };
    expect(validateGrant(grant({ meta: deepest }) as never).meta).toEqual(deepest);
    expect(() => validateGrant(grant({ meta: { k: deepest } }) as never)).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_EXCEEDED' }));
    expect(() => validateGrant(grant({ meta: { list: [1, () => 1] } }) as never)).toThrow(expect.objectContaining({ field: 'permissions.meta.list[1]' }));
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
        field: 'permissions.resources.uuids.uuid-1',
        detail: 'Unexpected value: `permissions.resources.uuids.uuid-1` must be positive and non-zero.',
      }),
    );
  });

  it.each([
    ['write on a group', { groups: { g: 2 } }, 'permissions.resources.groups.g'],
    ['read on a uuid', { uuids: { u: 1 } }, 'permissions.resources.uuids.u'],
    ['255 on a uuid', { uuids: { u: 255 } }, 'permissions.resources.uuids.u'],
    ['the legacy create bit', { channels: { c: 16 } }, 'permissions.resources.channels.c'],
    ['join on a user', { users: { u: 128 } }, 'permissions.resources.users.u'],
  ])('accepts %s in pubnub mode, as PubNub does; strict refuses it', (_name, resources, field) => {
    const slotsIn = { ...emptySlots(), ...resources };
    expect(validateGrant(grant({ resources: slotsIn }) as never).resources).toEqual(slotsIn);
    expect(() => validateGrant(grant({ resources: slotsIn }) as never, { validation: 'strict' })).toThrow(
      expect.objectContaining({ code: 'ERR_GRANT_INVALID', field }),
    );
  });

  it.each([256, -1, 1.5])('refuses a mask of %s in both modes', (mask) => {
    for (const validation of ['pubnub', 'strict'] as const) {
      expect(() => validateGrant(grant({ resources: slots({ c: mask }) }) as never, { validation })).toThrow(
        expect.objectContaining({ code: 'ERR_GRANT_INVALID', field: 'permissions.resources.channels.c' }),
      );
    }
  });

  it('refuses capturing groups and bad syntax in patterns, naming the pattern', () => {
    expect(() => validateGrant(grant({ patterns: slots({ '(!<[^>]+>)+': 1 }) }) as never)).toThrow(
      expect.objectContaining({
        code: 'ERR_PATTERN_INVALID', field: 'permissions.patterns.channels.(!<[^>]+>)+',
        message: 'Only non-capturing groups are allowed. Try replacing `(` with `(?:`.',
      }),
    );
    // PubNub's wording, pinned by its contract scenario grantWithRegExpSyntaxError.
    expect(() => validateGrant(grant({ patterns: slots({ '!<[^>]+>++': 1 }) }) as never)).toThrow(
      expect.objectContaining({ code: 'ERR_PATTERN_INVALID', message: 'Syntax error: multiple repeat.' }),
    );
    expect(() => validateGrant(grant({ patterns: slots({ '[a': 1 }) }) as never)).toThrow(
      expect.objectContaining({ code: 'ERR_PATTERN_INVALID', message: 'Syntax error: missing closing ].' }),
    );
  });

  it('enforces grantkit’s entry, name and meta caps in strict mode only (PubNub has none of them)', () => {
    const many = Object.fromEntries(Array.from({ length: LIMITS.maxEntries + 1 }, (_, index) => [`c${index}`, 1]));
    const long = 'x'.repeat(LIMITS.maxNameLength + 1);
    const bigMeta = Object.fromEntries(Array.from({ length: LIMITS.maxMetaEntries + 1 }, (_, index) => [`k${index}`, index]));
    for (const overrides of [
      { resources: slots(many) }, { resources: slots({ [long]: 1 }) }, { authorizedUuid: long }, { meta: bigMeta },
      { meta: { s: 'v'.repeat(LIMITS.maxMetaStringLength + 1) } },
    ]) {
      expect(() => validateGrant(grant(overrides) as never)).not.toThrow();
      expect(() => validateGrant(grant(overrides) as never, { validation: 'strict' })).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_EXCEEDED' }));
    }
  });

  it('keeps the pattern cost bound and non-empty names in both modes', () => {
    for (const validation of ['pubnub', 'strict'] as const) {
      expect(() => validateGrant(grant({ patterns: slots({ ['a'.repeat(LIMITS.maxPatternLength + 1)]: 1 }) }) as never, { validation })).toThrow(
        expect.objectContaining({ code: 'ERR_PATTERN_INVALID' }),
      );
      expect(() => validateGrant(grant({ authorizedUuid: '' }) as never, { validation })).toThrow(expect.objectContaining({ field: 'permissions.uuid' }));
      expect(() => validateGrant(grant({ resources: slots({ '': 1 }) }) as never, { validation })).toThrow(
        expect.objectContaining({ field: 'permissions.resources.channels.' }),
      );
    }
  });
});

