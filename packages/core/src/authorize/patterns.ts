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
import { ILL_FORMED, isWellFormed } from '../internal/well-formed.js';
import { LIMITS } from '../limits.js';
import { BoundedCache } from '../internal/bounded-cache.js';
import { buildAutomaton, type PatternAutomaton } from './pattern-automaton.js';

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
// some 25 µs per matcher (re2js prepares a one-pass program, a prefilter and a literal prefix for every pattern).
const BASE_COST = 800;
const COST_PER_CHARACTER = 40;
// What consulting one pattern costs on top of its matcher: splitting it, comparing its literal prefix, one pass of its
// matcher over a name of at most `LIMITS.maxNameLength` characters.
const CONSULT_BASE_COST = 128;
const CONSULT_COST_PER_CHARACTER = 2;

/**
 * A pattern as the server's engine holds it: a literal prefix the name must start with, then a matcher run from the
 * end of that prefix. The matcher may be shared by many patterns (`^user-1-.*$` and `^user-2-.*$` share `^.*$`), so
 * what a pattern costs is split in two: `consultCost`, paid for every pattern consulted, and `matcherCost`, paid once
 * per distinct `matcherKey` in one grant or one authorization.
 *
 * @internal
 */
export interface PricedPattern extends CompiledPattern {
  readonly cost: number;
  /** The literal prefix a name must start with for the pattern to match ('' when it has none; see {@link splitPattern}). */
  readonly prefix: string;
  /** What consulting this pattern costs, in pattern budget units, once its matcher is paid for. */
  readonly consultCost: number;
  /** Identifies the matcher: patterns with the same key share one. */
  readonly matcherKey: string;
  /** What building (or refusing) the matcher costs, charged once per key. */
  readonly matcherCost: number;
}

/** A built (or refused) matcher, shared by the patterns whose rest after a literal prefix is the same. */
type Matcher =
  | { automaton: PatternAutomaton; programSize: number; cost: number; bytes: number }
  | { error: 'syntax'; cause: unknown; cost: number; bytes: number }
  | { error: 'groups' | 'program' | 'states' | 'work' | 'unsupported'; cost: number; bytes: number };

/** A cached outcome: the compiled pattern, or a refused one (it matches nothing) with why it was refused. */
type Outcome = PricedPattern & { readonly refusal?: string; readonly cause?: unknown };

// Matchers are built once per process and shared by every token that uses them, in a cache bounded in entries and in
// bytes (a matcher's tables take up to ~200 kB) that forgets its oldest entry first, so hostile token streams cannot
// grow it and a working set just past its size degrades gently. Outcomes per pattern source are cheap to rebuild from
// a cached matcher (a prefix scan and a few checks), so they sit in a small direct-mapped table: a lookup is a hash
// of the source's tail and one comparison, a collision just rebuilds, and per-user patterns (many, each used by one
// token) overwrite slots without any eviction bookkeeping.
const matchers = new BoundedCache<Matcher>(4_096, 16 * 1024 * 1024);
const OUTCOME_SLOTS = 4_096;
const outcomes: Array<Outcome | undefined> = new Array<Outcome | undefined>(OUTCOME_SLOTS).fill(undefined);

function outcomeOf(source: string): Outcome {
  const slot = typeof source === 'string' ? slotOf(source) : 0;
  const known = outcomes[slot];
  if (known !== undefined && known.source === source) return known;
  const outcome = compileUncached(source);
  outcomes[slot] = outcome;
  return outcome;
}

/** The outcome table's slot for `source`: a hash of its length and last 48 characters (where patterns differ). */
function slotOf(source: string): number {
  let hash = source.length;
  for (let index = Math.max(0, source.length - 48); index < source.length; index++) hash = Math.imul(hash ^ source.charCodeAt(index), 0x0100_0193);
  return (hash >>> 0) & (OUTCOME_SLOTS - 1);
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
  return pricedPattern(source, field);
}

/** {@link compilePattern} with its two-part price. @internal */
export function pricedPattern(source: string, field = 'pattern'): PricedPattern {
  const outcome = outcomeOf(source);
  if (outcome.refusal === undefined) return outcome;
  throw new PatternInvalidError(outcome.refusal.replace('$field', () => field), { field, ...(outcome.cause === undefined ? {} : { cause: outcome.cause }) });
}

/**
 * The pattern as {@link authorize} uses one found in a token: compiled from the same cache, never throwing. A pattern
 * {@link compilePattern} refuses matches nothing (a token from another issuer may carry one) and still costs what
 * refusing it took, so a token full of refused patterns spends the same bounded budget.
 *
 * @internal
 */
export function patternForAuthorize(source: string): PricedPattern {
  return outcomeOf(source);
}

/** {@link patternForAuthorize} when the pattern's outcome is at hand in the cache, else undefined (nothing compiled). @internal */
export function cachedPatternForAuthorize(source: string): PricedPattern | undefined {
  const known = outcomes[slotOf(source)];
  return known !== undefined && known.source === source ? known : undefined;
}

/**
 * What a set of patterns costs together: every pattern its consult cost, every distinct matcher once. One grant's
 * patterns, or those one authorization consults, must stay within `LIMITS.maxTotalPatternCost`. The total is a
 * function of the patterns alone, never of what the process has compiled before, so answers are deterministic.
 *
 * @internal
 */
export class PatternBudget {
  private spent = 0;
  private firstKey: string | undefined;
  private paid: Set<string> | undefined;

  /** Charges `pattern`; false once the total is over `LIMITS.maxTotalPatternCost`. */
  charge(pattern: PricedPattern): boolean {
    this.spent += pattern.consultCost;
    const key = pattern.matcherKey;
    // Most calls charge one matcher: the set is made only for a second one.
    if (this.firstKey === undefined) {
      this.firstKey = key;
      this.spent += pattern.matcherCost;
    } else if (key !== this.firstKey) {
      this.paid ??= new Set();
      if (!this.paid.has(key)) {
        this.paid.add(key);
        this.spent += pattern.matcherCost;
      }
    }
    return this.spent <= LIMITS.maxTotalPatternCost;
  }
}

/** How long compiling may hold the event loop before {@link precompilePatterns} lets other work run, ms. */
const SLICE_MS = 4;

/**
 * Compiles the patterns a grant or a token is about to use, a few milliseconds at a time, letting other requests run
 * in between (a `setTimeout(0)` turn), so that meeting a token's patterns for the first time never holds a server's
 * event loop for long: the longest stretch is one matcher's build. Stops once the patterns seen cost
 * `LIMITS.maxTotalPatternCost` (see {@link PatternBudget}) and returns false then, so a grant over the budget can be
 * refused without compiling the rest. The synchronous `authorize` and grant validation then find them compiled.
 * Optional: without it they compile where they are used.
 *
 * @internal
 */
export async function precompilePatterns(sources: Iterable<string>): Promise<boolean> {
  const budget = new PatternBudget();
  let sliceStart = now();
  for (const source of sources) {
    if (typeof source !== 'string') continue;
    if (outcomes[slotOf(source)]?.source !== source && now() - sliceStart >= SLICE_MS) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      sliceStart = now();
    }
    if (!budget.charge(patternForAuthorize(source))) return false;
  }
  return true;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** The error for a grant whose patterns together cost more than `LIMITS.maxTotalPatternCost`. @internal */
export function patternBudgetExceeded(): PatternInvalidError {
  return new PatternInvalidError(
    `patterns together are too costly to match: over the budget of ${LIMITS.maxTotalPatternCost} units (use fewer or simpler patterns)`,
    { field: 'permissions.patterns' },
  );
}

/**
 * Splits an anchored pattern at its literal prefix: `^user-42-[a-z]+$` is the name starting with `user-42-`, then
 * `^[a-z]+$` matched from there. Undefined when that would not mean the same: no `^`, no literal prefix, a
 * quantifier or `|` that reaches back over it, or an assertion in the rest that looks at the character before it
 * (`^`, `\A`, `\b`, `\B`). A pure function of the source; the fuzz suite checks the split pattern matches as the
 * whole does.
 *
 * @internal
 */
export function splitPattern(source: string): { prefix: string; rest: string } | undefined {
  if (source.charCodeAt(0) !== 0x5e /* ^ */) return undefined;
  let at = 1;
  let lastLiteral = 1;
  let prefix = '';
  let lastLength = 0;
  // Most prefixes hold no escape: scan them without building a string.
  while (at < source.length) {
    const code = source.charCodeAt(at);
    if (code === 0x5c /* \\ */ || (code < 0x80 && META[code] === 1)) break;
    lastLiteral = at;
    lastLength = code >= 0xd800 && code <= 0xdbff ? 2 : 1;
    at += lastLength;
  }
  prefix = source.slice(1, at);
  while (at < source.length) {
    const code = source.charCodeAt(at);
    let width: number;
    let literal: string;
    if (code === 0x5c /* \ */) {
      const next = source.charCodeAt(at + 1);
      if (!isEscapablePunctuation(next)) break;
      width = 2;
      literal = source[at + 1]!;
    } else if (code < 0x80 && META[code] === 1) {
      break;
    } else {
      width = code >= 0xd800 && code <= 0xdbff ? 2 : 1;
      literal = source.slice(at, at + width);
    }
    lastLiteral = at;
    lastLength = literal.length;
    prefix += literal;
    at += width;
  }
  const next = source.charCodeAt(at);
  // A quantifier applies to the last literal alone: it belongs to the rest.
  if (next === 0x2a /* * */ || next === 0x2b /* + */ || next === 0x3f /* ? */ || next === 0x7b /* { */) {
    at = lastLiteral;
    prefix = prefix.slice(0, prefix.length - lastLength);
  }
  if (prefix.length === 0) return undefined;
  let afterBracket = false;
  for (let index = at; index < source.length; index++) {
    const code = source.charCodeAt(index);
    if (code === 0x5c /* \ */) {
      const escaped = source.charCodeAt(index + 1);
      if (escaped === 0x62 /* b */ || escaped === 0x42 /* B */ || escaped === 0x41 /* A */ || escaped === 0x51 /* Q */) return undefined;
      index++;
      afterBracket = false;
      continue;
    }
    if (code === 0x7c /* | */ || (code === 0x5e /* ^ */ && !afterBracket)) return undefined;
    afterBracket = code === 0x5b /* [ */;
  }
  return { prefix, rest: `^${source.slice(at)}` };
}

// RE2's metacharacters outside a class.
const META = /* @__PURE__ */ (() => {
  const table = new Uint8Array(128);
  for (const character of '\\.+*?()|[]{}^$') table[character.charCodeAt(0)] = 1;
  return table;
})();

/** ASCII punctuation: RE2 reads `\` before one as that character. */
function isEscapablePunctuation(code: number): boolean {
  return (code >= 0x21 && code <= 0x2f) || (code >= 0x3a && code <= 0x40) || (code >= 0x5b && code <= 0x60) || (code >= 0x7b && code <= 0x7e);
}

function refused(source: string, refusal: string, matcherKey: string, matcherCost: number, cause?: unknown): Outcome {
  const consultCost = consultCostOf(source);
  const prefix = typeof source === 'string' ? (splitPattern(source)?.prefix ?? '') : '';
  return Object.freeze({ source, cost: consultCost + matcherCost, prefix, consultCost, matcherKey, matcherCost, test: () => false, refusal, ...(cause === undefined ? {} : { cause }) });
}

function consultCostOf(source: string): number {
  return CONSULT_BASE_COST + CONSULT_COST_PER_CHARACTER * (typeof source === 'string' ? source.length : 0);
}

function compileUncached(source: string): Outcome {
  if (typeof source !== 'string' || source.length === 0) return refused(source, '$field must be a non-empty string', '', BASE_COST);
  if (source.length > LIMITS.maxPatternLength) {
    return refused(source, `$field is longer than ${LIMITS.maxPatternLength} characters`, source, BASE_COST);
  }
  if (!isWellFormed(source)) return refused(source, `$field ${ILL_FORMED}`, source, BASE_COST);
  const split = splitPattern(source);
  const prefix = split?.prefix ?? '';
  const matcherKey = split?.rest ?? source;
  const matcher = matcherFor(matcherKey);
  if ('error' in matcher) {
    switch (matcher.error) {
      case 'syntax': {
        // The whole source's error, for the same cause a caller would get from re2js.
        let cause = matcher.cause;
        if (split !== undefined) {
          try {
            RE2JS.compile(source);
          } catch (whole) {
            cause = whole;
          }
        }
        const reason = (cause as { error?: unknown } | undefined)?.error;
        const wording = typeof reason === 'string' ? (PUBNUB_SYNTAX_ERRORS[reason] ?? reason) : 'invalid pattern';
        return refused(source, `Syntax error: ${wording}.`, matcherKey, matcher.cost, cause);
      }
      case 'groups':
        return refused(source, 'Only non-capturing groups are allowed. Try replacing `(` with `(?:`.', matcherKey, matcher.cost);
      case 'program':
        return refused(source, programRefusal, matcherKey, matcher.cost);
      case 'states':
        return refused(source, statesRefusal, matcherKey, matcher.cost);
      case 'work':
        return refused(source, workRefusal, matcherKey, matcher.cost);
      default:
        return refused(source, '$field uses a construct the matcher does not support', matcherKey, matcher.cost);
    }
  }
  // The literal prefix is one instruction and one state per character of the whole pattern's matcher.
  if (matcher.programSize + prefix.length > LIMITS.maxPatternProgramSize) return refused(source, programRefusal, matcherKey, matcher.cost);
  const { automaton } = matcher;
  if (automaton.states + prefix.length > LIMITS.maxPatternStates) return refused(source, statesRefusal, matcherKey, matcher.cost);
  const consultCost = consultCostOf(source);
  if (consultCost + matcher.cost > LIMITS.maxPatternCost) return refused(source, workRefusal, matcherKey, matcher.cost);
  const from = prefix.length;
  return Object.freeze({
    source,
    cost: consultCost + matcher.cost,
    prefix,
    consultCost,
    matcherKey,
    matcherCost: matcher.cost,
    test: from === 0 ? (name: string) => automaton.test(name) : (name: string) => name.startsWith(prefix) && automaton.test(name, from),
  });
}

const programRefusal = `$field is too costly (program size over ${LIMITS.maxPatternProgramSize})`;
const statesRefusal = `$field is too costly to match: its matcher would need more than ${LIMITS.maxPatternStates} states`;
const workRefusal = `$field is too costly to match: building its matcher would cost more than ${LIMITS.maxPatternCost} units`;

function matcherFor(source: string): Matcher {
  let matcher = matchers.get(source);
  if (matcher === undefined) {
    matcher = buildMatcher(source);
    matchers.set(source, matcher, matcher.bytes);
  }
  return matcher;
}

function buildMatcher(source: string): Matcher {
  let cost = BASE_COST + COST_PER_CHARACTER * source.length;
  const bytes = 256 + source.length * 2;
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(source);
  } catch (cause) {
    return { error: 'syntax', cause, cost, bytes };
  }
  if (regex.groupCount() > 0) return { error: 'groups', cost, bytes };
  const programSize = regex.programSize();
  if (programSize > LIMITS.maxPatternProgramSize) return { error: 'program', cost, bytes };
  const automaton = buildAutomaton(regex, { maxStates: LIMITS.maxPatternStates, maxWork: LIMITS.maxPatternCost - CONSULT_BASE_COST - cost });
  cost += automaton.work;
  if ('reason' in automaton) return { error: automaton.reason, cost, bytes };
  return { automaton, programSize, cost, bytes: bytes + automaton.bytes };
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
