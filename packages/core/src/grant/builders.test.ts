import { describe, expect, it } from 'vitest';
import { ALLOWED_MASKS, ALLOWED_PERMISSIONS, decodePermissions, encodePermissions, permissionNames } from '../permissions.js';
import { Channel, Group, Space, User, UUID } from './builders.js';

describe('builders', () => {
  it('build the PubNub bitmasks', () => {
    expect(Channel.id('a').read().write().get().manage().update().join().delete().mask).toBe(ALLOWED_MASKS.channels);
    expect(Group.id('g').read().manage().mask).toBe(5);
    expect(UUID.id('u').get().update().delete().mask).toBe(104);
    expect(Space.pattern('^s$').join().mask).toBe(128);
    expect(User.id('u').get().mask).toBe(32);
  });

  it('are immutable: each call returns a new frozen value', () => {
    const base = Channel.id('a');
    const read = base.read();
    expect(base.mask).toBe(0);
    expect(read.mask).toBe(1);
    expect(read).not.toBe(base);
    expect(Object.isFrozen(read)).toBe(true);
    expect(read).toBeInstanceOf(base.constructor);
  });

  it('carry type, match kind and name', () => {
    expect(Channel.pattern('^r$').read()).toMatchObject({ type: 'channels', match: 'pattern', name: '^r$' });
    expect(UUID.id('x')).toMatchObject({ type: 'uuids', match: 'resource', name: 'x' });
  });
});

describe('permission bits', () => {
  it('ALLOWED_MASKS is exactly ALLOWED_PERMISSIONS as bits', () => {
    for (const [type, permissions] of Object.entries(ALLOWED_PERMISSIONS)) {
      expect(ALLOWED_MASKS[type as keyof typeof ALLOWED_MASKS], type).toBe(encodePermissions(Object.fromEntries(permissions.map((name) => [name, true]))));
    }
  });

  it('round-trip through flags in the SDK key order', () => {
    for (let mask = 0; mask < 256; mask++) {
      const flags = decodePermissions(mask);
      expect(Object.keys(flags)).toEqual(['read', 'write', 'manage', 'delete', 'get', 'update', 'join']);
      expect(encodePermissions(flags)).toBe(mask & ~16);
    }
  });

  it('name the legacy create bit but never encode it', () => {
    expect(permissionNames(16 | 1)).toEqual(['read', 'create']);
    expect(encodePermissions({ create: true } as never)).toBe(0);
  });
});
