import { describe, expect, it } from 'vitest';
import { LIMITS } from '../limits.js';
import { RE2JS } from 're2js';
import { PatternBudget, compilePattern, isAnchored, looksLikePattern, patternForAuthorize, splitPattern } from './patterns.js';

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

  it('bounds what patterns cost together, charging a matcher shared by several patterns once', () => {
    const within = (sources: string[]) => {
      const budget = new PatternBudget();
      return sources.every((source) => budget.charge(patternForAuthorize(source)));
    };
    const distinct = Array.from({ length: 20 }, (_, index) => `^[ab]*a[ab]{7}-${index}$`);
    expect(within(distinct)).toBe(false);
    // 1,000 patterns that differ only in their literal prefix share one matcher: within the budget.
    const rooms = Array.from({ length: 1_000 }, (_, index) => `^room-${index}-[0-9]+$`);
    expect(within(rooms)).toBe(true);
    expect(new Set(rooms.map((source) => patternForAuthorize(source).matcherKey))).toEqual(new Set(['^[0-9]+$']));
    // Each pattern still pays for being consulted: 2,000 of them exceed the budget even with one matcher each.
    expect(within([...rooms, ...rooms.map((source) => `${source.slice(0, -1)}x$`)])).toBe(false);
    const one = patternForAuthorize(rooms[0]!);
    expect(one.cost).toBe(one.consultCost + one.matcherCost);
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

  it('compiles a matcher once per source, and once for patterns that differ only in a literal prefix', () => {
    expect(compilePattern('cached-.*')).toBe(compilePattern('cached-.*'));
    // Split patterns are rebuilt around one cached matcher: equal answers and price, one matcher.
    const [one, again] = [patternForAuthorize('^cached-.*$'), patternForAuthorize('^cached-.*$')];
    expect([one.matcherKey, one.cost, one.test('cached-1')]).toEqual([again.matcherKey, again.cost, again.test('cached-1')]);
  });

  it('refuses empty and non-string sources', () => {
    expect(() => compilePattern('')).toThrow(expect.objectContaining({ code: 'ERR_PATTERN_INVALID' }));
    expect(() => compilePattern(5 as never)).toThrow(expect.objectContaining({ code: 'ERR_PATTERN_INVALID' }));
  });
});

describe('splitPattern', () => {
  it.each([
    ['^user-42-.*$', 'user-42-', '^.*$'],
    ['^room-[0-9]+$', 'room-', '^[0-9]+$'],
    ['^room-1+$', 'room-', '^1+$'], // the quantifier applies to the last literal alone
    ['^a\\.b{2}', 'a.', '^b{2}'],
    ['^a\\-b\\.', 'a-b.', '^'],
    ['^😀x*', '😀', '^x*'],
    ['^😀*', undefined, undefined],
    ['^ab[^/]+$', 'ab', '^[^/]+$'],
    ['^ab(?i)c', 'ab', '^(?i)c'],
  ])('splits %s into %s and %s', (source, prefix, rest) => {
    expect(splitPattern(source)).toEqual(prefix === undefined ? undefined : { prefix, rest });
  });

  it.each([
    'room-.*', // unanchored: found anywhere
    '^.*$', // no literal prefix
    '^abc|def', // the alternation reaches back over the prefix
    '^ab(?:c|d)', // any | keeps the whole pattern (kept simple)
    '^ab\\bc', '^ab\\Bc', '^ab^c', '^ab\\Ac', // look at the character before the rest
    '^ab[a^]', // a ^ not right after [ (kept simple)
    '^ab\\Q.*\\E', // quoting
    '^\\d+', '^\\x41', // escapes that are not punctuation
  ])('keeps %s whole', (source) => {
    expect(splitPattern(source)).toBeUndefined();
  });

  it('shares one matcher between patterns that differ only in their literal prefix', () => {
    const one = patternForAuthorize('^user-000001-[a-z]+$');
    const two = patternForAuthorize('^user-000002-[a-z]+$');
    expect(one.matcherKey).toBe(two.matcherKey);
    expect([one.test('user-000001-inbox'), one.test('user-000002-inbox'), two.test('user-000002-inbox'), one.test('user-000001-')]).toEqual([true, false, true, false]);
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
