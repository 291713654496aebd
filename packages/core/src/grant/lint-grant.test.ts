import { describe, expect, it } from 'vitest';
import { lintGrant } from './lint-grant.js';
import { normalizeGrant } from './grant-input.js';
import { Channel } from './builders.js';

const base = { ttl: 15, channels: [Channel.id('a').read()] };

describe('lintGrant', () => {
  it('flags regex-looking literals and unanchored patterns, and nothing else', () => {
    const warnings = lintGrant(normalizeGrant({
      ttl: 5,
      channels: [Channel.id('2136.*').read(), Channel.id('plain-name').read(), Channel.pattern('room-').read(), Channel.pattern('^ok-[0-9]+$').read()],
    }));
    expect(warnings.map((warning) => [warning.code, warning.field])).toEqual([
      ['literal-looks-like-pattern', 'permissions.resources.channels.2136.*'],
      ['pattern-unanchored', 'permissions.patterns.channels.room-'],
    ]);
  });

  it('warns, in pubnub mode, about everything strict mode would refuse', () => {
    const warnings = lintGrant(normalizeGrant({
      ttl: 5,
      resources: { groups: { g: { write: true } }, channels: { ['x'.repeat(300)]: { read: true } } },
      meta: { app: { version: '1.0.0' }, none: null },
    }));
    expect(warnings.map((warning) => [warning.code, warning.field])).toEqual([
      ['name-too-long', `permissions.resources.channels.${'x'.repeat(300)}`],
      ['permission-not-for-type', 'permissions.resources.groups.g'],
      ['meta-not-scalar', 'permissions.meta.app'],
      ['meta-not-scalar', 'permissions.meta.none'],
    ]);
    expect(warnings[1]!.message).toBe("strict validation refuses this: Invalid permissions (permissions.resources.groups.g): groups cannot be granted 'write'; allowed: read, manage");
  });

  it('is quiet for a clean grant', () => {
    expect(lintGrant(normalizeGrant(base))).toEqual([]);
  });
});
