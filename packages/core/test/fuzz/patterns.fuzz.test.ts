/**
 * Fuzz target: the pattern compiler, on patterns from an RE2 grammar and from a generator of adversarial families
 * (counted repetitions after a star, overlapping alternations, big Unicode classes repeated, nested counters).
 * Properties: a typed refusal, or a matcher within the per-pattern budget that answers exactly as re2js does; and the
 * figures the budget promises: the worst compile and the worst search of a name of the largest accepted length.
 */
import { RE2JS } from 're2js';
import { expect, it } from 'vitest';
import { isGrantkitError } from '../../src/errors.js';
import { compilePattern } from '../../src/authorize/patterns.js';
import { LIMITS } from '../../src/limits.js';
import { FUZZ_RUNS, FUZZ_TIMEOUT_MS, Random, Stopwatch, fuzzLoop, report } from './support.js';

const ATOMS = ['a', 'b', 'c', 'x', '-', '_', '.', '\\.', '[a-c]', '[^a]', '[ab]', '[0-9]', '[a-z0-9_-]', '\\d', '\\w', '\\W', '\\s', '\\S',
  '\\b', '\\B', '^', '$', '\\A', '\\z', '(?m:^)', '(?m:$)', '(?i)a', '(?i:K)', '(?s:.)', '\\n', 'é', '😀', '[😀-🙏]', '\\p{Greek}', '\\pL',
  '\\PN', '[[:alpha:]]', '\\x{212A}', '\\Q.*\\E', '(?:a|bc)', '(?:)', '(?U)a*', '(', ')', '[', '\\', '{2}', '*', '+', '?', '|', '(?P<n>a)'];
const REPEATS = ['', '', '', '*', '+', '?', '*?', '+?', '{2}', '{0,3}', '{1,}', '{3,5}', '{20}', '{0,64}'];

/** An adversarial family member: something starred, then a counted repetition of what overlaps it. */
function adversarial(random: Random): string {
  const cls = random.pick(['[ab]', '(?:a|b)', '.', '[a-c]', '\\w', '[0-9a-f]', '\\pL', '(?s:.)', '[^x]']);
  const count = 1 + random.below(24);
  const anchorStart = random.below(2) === 0 ? '^' : '';
  const anchorEnd = random.below(2) === 0 ? '$' : '';
  switch (random.below(5)) {
    case 0: return `${anchorStart}${cls}*a${cls}{${count}}${anchorEnd}`;
    case 1: return `${anchorStart}(?:${cls}{1,${count}}){1,${1 + random.below(20)}}${anchorEnd}`;
    case 2: return `${cls}{${count}}${random.pick(['a', 'b', 'x'])}${cls}{${1 + random.below(24)}}`;
    case 3: return `(?:${Array.from({ length: 2 + random.below(6) }, () => random.pick(['a', 'ab', 'b', 'ba', 'aa'])).join('|')})*${cls}{${count}}`;
    default: return `${anchorStart}${'\\pL'.repeat(1 + random.below(4))}{1,${count * 40}}${anchorEnd}`;
  }
}

function grammar(random: Random): string {
  let source = '';
  for (let atoms = 1 + random.below(8); atoms > 0; atoms--) {
    source += random.pick(ATOMS) + random.pick(REPEATS);
    if (random.below(10) === 0) source += '|';
  }
  return source;
}

// Patterns anchored behind a literal prefix (the prefix is split off and the rest's matcher shared): the rest from the
// grammar, so quantifiers, alternations and assertions right after the prefix are covered.
const PREFIXES = ['room-', 'a', 'ab', 'x\\.', 'k', 'é', '😀', 'a\\-b', 'user-00', '\\{', 'σ'];
function prefixed(random: Random): { source: string; literal: string } {
  const raw = Array.from({ length: 1 + random.below(3) }, () => random.pick(PREFIXES)).join('');
  return { source: `^${raw}${grammar(random)}`, literal: raw.replace(/\\(.)/g, '$1') };
}

const CHARS = ['a', 'b', 'c', 'x', 'A', 'K', 'k', '\u212a', 'σ', 'Σ', '\n', ' ', '-', '_', '0', '9', 'é', 'α', '😀', '🙏', '.', 'z', 'ab'];
function names(random: Random): string[] {
  return Array.from({ length: 4 }, () => Array.from({ length: random.below(24) }, () => random.pick(CHARS)).join(''));
}

it(`compiles ${FUZZ_RUNS} grammar and adversarial patterns into bounded matchers that agree with re2js`, () => {
  const compile = new Stopwatch();
  const search = new Stopwatch();
  let accepted = 0;
  let refusedAsCostly = 0;
  let worstCost = 0;
  // Names of the largest accepted length, built to keep an unanchored search going to the end.
  const longNames = ['ab'.repeat(LIMITS.maxNameLength / 2), 'a'.repeat(LIMITS.maxNameLength), `${'b'.repeat(LIMITS.maxNameLength - 1)}a`];
  const generate = (random: Random) => {
    const family = random.below(3);
    if (family === 0) return { source: adversarial(random), names: names(random) };
    if (family === 1) return { source: grammar(random), names: names(random) };
    const { source, literal } = prefixed(random);
    return { source, names: names(random).map((name, index) => (index % 2 === 0 ? literal + name : name)) };
  };
  const { failures, watch } = fuzzLoop(FUZZ_RUNS, generate, ({ source, names: probes }) => {
    let pattern;
    try {
      pattern = compile.time(() => compilePattern(source));
    } catch (error) {
      if (!isGrantkitError(error) || error.code !== 'ERR_PATTERN_INVALID') return false;
      if (/too costly/.test(error.message)) refusedAsCostly++;
      // A syntax or group refusal is re2js's own, whether or not the pattern was split at a literal prefix.
      if (/Syntax error|non-capturing/.test(error.message)) {
        try {
          if (RE2JS.compile(source).groupCount() === 0) return false;
        } catch {
          // refused by re2js too
        }
      }
      return true;
    }
    accepted++;
    if (!(pattern.cost! > 0 && pattern.cost! <= LIMITS.maxPatternCost)) return false;
    worstCost = Math.max(worstCost, pattern.cost!);
    const oracle = RE2JS.compile(source);
    for (const name of probes) if (pattern.test(name) !== oracle.test(name)) return false;
    // The search cost depends on the matcher's shape, not on which pattern: sampling every eighth keeps CI short.
    if (accepted % 8 === 0) for (const name of longNames) search.time(() => pattern.test(name));
    return true;
  });
  report({
    target: 'patterns', inputs: watch.inputs, crashes: failures.length, worstMs: watch.worstMs, accepted, refusedAsCostly,
    worstCost, worstCompileMs: compile.worstMs, worstSearchMs: search.worstMs,
  });
  expect(failures).toEqual([]);
}, FUZZ_TIMEOUT_MS);
