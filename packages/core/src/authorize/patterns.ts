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
import { FifoCache } from '../internal/fifo-cache.js';
import { LIMITS } from '../limits.js';

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
}

// Compiling costs tens of microseconds; checks cost well under one. Every pattern is compiled once per process
// and shared by every token that carries it. The cache is bounded so hostile token streams cannot grow it.
const CACHE_SIZE = 2_048;
const cache = new FifoCache<string, CompiledPattern>(CACHE_SIZE);

/**
 * Validates and compiles a pattern, from a process-wide cache.
 *
 * Exported from `@grantkit/core`.
 *
 * @param source - RE2 pattern source.
 * @param field - Field named in the error (default `pattern`).
 * @returns The compiled pattern.
 * @throws {@link PatternInvalidError} `ERR_PATTERN_INVALID` for bad syntax, a capturing group, or a pattern over the
 *   length or program-size cap ({@link LIMITS}).
 * @example
 * ```ts
 * const pattern = compilePattern('^room-.*$');
 * pattern.test('room-1'); // true
 * ```
 */
export function compilePattern(source: string, field = 'pattern'): CompiledPattern {
  const cached = cache.get(source);
  if (cached !== undefined) return cached;
  const compiled = compileUncached(source, field);
  cache.set(source, compiled);
  return compiled;
}

function compileUncached(source: string, field: string): CompiledPattern {
  if (typeof source !== 'string' || source.length === 0) {
    throw new PatternInvalidError(`${field} must be a non-empty string`, { field });
  }
  if (source.length > LIMITS.maxPatternLength) {
    throw new PatternInvalidError(`${field} is longer than ${LIMITS.maxPatternLength} characters`, { field });
  }
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(source);
  } catch (cause) {
    const reason = (cause as { error?: unknown }).error;
    throw new PatternInvalidError(
      `Syntax error: ${typeof reason === 'string' ? (PUBNUB_SYNTAX_ERRORS[reason] ?? reason) : 'invalid pattern'}.`,
      { field, cause },
    );
  }
  if (regex.groupCount() > 0) {
    throw new PatternInvalidError('Only non-capturing groups are allowed. Try replacing `(` with `(?:`.', {
      field,
    });
  }
  if (regex.programSize() > LIMITS.maxPatternProgramSize) {
    throw new PatternInvalidError(`${field} is too costly (program size over ${LIMITS.maxPatternProgramSize})`, {
      field,
    });
  }
  return Object.freeze({ source, test: (name: string) => regex.test(name) });
}

// RE2's reason → PubNub's wording, where PubNub's SDK contract scenarios pin it (grantWithRegExpSyntaxError).
const PUBNUB_SYNTAX_ERRORS: Readonly<Record<string, string>> = { 'invalid nested repetition operator': 'multiple repeat' };

const PATTERN_HINT = /[*+?^$[\]{}()|\\]/;

/**
 * Whether a literal resource name looks like it was meant as a pattern (`"2136.*"`, `"^room"`).
 *
 * Exported from `@grantkit/core`.
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
 * Exported from `@grantkit/core`.
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
