import { createHmac } from 'node:crypto';
import {
  authorize, Channel, Group, GET, JOIN, mintToken, UUID, decodeToken,
  type Permission, type ResourceRef, type SyncHmacKey, type TokenPayload,
} from '@grantkit/core';
import { describe, expect, it } from 'vitest';
import { checkPermission } from './check-permission.js';

const key: SyncHmacKey = { sign: (data) => createHmac('sha256', 'unit').update(data).digest(), verify: () => true };
const T0 = 1_700_000_000;

const token = mintToken({
  ttl: 60,
  authorizedUuid: 'alice',
  channels: [Channel.id('room-1').read().write(), Channel.id('lobby').read(), Channel.pattern('^public-[a-z]+$').read()],
  groups: [Group.id('cg-1').read()],
  uuids: [UUID.id('alice').get().update()],
}, key, { timestamp: T0 });
const minted = decodeToken(token);
// grantkit (like the SDK) writes space and user grants into the channel and uuid slots; other issuers may fill the
// spc/usr slots themselves, so the aliases are checked on a payload that has them.
const payload: TokenPayload = {
  ...minted,
  resources: { ...minted.resources, spaces: { 'space-1': JOIN } },
  patterns: { ...minted.patterns, users: { '^bot-.*$': GET } },
};

describe('checkPermission', () => {
  it.each<[ResourceRef, Permission, string]>([
    [{ channel: 'room-1' }, 'write', 'granted'],
    [{ channel: 'lobby' }, 'write', 'permission-missing'],
    [{ channel: 'public-news' }, 'read', 'granted'],
    [{ channel: 'public-news' }, 'write', 'permission-missing'],
    [{ channel: 'public-NEWS' }, 'read', 'no-grant'],
    [{ channel: 'elsewhere' }, 'read', 'no-grant'],
    [{ space: 'room-1' }, 'read', 'granted'],
    [{ channel: 'space-1' }, 'join', 'granted'],
    [{ group: 'cg-1' }, 'read', 'granted'],
    [{ group: 'cg-1' }, 'manage', 'permission-missing'],
    [{ uuid: 'alice' }, 'update', 'granted'],
    [{ user: 'bot-7' }, 'get', 'granted'],
    [{ uuid: 'bot-7' }, 'get', 'granted'],
    [{ uuid: 'bot-7' }, 'delete', 'permission-missing'],
    [{ channel: '__proto__' }, 'read', 'no-grant'],
    [{ nonsense: 'x' } as unknown as ResourceRef, 'read', 'no-grant'],
    [{ channel: 'room-1' }, 'fly' as Permission, 'no-grant'],
    [{ channel: 'room-1' }, 'toString' as Permission, 'no-grant'],
    [{ constructor: 'x' } as unknown as ResourceRef, 'read', 'no-grant'],
    [{ hasOwnProperty: 'room-1' } as unknown as ResourceRef, 'read', 'no-grant'],
  ])('%o %s → %s, exactly as core authorize decides', (resource, permission, reason) => {
    const request = { uuid: 'alice', resource, permission, now: T0 + 10 };
    const hint = checkPermission(payload, resource, permission, { uuid: 'alice', now: T0 + 10 });
    expect(hint.reason).toBe(reason);
    expect(hint).toEqual(authorize(payload, request));
  });

  it('accepts the token text as well as a decoded payload', () => {
    expect(checkPermission(token, { channel: 'room-1' }, 'write', { now: T0 })).toEqual(
      checkPermission(minted, { channel: 'room-1' }, 'write', { now: T0 }),
    );
    expect(checkPermission(token, { channel: 'room-1' }, 'write', { now: T0 }).allowed).toBe(true);
  });

  it('checks expiry, issue time and the uuid binding first, with core reasons and messages', () => {
    for (const [now, uuid] of [[T0 + 3600, 'alice'], [T0 - 61, 'alice'], [T0, 'bob']] as const) {
      const hint = checkPermission(payload, { channel: 'room-1' }, 'read', { uuid, now });
      expect(hint).toEqual(authorize(payload, { uuid, resource: { channel: 'room-1' }, permission: 'read', now }));
    }
    expect(checkPermission(payload, { channel: 'room-1' }, 'read', { now: T0 + 3600 }).reason).toBe('expired');
    expect(checkPermission(payload, { channel: 'room-1' }, 'read', { now: T0 - 61 }).reason).toBe('not-yet-valid');
    expect(checkPermission(payload, { channel: 'room-1' }, 'read', { uuid: 'bob', now: T0 }).reason).toBe('uuid-mismatch');
  });

  it('skips the uuid binding when the caller does not know its uuid (a hint, unlike the server)', () => {
    expect(checkPermission(payload, { channel: 'room-1' }, 'read', { now: T0 }).allowed).toBe(true);
  });

  it('lets an invalid or overlong pattern grant nothing, and caches compiled patterns per token', () => {
    const foreign: TokenPayload = {
      ...payload,
      resources: { channels: {}, groups: {}, uuids: {}, spaces: {}, users: {} },
      patterns: {
        channels: { '([unclosed': 1, [`^${'a'.repeat(300)}$`]: 1, '^ok-.*$': 2 },
        groups: {}, uuids: {}, spaces: {}, users: {},
      },
    };
    expect(checkPermission(foreign, { channel: '([unclosed' }, 'read', { now: T0 }).reason).toBe('no-grant');
    expect(checkPermission(foreign, { channel: 'a'.repeat(300) }, 'read', { now: T0 }).reason).toBe('no-grant');
    expect(checkPermission(foreign, { channel: 'ok-1' }, 'write', { now: T0 })).toMatchObject({
      allowed: true, match: { source: 'patterns', type: 'channels', key: '^ok-.*$', mask: 2 },
    });
    // A second check reuses the compiled RegExp instead of building one.
    const original = globalThis.RegExp;
    let constructed = 0;
    globalThis.RegExp = new Proxy(original, { construct: (target, args) => (constructed++, new target(...args as [string])) });
    try {
      expect(checkPermission(foreign, { channel: 'ok-2' }, 'write', { now: T0 }).allowed).toBe(true);
    } finally {
      globalThis.RegExp = original;
    }
    expect(constructed).toBe(0);
  });

  it('refuses a secret key given as the token', () => {
    expect(() => checkPermission('sec-c-abc', { channel: 'a' }, 'read')).toThrow(expect.objectContaining({ code: 'ERR_KEY_INVALID' }));
  });
});
