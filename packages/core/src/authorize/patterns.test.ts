import { describe, expect, it } from 'vitest';
import { LIMITS } from '../limits.js';
import { compilePattern, isAnchored, looksLikePattern } from './patterns.js';

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
