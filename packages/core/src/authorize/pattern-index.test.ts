import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authorize } from './authorize.js';
import { createAuthorizer, type AuthorizationRequest } from './decision.js';
import { GenerationCache, splitPattern } from './pattern-index.js';
import { compilePattern } from './patterns.js';
import { emptySlots } from '../slots.js';
import type { TokenPayload } from '../token/reader.js';

// The plain scan over the same RE2 engine: the oracle the indexed, split lookup must agree with.
const scan = createAuthorizer(compilePattern);
const NOW = 1_700_000_000;
const token = (patterns: Record<string, number>): TokenPayload => ({
  version: 2, timestamp: NOW, ttl: 10, resources: emptySlots(),
  patterns: { ...emptySlots(), channels: Object.assign(Object.create(null), patterns) }, meta: {}, signature: new Uint8Array(32),
});
const ask = (name: string, permission: AuthorizationRequest['permission'] = 'read'): AuthorizationRequest => ({ resource: { channel: name }, permission, now: NOW });

const literal = fc.constantFrom('a', 'b', 'user', '-', '_', '42', '\\.', '\\-', '/', ':', 'é', '.', ' ');
const tail = fc.constantFrom('', '.*', '.*$', '.+', '$', '[a-z]+$', '[0-9]*', '[^-]+$', '(?:a|b)', '\\b', 'x*', '|y', '^', '\\d+$', 'b?', '\\w{2}', '(?:-.*)?$', '\\z', '(?s).*', '(?m)$', '\\Aa', '[]a]');
const pattern = fc.tuple(fc.boolean(), fc.array(literal, { maxLength: 4 }), tail)
  .map(([anchored, parts, rest]) => `${anchored ? '^' : ''}${parts.join('')}${rest}`)
  .filter((source) => {
    try {
      compilePattern(source);
      return true;
    } catch {
      return false;
    }
  });
const name = fc.array(fc.constantFrom('a', 'b', 'user', '-', '_', '42', '.', 'x', 'y', '\n', 'é', '/', ':', ' ', '9'), { maxLength: 6 }).map((parts) => parts.join(''));

describe('indexed pattern lookup', () => {
  it('decides exactly as a scan of every pattern does, for one pattern and for indexed slots of many', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(pattern, fc.constantFrom(1, 2, 3)), { minLength: 1, maxLength: 24, selector: ([source]) => source }), fc.array(name, { minLength: 1, maxLength: 8 }), (entries, names) => {
        const payload = token(Object.fromEntries(entries));
        for (const candidate of names) {
          for (const permission of ['read', 'write'] as const) {
            expect(authorize(payload, ask(candidate, permission))).toEqual(scan(payload, ask(candidate, permission)));
          }
        }
      }),
      { numRuns: 200 },
    );
  }, 60_000);

  it('splits anchored patterns at their literal prefix, and leaves alone what cannot be split', () => {
    expect(splitPattern('^user-42-.*$')).toEqual({ prefix: 'user-42-', rest: '.*$' });
    expect(splitPattern('^room\\.1[0-9]+$')).toEqual({ prefix: 'room.1', rest: '[0-9]+$' });
    expect(splitPattern('^abc*')).toEqual({ prefix: 'ab', rest: 'c*' });
    expect(splitPattern('^exact$')).toEqual({ prefix: 'exact', rest: '$' });
    for (const whole of ['room-.*', '^a|b', '^a\\bc', '^a(?:^b)', '^(?i)abc', '^\\d+', '^a\\1', '^ab(?:c|d)|e']) {
      expect(splitPattern(whole).prefix, whole).toBeUndefined();
    }
  });

  it('grants on 1,000 patterns as on one, and on per-user patterns past every cache size', () => {
    const many: Record<string, number> = {};
    for (let index = 0; index < 1_000; index++) many[`^room-${index}-[0-9]+$`] = index === 999 ? 3 : 1;
    const payload = token(many);
    expect(authorize(payload, ask('room-999-7', 'write'))).toMatchObject({ allowed: true, match: { key: '^room-999-[0-9]+$' } });
    expect(authorize(payload, ask('room-5-7', 'write'))).toMatchObject({ allowed: false, reason: 'permission-missing', match: { key: '^room-5-[0-9]+$' } });
    expect(authorize(payload, ask('room-1000-7'))).toMatchObject({ allowed: false, reason: 'no-grant' });
    for (let user = 0; user < 5_000; user++) {
      expect(authorize(token({ [`^user-${user}-.*$`]: 1 }), ask(`user-${user}-inbox`)).allowed).toBe(true);
      expect(authorize(token({ [`^user-${user}-.*$`]: 1 }), ask(`user-${user + 1}-inbox`)).allowed).toBe(false);
    }
  }, 60_000);
});

describe('GenerationCache', () => {
  it('keeps what is in use past its size, forgets the least recently used half, never all at once', () => {
    const cache = new GenerationCache<number>(4);
    for (let index = 0; index < 4; index++) cache.set(`k${index}`, index);
    // A full generation moved to the old half: all still answer.
    expect([0, 1, 2, 3].map((index) => cache.get(`k${index}`))).toEqual([0, 1, 2, 3]);
    for (let index = 4; index < 8; index++) cache.set(`k${index}`, index);
    // k0..k3 were promoted when read, so they survived; the cache never emptied.
    expect(cache.get('k7')).toBe(7);
    expect([0, 1, 2, 3, 4, 5, 6, 7].filter((index) => cache.get(`k${index}`) !== undefined).length).toBeGreaterThanOrEqual(4);
  });
});
