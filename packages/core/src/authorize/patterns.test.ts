import { describe, expect, it } from 'vitest';
import { LIMITS } from '../limits.js';
import { RE2JS } from 're2js';
import { checkPatternBudget, compilePattern, isAnchored, looksLikePattern, patternForAuthorize } from './patterns.js';
import { emptySlots } from '../slots.js';

// Patterns whose matcher needs exponentially many states (the attack of issue 14: 31 characters, 2^21 states).
const EXPLODING = [
  '^[ab]*a[ab]{20}$', 'a[ab]{20}', '(?:a|b)*a(?:a|b){18}$', '.*a.{20}', '^(?:.*x){1}.{19}y', '[0-9a-f]*0[0-9a-f]{16}', '(?s).*\\n.{24}',
];

describe('compilePattern', () => {
  it('searches unanchored unless the pattern anchors itself', () => {
    expect(compilePattern('room-').test('lobby-room-1')).toBe(true);
    expect(compilePattern('^room-').test('lobby-room-1')).toBe(false);
    expect(compilePattern('^room-[0-9]+$').test('room-12')).toBe(true);
    expect(compilePattern('^room-[0-9]+$').test('room-12x')).toBe(false);
  });

  it('allows non-capturing groups and refuses capturing and named groups', () => {
    expect(compilePattern('^(?:a|b)-.*$').test('a-1')).toBe(true);
    expect(() => compilePattern('(a)')).toThrow(expect.objectContaining({ code: 'ERR_PATTERN_INVALID' }));
    expect(() => compilePattern('(?P<name>a)')).toThrow(expect.objectContaining({ code: 'ERR_PATTERN_INVALID' }));
  });

  it('refuses backreferences and lookarounds (not RE2), with the cause attached', () => {
    for (const source of ['(?:a)\\1', 'a(?=b)', '(?<=a)b']) {
      expect(() => compilePattern(source)).toThrow(expect.objectContaining({ code: 'ERR_PATTERN_INVALID', cause: expect.anything() }));
    }
  });

  it('refuses patterns whose matcher would need too many states, naming the field', () => {
    for (const source of EXPLODING) {
      expect(() => compilePattern(source, 'patterns.channels.x')).toThrow(expect.objectContaining({
        code: 'ERR_PATTERN_INVALID', field: 'patterns.channels.x', message: expect.stringMatching(/too costly to match/),
      }));
    }
  });

  it('builds small matchers for the patterns people write, and says what each cost', () => {
    for (const source of ['^room-[0-9]+$', '^channel-[A-Za-z0-9]$', '^user-\\S*$', '^[a-z]{1,64}$', '(?i)^Room-.*$', '\\bchat\\b', '^\\p{L}+$']) {
      const pattern = compilePattern(source);
      expect(pattern.cost).toBeGreaterThan(0);
      expect(pattern.cost).toBeLessThanOrEqual(LIMITS.maxPatternCost);
    }
    expect(compilePattern('^room-[0-9]+$').cost).toBeLessThan(3_000);
  });

  it('matches exactly as re2js searches, on names chosen to hit every assertion and class edge', () => {
    const names = ['', 'room-1', 'lobby-room-1', 'ROOM-1', 'x\ny', 'chat bot', 'chatty', 'K', '\u212a', 'é', '😀', 'a\ud800', 'Ⅻ', 'ab_c'];
    for (const source of ['room-', '^room-[0-9]+$', '(?i)k', '(?i)^room', '\\bchat\\b', '\\Bhat', '(?m)^y$', '^\\p{L}+$', '\\PL', '[😀-🙏]', '^$', '.', '(?s).', '\\n', '^a\\z']) {
      const regex = RE2JS.compile(source);
      for (const name of names) expect([source, name, compilePattern(source).test(name)]).toEqual([source, name, regex.test(name)]);
    }
  });

  it('in a token, a refused pattern grants nothing and is charged what refusing it cost', () => {
    const refused = patternForAuthorize('^[ab]*a[ab]{20}$');
    expect(refused.test('a'.repeat(21))).toBe(false);
    expect(refused.cost).toBeGreaterThan(LIMITS.maxPatternCost / 2);
    expect(patternForAuthorize('(capturing)').test('capturing')).toBe(false);
    expect(patternForAuthorize('^ok$').test('ok')).toBe(true);
  });

  it('bounds what a grant\'s patterns cost together', () => {
    const patterns = emptySlots();
    for (let index = 0; index < 20; index++) patterns.channels[`^[ab]*a[ab]{7}-${index}$`] = 1;
    expect(() => checkPatternBudget(patterns)).toThrow(expect.objectContaining({ code: 'ERR_PATTERN_INVALID', field: 'permissions.patterns' }));
    const few = emptySlots();
    for (let index = 0; index < 40; index++) few.channels[`^room-${index}-[0-9]+$`] = 1;
    expect(() => checkPatternBudget(few)).not.toThrow();
  });

  it('caps pattern length and program size', () => {
    expect(() => compilePattern('a'.repeat(LIMITS.maxPatternLength + 1))).toThrow(/longer than/);
    expect(() => compilePattern('a{1000}b{1000}')).toThrow(/too costly/);
  });

  it('runs in linear time on a classic catastrophic-backtracking input', () => {
    const pattern = compilePattern('^(?:a+)+$');
    const started = Date.now();
    expect(pattern.test(`${'a'.repeat(5_000)}!`)).toBe(false);
    // Generous: a backtracking engine would not finish at all.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('returns the same compiled object for the same source (compiled once)', () => {
    expect(compilePattern('^cached-.*$')).toBe(compilePattern('^cached-.*$'));
  });

  it('refuses empty and non-string sources', () => {
    expect(() => compilePattern('')).toThrow(expect.objectContaining({ code: 'ERR_PATTERN_INVALID' }));
    expect(() => compilePattern(5 as never)).toThrow(expect.objectContaining({ code: 'ERR_PATTERN_INVALID' }));
  });
});

describe('pattern lint helpers', () => {
  it.each([['2136.*', true], ['^room', true], ['room-1', false], ['a_b:c', false]])('looksLikePattern(%s) is %s', (name, expected) => {
    expect(looksLikePattern(name)).toBe(expected);
  });

  it.each([['^a$', true], ['^a', false], ['a$', false], ['\\Aa\\z', true], ['^a\\$', false]])('isAnchored(%s) is %s', (source, expected) => {
    expect(isAnchored(source)).toBe(expected);
  });
});
