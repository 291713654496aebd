import { describe, expect, it } from 'vitest';
import { authorize } from './authorize.js';
import { createAuthorizer, type AuthorizationRequest } from './decision.js';
import { compilePattern } from './patterns.js';
import { emptySlots } from '../slots.js';
import type { TokenPayload } from '../token/reader.js';

const NOW = 1_700_000_000;
function token(overrides: Partial<TokenPayload> = {}): TokenPayload {
  return {
    version: 2,
    timestamp: NOW - 60,
    ttl: 10,
    resources: { ...emptySlots(), channels: { 'room-1': 1, exact: 3 }, groups: { cg: 5 }, uuids: { bob: 32 }, spaces: { sp: 2 } },
    patterns: { ...emptySlots(), channels: { '^room-[0-9]+$': 3, 'lobby': 1 }, users: { '^u-.*$': 64 } },
    meta: {},
    signature: new Uint8Array(32),
    ...overrides,
  };
}
const request = (overrides: Partial<AuthorizationRequest> = {}): AuthorizationRequest => ({
  resource: { channel: 'exact' }, permission: 'write', now: NOW, ...overrides,
});

describe('authorize', () => {
  it('allows an exact-name grant and reports the entry', () => {
    expect(authorize(token(), request())).toEqual({
      allowed: true, reason: 'granted', message: "'write' on channel 'exact' granted",
      match: { source: 'resources', type: 'channels', key: 'exact', mask: 3 },
    });
  });

  it('adds pattern permissions to exact ones (grants are additive)', () => {
    // room-1 is granted read by name and read+write by pattern.
    expect(authorize(token(), request({ resource: { channel: 'room-1' } }))).toMatchObject({
      allowed: true, match: { source: 'patterns', key: '^room-[0-9]+$' },
    });
  });

  it('searches patterns unanchored unless anchored', () => {
    expect(authorize(token(), request({ resource: { channel: 'the-lobby-2' }, permission: 'read' })).allowed).toBe(true);
    expect(authorize(token(), request({ resource: { channel: 'xroom-1' }, permission: 'read' })).reason).toBe('no-grant');
  });

  it('says permission-missing, with the entry that matched, when the resource is granted other permissions', () => {
    expect(authorize(token(), request({ resource: { channel: 'lobby' } }))).toMatchObject({
      allowed: false, reason: 'permission-missing', match: { source: 'patterns', key: 'lobby', mask: 1 },
    });
  });

  it('says no-grant when nothing matches', () => {
    expect(authorize(token(), request({ resource: { channel: 'elsewhere' } }))).toMatchObject({ allowed: false, reason: 'no-grant' });
  });

  it('treats space/channel and user/uuid as aliases, checking both slots', () => {
    expect(authorize(token(), request({ resource: { space: 'exact' } })).allowed).toBe(true);
    expect(authorize(token(), request({ resource: { channel: 'sp' } })).allowed).toBe(true);
    expect(authorize(token(), request({ resource: { uuid: 'u-1' }, permission: 'update' })).allowed).toBe(true);
    expect(authorize(token(), request({ resource: { user: 'bob' }, permission: 'get' })).allowed).toBe(true);
    expect(authorize(token(), request({ resource: { group: 'cg' }, permission: 'manage' })).allowed).toBe(true);
    expect(authorize(token(), request({ resource: { group: 'exact' } })).reason).toBe('no-grant');
  });

  it('checks revocation, expiry, issue time and the bound uuid before grants, in that order', () => {
    const bound = token({ authorizedUuid: 'alice' });
    expect(authorize(bound, request({ uuid: 'alice', revoked: true, now: NOW + 10_000 })).reason).toBe('revoked');
    expect(authorize(bound, request({ uuid: 'alice', now: NOW - 60 + 600 })).reason).toBe('expired');
    expect(authorize(bound, request({ uuid: 'alice', now: NOW - 60 + 599 })).allowed).toBe(true);
    expect(authorize(bound, request({ uuid: 'alice', now: NOW - 200 })).reason).toBe('not-yet-valid');
    expect(authorize(bound, request({ uuid: 'alice', now: NOW - 200, clockSkew: 300 })).allowed).toBe(true);
    expect(authorize(bound, request({ uuid: 'mallory' })).reason).toBe('uuid-mismatch');
    expect(authorize(bound, request()).reason).toBe('uuid-mismatch');
  });

  it('denies unknown resources and permissions instead of throwing', () => {
    expect(authorize(token(), request({ resource: { table: 'x' } as never })).allowed).toBe(false);
    expect(authorize(token(), request({ permission: 'fly' as never })).allowed).toBe(false);
  });

  it('grants nothing through a pattern it cannot compile (foreign issuer), and still answers', () => {
    const foreign = token({ patterns: { ...emptySlots(), channels: { '(capture)': 255 } } });
    expect(authorize(foreign, request({ resource: { channel: 'capture' } })).reason).toBe('no-grant');
  });

  it('does not treat inherited properties as grants, resource kinds or permissions', () => {
    expect(authorize(token(), request({ resource: { channel: 'toString' } })).reason).toBe('no-grant');
    expect(authorize(token(), request({ resource: { channel: '__proto__' } })).reason).toBe('no-grant');
    expect(authorize(token(), request({ resource: { toString: 'x' } as never })).reason).toBe('no-grant');
    expect(authorize(token(), request({ permission: 'constructor' as never })).allowed).toBe(false);
  });

  it('takes its pattern engine as a parameter, compiling each source once, lazily, across tokens', () => {
    const compiled: string[] = [];
    const check = createAuthorizer((source) => {
      compiled.push(source);
      const regex = new RegExp(source);
      return { source, test: (name) => regex.test(name) };
    });
    expect(check(token(), request({ resource: { channel: 'room-9' } })).allowed).toBe(true);
    // A fresh token object (as every verify returns) reuses the compiled patterns.
    expect(check(token(), request({ resource: { channel: 'room-8' } })).allowed).toBe(true);
    expect(check(token(), request({ resource: { channel: 'x' } })).allowed).toBe(false);
    // Only channel patterns were needed; the users pattern was never compiled.
    expect(compiled.sort()).toEqual(['^room-[0-9]+$', 'lobby']);
  });

  it('bounds what a token\'s patterns cost: refused ones grant nothing, and the rest past the budget are not consulted', () => {
    // The attack of issue 14: one token carrying 50 patterns whose matchers explode, asked about a 10 kB name.
    const channels: Record<string, number> = {};
    for (let index = 0; index < 50; index++) channels[`^[ab]*a[ab]{20}$|^x${index}$`] = 1;
    channels['^ab.*$'] = 1; // would grant 'ab…', but sits past the budget the refused ones used up
    const hostile = token({ resources: emptySlots(), patterns: { ...emptySlots(), channels } });
    expect(authorize(hostile, request({ resource: { channel: `ab${'ab'.repeat(100)}` }, permission: 'read' }))).toMatchObject({
      allowed: false, reason: 'no-grant', message: expect.stringMatching(/within the pattern budget/),
    });
    expect(authorize(hostile, request({ resource: { channel: 'ab'.repeat(5_000) }, permission: 'read' }))).toMatchObject({
      allowed: false, reason: 'no-grant', message: expect.stringMatching(/longer than 256/),
    });
    // The same budget for a cheap pattern that comes first: it is consulted and grants.
    const first = token({ resources: emptySlots(), patterns: { ...emptySlots(), channels: { '^ab.*$': 1, ...channels } } });
    expect(authorize(first, request({ resource: { channel: 'abab' }, permission: 'read' })).allowed).toBe(true);
  });

  it('grants nothing on a name longer than any grant can hold', () => {
    const long = 'r'.repeat(257);
    const wide = token({ patterns: { ...emptySlots(), channels: { '^r+$': 1 } } });
    expect(authorize(wide, request({ resource: { channel: long }, permission: 'read' })).reason).toBe('no-grant');
    expect(authorize(wide, request({ resource: { channel: long.slice(1) }, permission: 'read' })).allowed).toBe(true);
  });
});

describe('authorize with a token of many patterns', () => {
  const many = (count: number, extra: Record<string, number> = {}) => {
    const channels: Record<string, number> = {};
    for (let index = 0; index < count; index++) channels[`^room-${index}-[0-9]+$`] = index === count - 1 ? 3 : 1;
    return token({ resources: emptySlots(), patterns: { ...emptySlots(), channels: { ...channels, ...extra } } });
  };

  it('grants from the one pattern whose prefix a name starts with, among 1,000', () => {
    const thousand = many(1_000);
    expect(authorize(thousand, request({ resource: { channel: 'room-999-7' } }))).toMatchObject({
      allowed: true, match: { source: 'patterns', type: 'channels', key: '^room-999-[0-9]+$', mask: 3 },
    });
    expect(authorize(thousand, request({ resource: { channel: 'room-12-7' } }))).toMatchObject({
      allowed: false, reason: 'permission-missing', match: { key: '^room-12-[0-9]+$', mask: 1 },
    });
    expect(authorize(thousand, request({ resource: { channel: 'room-12-x' }, permission: 'read' })).reason).toBe('no-grant');
  });

  it('does not consult patterns whose literal prefix the name lacks, so they spend none of the budget', () => {
    // 20 patterns that each cost about a fifth of the budget (refused: their distinct matchers explode), behind a prefix.
    const costly: Record<string, number> = {};
    for (let index = 0; index < 20; index++) costly[`^zz-[ab]*a[ab]{20}${index}$`] = 1;
    const mixed = token({ resources: emptySlots(), patterns: { ...emptySlots(), channels: { ...costly, '^room-.*$': 1 } } });
    expect(authorize(mixed, request({ resource: { channel: 'room-1' }, permission: 'read' })).allowed).toBe(true);
    // Asked about a name they could match, they are consulted in order and use the budget up first.
    expect(authorize(mixed, request({ resource: { channel: 'zz-ab' }, permission: 'read' }))).toMatchObject({
      allowed: false, message: expect.stringMatching(/within the pattern budget/),
    });
  });

  it('answers for what a payload holds now: a caller-built payload changed between calls is walked afresh', () => {
    for (const count of [1, 20]) {
      const channels: Record<string, number> = {};
      for (let index = 0; index < count; index++) channels[`^room-${index}-.*$`] = 1;
      const payload = token({ resources: emptySlots(), patterns: { ...emptySlots(), channels } });
      const ask = request({ resource: { channel: `room-${count - 1}-x` }, permission: 'read' });
      expect(authorize(payload, ask).allowed).toBe(true);
      delete channels[`^room-${count - 1}-.*$`];
      channels[`^room-${count - 1}-y$`] = 1;
      expect(authorize(payload, ask).allowed).toBe(false);
      expect(authorize(payload, request({ resource: { channel: `room-${count - 1}-y` }, permission: 'read' })).allowed).toBe(true);
    }
  });

  it('answers as the scan over every pattern in order does, on random tokens and names', () => {
    // A seeded generator (xorshift), so a failure replays.
    let seed = 0x13_13;
    const below = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const pick = <T>(items: readonly T[]): T => items[below(items.length)]!;
    const PREFIXES = ['room-', 'room-1', 'room-1-', 'r', 'lobby', 'a.b', 'é', ''];
    const RESTS = ['.*$', '[0-9]+$', '', '$', 'x', '(?:a|b)+', '\\d{1,3}$', '[^-]*', '.*-admin$'];
    const NAMES = ['room-1', 'room-1-2', 'room-12', 'room-1-admin', 'r', 'lobby', 'lobby-9', 'a.b', 'aXb', 'é1', 'xroom-1', '', 'room-'];
    const scan = createAuthorizer(compilePattern);
    for (let run = 0; run < 300; run++) {
      const channels: Record<string, number> = {};
      const spaces: Record<string, number> = {};
      for (let count = below(24); count > 0; count--) {
        const prefix = pick(PREFIXES).replace('.', '\\.');
        const source = `${below(4) === 0 ? '' : '^'}${prefix}${pick(RESTS)}`;
        (below(3) === 0 ? spaces : channels)[source === '' || source === '^' ? '^x' : source] = 1 + below(3);
      }
      const payload = token({ resources: emptySlots(), patterns: { ...emptySlots(), channels, spaces } });
      for (const name of NAMES) {
        for (const permission of ['read', 'write'] as const) {
          for (const resource of [{ channel: name }, { space: name }]) {
            const ask = request({ resource, permission });
            expect([channels, spaces, resource, permission, authorize(payload, ask)]).toEqual([channels, spaces, resource, permission, scan(payload, ask)]);
          }
        }
      }
    }
  });
});

describe('a Promise where a token is expected', () => {
  it('throws a typed error that says to await, from authorize, tokenExpiresAt and tokenId', async () => {
    const { tokenExpiresAt, tokenId } = await import('../token/reader.js');
    const pending = Promise.resolve({}) as unknown as TokenPayload;
    const request: AuthorizationRequest = { resource: { channel: 'a' }, permission: 'read' };
    for (const call of [() => authorize(pending, request), () => tokenExpiresAt(pending), () => tokenId(pending)]) {
      expect(call).toThrow(expect.objectContaining({ code: 'ERR_REQUEST_INVALID', field: 'token' }));
      expect(call).toThrow(/was given a Promise, not a token: await verifyToken/);
    }
    expect(() => authorize(undefined as unknown as TokenPayload, request)).toThrow(expect.objectContaining({ code: 'ERR_REQUEST_INVALID' }));
  });
});
