/**
 * RegEx grants, compiled once in a linear-time engine (re2js, RE2 syntax as PubNub documents).
 *
 * Semantics: a pattern grants a resource when it is *found anywhere* in the name (an unanchored RE2 search), unless
 * the pattern anchors itself. That is why PubNub's documentation writes `^channel-[A-Za-z0-9]$`: the pattern
 * `room-` alone also matches `lobby-room-1`. Like PubNub, only non-capturing groups `(?:...)` are allowed.
 *
 * @module
 */
import { RE2JS } from 're2js';
import { PatternInvalidError } from '../errors.js';
import { isWellFormed } from '../internal/well-formed.js';
import { LIMITS } from '../limits.js';
import type { PermissionSlots } from '../slots.js';
import { buildAutomaton } from './pattern-automaton.js';

/**
 * A compiled pattern: call `test(name)` to search it in a resource name.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * compilePattern('^room-[0-9]+$').test('room-42'); // true
 * ```
 */
export interface CompiledPattern {
  /** The pattern source as granted. */
  readonly source: string;
  /** Whether the pattern is found anywhere in `name`. Linear time in `name`. */
  test(name: string): boolean;
  /**
   * What compiling and holding the pattern costs, in pattern budget units (see `LIMITS.maxPatternCost`). Set by
   * {@link compilePattern}; a pattern engine without a budget leaves it out.
   */
  readonly cost?: number;
}

// Cost model, in units of about one step of building a matcher (tens of nanoseconds on a current server core), fitted
// to measured CPU time so that it bounds it: re2js parses and compiles at about 40 units per source character and 30
// per instruction (the automaton builder charges instructions and rune ranges itself), plus a fixed overhead of
// some 25 µs per pattern (re2js prepares a one-pass program, a prefilter and a literal prefix for every pattern).
const BASE_COST = 800;
const COST_PER_CHARACTER = 40;

/** A cached outcome: the compiled pattern, or why it was refused, with what finding out cost. */
type Outcome = { pattern: CompiledPattern; bytes: number } | { refusal: string; cause?: unknown; cost: number; bytes: number };

// Every pattern is compiled once per process and shared by every token that carries it. The cache is bounded in
// entries and in bytes (a matcher's tables take up to ~200 kB), so hostile token streams cannot grow it.
const CACHE_ENTRIES = 4_096;
const CACHE_BYTES = 16 * 1024 * 1024;
const cache = new Map<string, Outcome>();
let cachedBytes = 0;

function outcomeOf(source: string): Outcome {
  let outcome = cache.get(source);
  if (outcome === undefined) {
    outcome = compileUncached(source);
    cache.set(source, outcome);
    cachedBytes += outcome.bytes;
    // Compiling costs far more than this eviction walk, so a plain Map in insertion order is enough.
    while (cache.size > CACHE_ENTRIES || cachedBytes > CACHE_BYTES) {
      const [oldest, evicted] = cache.entries().next().value as [string, Outcome];
      cache.delete(oldest);
      cachedBytes -= evicted.bytes;
    }
  }
  return outcome;
}

/**
 * Validates and compiles a pattern, from a process-wide cache.
 *
 * Exported from `@grantkit/core`.
 *
 * @param source - RE2 pattern source.
 * @param field - Field named in the error (default `pattern`).
 * @returns The compiled pattern.
 * @throws {@link PatternInvalidError} `ERR_PATTERN_INVALID` for bad syntax, a capturing group, a pattern over the
 *   length cap, or one whose matcher would cost more than `LIMITS.maxPatternCost` (such as `^[ab]*a[ab]{20}$`,
 *   whose matcher needs two million states).
 * @example
 * ```ts
 * const pattern = compilePattern('^room-.*$');
 * pattern.test('room-1'); // true
 * ```
 */
export function compilePattern(source: string, field = 'pattern'): CompiledPattern {
  const outcome = outcomeOf(source);
  if ('pattern' in outcome) return outcome.pattern;
  throw new PatternInvalidError(outcome.refusal.replace('$field', () => field), { field, ...(outcome.cause === undefined ? {} : { cause: outcome.cause }) });
}

/**
 * The pattern as {@link authorize} uses one found in a token: compiled from the same cache, never throwing. A pattern
 * {@link compilePattern} refuses matches nothing (a token from another issuer may carry one) and still costs what
 * refusing it took, so a token full of refused patterns spends the same bounded budget.
 *
 * @internal
 */
export function patternForAuthorize(source: string): CompiledPattern {
  const outcome = outcomeOf(source);
  return 'pattern' in outcome ? outcome.pattern : { source, cost: outcome.cost, test: () => false };
}

/** How long compiling may hold the event loop before {@link precompilePatterns} lets other work run, ms. */
const SLICE_MS = 4;

/**
 * Compiles the patterns a grant or a token is about to use, a few milliseconds at a time, letting other requests run
 * in between (a `setTimeout(0)` turn), so that meeting a token's patterns for the first time never holds a server's
 * event loop for long: the longest stretch is one pattern's compile. Stops once the patterns seen cost
 * `LIMITS.maxTotalPatternCost` (nothing past that is consulted or accepted) and returns false then, so a grant over
 * the budget can be refused without compiling the rest. The synchronous `authorize` and grant validation then find
 * them compiled. Optional: without it they compile where they are used.
 *
 * @internal
 */
export async function precompilePatterns(sources: Iterable<string>): Promise<boolean> {
  let total = 0;
  let sliceStart = now();
  for (const source of sources) {
    if (typeof source !== 'string') continue;
    const known = cache.get(source);
    if (known === undefined && now() - sliceStart >= SLICE_MS) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      sliceStart = now();
    }
    const outcome = known ?? outcomeOf(source);
    total += 'pattern' in outcome ? outcome.pattern.cost! : outcome.cost;
    if (total > LIMITS.maxTotalPatternCost) return false;
  }
  return true;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/**
 * Checks a grant's patterns together: each within its own budget (by {@link compilePattern}) and all of them within
 * `LIMITS.maxTotalPatternCost`, the bound on what one token's patterns can cost an authorization.
 *
 * @internal
 * @throws {@link PatternInvalidError} `ERR_PATTERN_INVALID`, field `patterns` for the total.
 */
export function checkPatternBudget(patterns: PermissionSlots): void {
  let total = 0;
  for (const type of Object.keys(patterns) as Array<keyof PermissionSlots>) {
    for (const source of Object.keys(patterns[type])) {
      total += compilePattern(source, `permissions.patterns.${type}.${source}`).cost!;
      if (total > LIMITS.maxTotalPatternCost) throw patternBudgetExceeded();
    }
  }
}

/** The error for a grant whose patterns together cost more than `LIMITS.maxTotalPatternCost`. @internal */
export function patternBudgetExceeded(): PatternInvalidError {
  return new PatternInvalidError(
    `patterns together are too costly to match: over the budget of ${LIMITS.maxTotalPatternCost} units (use fewer or simpler patterns)`,
    { field: 'permissions.patterns' },
  );
}

function refused(refusal: string, cost: number, cause?: unknown): Outcome {
  return { refusal, cost, bytes: 256 + refusal.length * 2, ...(cause === undefined ? {} : { cause }) };
}

function compileUncached(source: string): Outcome {
  if (typeof source !== 'string' || source.length === 0) return refused('$field must be a non-empty string', BASE_COST);
  if (source.length > LIMITS.maxPatternLength) {
    return refused(`$field is longer than ${LIMITS.maxPatternLength} characters`, BASE_COST);
  }
  if (!isWellFormed(source)) return refused('$field must be well-formed Unicode (it holds a lone UTF-16 surrogate)', BASE_COST);
  let cost = BASE_COST + COST_PER_CHARACTER * source.length;
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(source);
  } catch (cause) {
    const reason = (cause as { error?: unknown }).error;
    const wording = typeof reason === 'string' ? (PUBNUB_SYNTAX_ERRORS[reason] ?? reason) : 'invalid pattern';
    return refused(`Syntax error: ${wording}.`, cost, cause);
  }
  if (regex.groupCount() > 0) {
    return refused('Only non-capturing groups are allowed. Try replacing `(` with `(?:`.', cost);
  }
  if (regex.programSize() > LIMITS.maxPatternProgramSize) {
    return refused(`$field is too costly (program size over ${LIMITS.maxPatternProgramSize})`, cost);
  }
  const automaton = buildAutomaton(regex, { maxStates: LIMITS.maxPatternStates, maxWork: LIMITS.maxPatternCost - cost });
  if ('reason' in automaton) {
    cost += automaton.work;
    return refused(
      automaton.reason === 'states'
        ? `$field is too costly to match: its matcher would need more than ${LIMITS.maxPatternStates} states`
        : automaton.reason === 'work'
          ? `$field is too costly to match: building its matcher would cost more than ${LIMITS.maxPatternCost} units`
          : '$field uses a construct the matcher does not support',
      cost,
    );
  }
  cost += automaton.work;
  const pattern: CompiledPattern = Object.freeze({ source, cost, test: (name: string) => automaton.test(name) });
  return { pattern, bytes: 256 + source.length * 2 + automaton.bytes };
}

// RE2's reason → PubNub's wording, where PubNub's SDK contract scenarios pin it (grantWithRegExpSyntaxError).
const PUBNUB_SYNTAX_ERRORS: Readonly<Record<string, string>> = { 'invalid nested repetition operator': 'multiple repeat' };

const PATTERN_HINT = /[*+?^$[\]{}()|\\]/;

/**
 * Whether a literal resource name looks like it was meant as a pattern (`"2136.*"`, `"^room"`).
 *
 * @internal
 *
 * @param name - A resource name granted by exact match.
 * @returns True when the name contains RegEx syntax.
 * @example
 * ```ts
 * looksLikePattern('room-.*'); // true
 * ```
 */
export function looksLikePattern(name: string): boolean {
  return PATTERN_HINT.test(name);
}

/**
 * Whether a pattern is anchored at both ends (`^...$`, or `\A...\z`). Unanchored patterns match anywhere in a name.
 *
 * @internal
 *
 * @param source - Pattern source.
 * @returns True when anchored at start and end.
 * @example
 * ```ts
 * isAnchored('^room-[0-9]+$'); // true
 * isAnchored('room-'); // false: also matches 'lobby-room-1'
 * ```
 */
export function isAnchored(source: string): boolean {
  const start = source.startsWith('^') || source.startsWith('\\A');
  const end = (source.endsWith('$') && !source.endsWith('\\$')) || source.endsWith('\\z');
  return start && end;
}
