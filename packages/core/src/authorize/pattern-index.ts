/**
 * Pattern lookups whose cost does not grow with the number of patterns a token carries, nor with the number of
 * distinct patterns a server meets (per-user patterns), for the RE2 authorizer. Two ideas:
 *
 * 1. **Split at the literal prefix.** An anchored pattern `^PREFIX TAIL` (PREFIX plain ASCII literal characters)
 *    matches a name exactly when the name starts with PREFIX and `^(?:TAIL)` matches the rest, as long as TAIL looks
 *    neither behind nor at the start of text (`\b`, `\B`, `^`, `\A`, lookbehind, backreferences), and has no
 *    top-level `|`. TAIL is compiled once and shared: `^user-123-.*$` and `^user-456-.*$` both need only `^(?:.*$)`,
 *    so a server with a million per-user patterns compiles one matcher, not a million (an RE2 compile costs tens of
 *    microseconds; the split costs one scan of the source).
 * 2. **Index a token's patterns by prefix.** A slot with many patterns is indexed once per decoded token (the index
 *    lives as long as the token's record): names are looked up by their prefixes of each length the slot uses, so
 *    only the patterns whose prefix the name starts with are tested; patterns that do not split are tested in order.
 *
 * The answer is the one a scan in the slot's order gives: the first pattern granting the permission, else the first
 * that matched without it. Compiled matchers sit in a two-generation cache: past its size the least recently used
 * half is dropped, never everything at once.
 *
 * @internal
 */
import type { CompiledPattern } from './patterns.js';

/** What a slot's patterns say about a name: the entry that decides, and whether it carries the permission. */
export interface PatternAnswer {
  key: string;
  mask: number;
  granted: boolean;
}

/** Looks a name up in one slot's patterns for one permission bit. */
export type PatternLookup = (slot: Readonly<Record<string, number>>, name: string, bit: number) => PatternAnswer | undefined;

/** A bounded cache that drops its least recently used half when full (no clear-all cliff). */
export class GenerationCache<V> {
  #current = new Map<string, V>();
  #previous = new Map<string, V>();

  constructor(private readonly generationSize: number) {}

  get(key: string): V | undefined {
    const value = this.#current.get(key);
    if (value !== undefined) return value;
    const old = this.#previous.get(key);
    if (old !== undefined) this.set(key, old); // still in use: promote it
    return old;
  }

  set(key: string, value: V): void {
    this.#current.set(key, value);
    if (this.#current.size >= this.generationSize) {
      this.#previous = this.#current;
      this.#current = new Map();
    }
  }
}

/** A pattern split at its literal prefix, or not split (`prefix` undefined). */
interface Split {
  prefix: string | undefined;
  /** The tail's source (`''` for a prefix-only pattern), or the whole source when not split. */
  rest: string;
}

// By character code: 1 for characters that are themselves outside a class in RE2 (and JS), 2 for ASCII punctuation
// (literal when escaped), 0 otherwise. Quantifiers are * + ? {.
const KIND = /* @__PURE__ */ (() => {
  const kind = new Uint8Array(128);
  for (let code = 33; code < 127; code++) kind[code] = 2;
  for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 _-/:@,=!%&#~\'"<>;`') kind[char.charCodeAt(0)] = 1;
  return kind;
})();
const isQuantifier = (code: number) => code === 0x2a || code === 0x2b || code === 0x3f || code === 0x7b;

/** Splits `^PREFIX TAIL` as described in the module notes; anything else is left whole. */
export function splitPattern(source: string): Split {
  if (source.charCodeAt(0) !== 0x5e /* ^ */) return { prefix: undefined, rest: source };
  let escapes = false;
  let at = 1;
  while (at < source.length) {
    const code = source.charCodeAt(at);
    let width: number;
    if (code === 0x5c /* \ */) {
      const escaped = source.charCodeAt(at + 1);
      if (!(escaped < 128 && KIND[escaped] !== 0 && !isAlphanumeric(escaped))) break;
      width = 2;
      escapes = true;
    } else if (code < 128 && KIND[code] === 1) {
      width = 1;
    } else {
      break;
    }
    // A quantified character belongs to the tail: `^ab*` is prefix `a`, tail `b*`.
    if (isQuantifier(source.charCodeAt(at + width))) break;
    at += width;
  }
  // One slice (no string built a character at a time); escapes, rare, are then dropped.
  const prefix = escapes ? source.slice(1, at).replace(/\\(.)/g, '$1') : source.slice(1, at);
  const tail = source.slice(at);
  if (prefix === '' || !tailStandsAlone(tail)) return { prefix: undefined, rest: source };
  return { prefix, rest: tail };
}

function isAlphanumeric(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/** Whether a tail means the same matched alone at the start of the rest of a name (see the module notes). */
function tailStandsAlone(tail: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let at = 0; at < tail.length; at++) {
    const char = tail[at]!;
    if (char === '\\') {
      const escaped = tail[at + 1];
      // \b \B look behind; \A is the start of text; \1-\9 and \k refer back; \Q..\E would hide what follows.
      if (escaped === undefined || (!inClass && /[bBAkQ1-9]/.test(escaped))) return false;
      at++;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      continue;
    }
    if (char === '[') {
      inClass = true;
      // `[]...]` and `[^]...]`: a leading `]` is a literal member.
      if (tail[at + 1] === '^') at++;
      if (tail[at + 1] === ']') at++;
    } else if (char === '(') {
      if (tail.startsWith('(?<=', at) || tail.startsWith('(?<!', at)) return false; // lookbehind (not RE2, but never split it)
      depth++;
    } else if (char === ')') {
      depth--;
    } else if (char === '^') {
      return false;
    } else if (char === '|' && depth === 0) {
      return false;
    }
  }
  return !inClass && depth === 0;
}

/** A pattern ready to test: its prefix (if split) and the compiled rest, or null when the engine refused it. */
interface Matcher {
  prefix: string | undefined;
  rest: CompiledPattern | null;
}

const EVERYTHING: CompiledPattern = Object.freeze({ source: '', test: () => true });

/**
 * Creates the indexed lookup over `compile` (an RE2-compatible engine: the split relies on its anchors). A pattern
 * the engine refuses grants nothing, as in the plain scan.
 */
export function createIndexedLookup(compile: (source: string) => CompiledPattern, cacheSize = 2_048): PatternLookup {
  // Whole patterns and tails apart: a tail `x` is compiled as `^(?:x)`, never confused with a whole pattern `x`.
  const wholes = new GenerationCache<CompiledPattern | null>(cacheSize);
  const tails = new GenerationCache<CompiledPattern | null>(cacheSize);

  function compiledOrNull(cache: GenerationCache<CompiledPattern | null>, source: string, wrap: boolean): CompiledPattern | null {
    let pattern = cache.get(source);
    if (pattern === undefined) {
      try {
        pattern = compile(wrap ? `^(?:${source})` : source);
      } catch {
        pattern = null; // refused (a foreign issuer's pattern): grants nothing, fail closed
      }
      cache.set(source, pattern);
    }
    return pattern;
  }

  // Not cached itself: splitting is one scan of the source, cheaper than a cache entry per distinct pattern (a
  // server's per-user patterns would churn it); what is cached is what is costly, the compiled tails and wholes.
  function matcherOf(source: string): Matcher {
    const { prefix, rest } = splitPattern(source);
    return {
      prefix,
      rest: prefix === undefined ? compiledOrNull(wholes, rest, false) : rest === '' ? EVERYTHING : compiledOrNull(tails, rest, true),
    };
  }

  /** {@link test} straight from a source, with no matcher kept: a prefix that does not fit rejects before any lookup. */
  function testSource(source: string, name: string): boolean {
    const { prefix, rest } = splitPattern(source);
    if (prefix === undefined) return compiledOrNull(wholes, rest, false)?.test(name) === true;
    if (!name.startsWith(prefix)) return false;
    return rest === '' || compiledOrNull(tails, rest, true)?.test(name.slice(prefix.length)) === true;
  }

  function test(matcher: Matcher, name: string): boolean {
    if (matcher.rest === null) return false;
    if (matcher.prefix === undefined) return matcher.rest.test(name);
    return name.startsWith(matcher.prefix) && matcher.rest.test(name.slice(matcher.prefix.length));
  }

  // Slots with more patterns than this are indexed (once per decoded record); fewer are scanned.
  const INDEX_FROM = 8;
  // Per large slot record, its index. Small slots are scanned and not remembered (a WeakMap entry per decoded token
  // costs more in garbage collection than scanning a few patterns).
  const SMALL = null;
  const indexes = new WeakMap<object, SlotIndex>();

  interface Entry { key: string; mask: number; order: number; matcher: Matcher }
  interface SlotIndex { byPrefix: Map<string, Entry[]>; lengths: number[]; unsplit: Entry[] }

  function indexOf(slot: Readonly<Record<string, number>>): SlotIndex | typeof SMALL {
    let index = indexes.get(slot);
    if (index === undefined) {
      // Counting walks the record's keys once; a large record is then indexed and not counted again.
      let count = 0;
      for (const _ in slot) if (++count > INDEX_FROM) break;
      if (count <= INDEX_FROM) return SMALL;
      index = { byPrefix: new Map(), lengths: [], unsplit: [] };
      let order = 0;
      for (const key in slot) {
        if (!Object.hasOwn(slot, key)) continue;
        const matcher = matcherOf(key);
        const entry: Entry = { key, mask: slot[key]!, order: order++, matcher };
        if (matcher.prefix === undefined) {
          index.unsplit.push(entry);
        } else {
          let list = index.byPrefix.get(matcher.prefix);
          if (list === undefined) {
            index.byPrefix.set(matcher.prefix, (list = []));
            if (!index.lengths.includes(matcher.prefix.length)) index.lengths.push(matcher.prefix.length);
          }
          list.push(entry);
        }
      }
      index.lengths.sort((left, right) => left - right);
      indexes.set(slot, index);
    }
    return index;
  }

  return function lookup(slot, name, bit) {
    const index = indexOf(slot);
    if (index === SMALL) {
      // Few patterns: scan in order, first granting wins.
      let lacking: PatternAnswer | undefined;
      for (const key in slot) {
        if (!Object.hasOwn(slot, key) || !testSource(key, name)) continue;
        const mask = slot[key]!;
        if ((mask & bit) !== 0) return { key, mask, granted: true };
        lacking ??= { key, mask, granted: false };
      }
      return lacking;
    }
    let granted: Entry | undefined;
    let lacking: Entry | undefined;
    const consider = (entry: Entry) => {
      if ((granted !== undefined && entry.order > granted.order) || !test(entry.matcher, name)) return;
      if ((entry.mask & bit) !== 0) granted = entry;
      else if (lacking === undefined || entry.order < lacking.order) lacking = entry;
    };
    for (const length of index.lengths) {
      if (length > name.length) break;
      const list = index.byPrefix.get(name.slice(0, length));
      if (list !== undefined) for (const entry of list) consider(entry);
    }
    for (const entry of index.unsplit) consider(entry);
    const found = granted ?? lacking;
    return found === undefined ? undefined : { key: found.key, mask: found.mask, granted: found === granted };
  };
}
