/**
 * The server's pattern lookup: which of a token's patterns grant a permission on a name, without consulting every
 * pattern. A call consults only the patterns whose literal prefix the name starts with, plus those without one, in the
 * token's order: a slot of a few patterns is walked comparing prefixes; a larger one is indexed by prefix, kept with
 * the token object when it is frozen (a verified token seen before is the same object, so its index is reused). A token with 1,000 patterns `^room-{n}-[0-9]+$` asked
 * about `room-7-1` consults one.
 *
 * The budget of one call (`LIMITS.maxTotalPatternCost`) is charged for the patterns consulted, by {@link PatternBudget}:
 * a function of the token and the name alone, so the answer never depends on what else the process has seen.
 *
 * @internal
 */
import type { GrantMatchInfo, PatternLookupResult } from './decision.js';
import type { ResourceType } from '../permissions.js';
import type { TokenPayload } from '../token/reader.js';
import { cachedPatternForAuthorize, PatternBudget, patternForAuthorize, precompilePatterns, splitPattern, type PricedPattern } from './patterns.js';

/** Slots with this many patterns or fewer are walked in order, comparing prefixes; larger ones get a prefix index. */
const SCAN_LIMIT = 8;

/** The prefix index of one slot with more than {@link SCAN_LIMIT} patterns. */
interface SlotIndex {
  /** Pattern sources in the token's order. */
  readonly keys: readonly string[];
  /** Each pattern, compiled once it is first consulted through this index. */
  readonly compiled: Array<PricedPattern | undefined>;
  /** The positions of the patterns with each literal prefix, ascending. */
  readonly byPrefix: Map<string, number[]>;
  /** The distinct prefix lengths, ascending. */
  readonly lengths: readonly number[];
  /** The positions of the patterns without a prefix, ascending. */
  readonly unprefixed: readonly number[];
}

const indexes = new WeakMap<object, SlotIndex>();

function indexOf(slot: Readonly<Record<string, number>>): SlotIndex {
  let index = indexes.get(slot);
  if (index === undefined) {
    index = buildIndex(slot);
    indexes.set(slot, index);
  }
  return index;
}

function buildIndex(slot: Readonly<Record<string, number>>): SlotIndex {
  const keys = Object.keys(slot);
  const prefixes = keys.map((key) => splitPattern(key)?.prefix ?? '');
  const compiled = new Array<PricedPattern | undefined>(keys.length).fill(undefined);
  const byPrefix = new Map<string, number[]>();
  const unprefixed: number[] = [];
  const lengths = new Set<number>();
  prefixes.forEach((prefix, position) => {
    if (prefix === '') {
      unprefixed.push(position);
      return;
    }
    lengths.add(prefix.length);
    const positions = byPrefix.get(prefix);
    if (positions === undefined) byPrefix.set(prefix, [position]);
    else positions.push(position);
  });
  return { keys, compiled, byPrefix, lengths: [...lengths].sort((a, b) => a - b), unprefixed };
}

/** The positions, ascending, of the patterns a name might match: those whose prefix it starts with, and the rest without one. */
function candidates(index: SlotIndex, name: string): readonly number[] {
  const lists: number[][] = [];
  if (index.unprefixed.length > 0) lists.push(index.unprefixed as number[]);
  for (const length of index.lengths) {
    if (length > name.length) break;
    const positions = index.byPrefix.get(length === name.length ? name : name.slice(0, length));
    if (positions !== undefined) lists.push(positions);
  }
  if (lists.length <= 1) return lists[0] ?? [];
  return lists.flat().sort((a, b) => a - b);
}

// Patterns of small slots that were not in the shared outcome cache when first met (rare or per-user ones), kept with
// the token object: a token seen again (the same decode, from verification's cache) does not compile them again,
// while a token of common patterns met for the first time costs no memory of its own.
const rememberedBySlot = new WeakMap<object, Array<PricedPattern | undefined>>();

function remember(slot: object, count: number, position: number, key: string): PricedPattern {
  let patterns = rememberedBySlot.get(slot);
  if (patterns === undefined) {
    patterns = new Array<PricedPattern | undefined>(count).fill(undefined);
    rememberedBySlot.set(slot, patterns);
  }
  return (patterns[position] = patternForAuthorize(key));
}

const NOTHING: PatternLookupResult = Object.freeze({ overBudget: false });

/**
 * Finds the first pattern, in the token's order across `types`, that matches `name` and carries `bit`, and the
 * first one that matches without it.
 *
 * @internal
 */
export function findPatternGrant(token: TokenPayload, types: readonly ResourceType[], name: string, bit: number): PatternLookupResult {
  let budget: PatternBudget | undefined;
  let lacking: GrantMatchInfo | undefined;
  for (const type of types) {
    const slot = token.patterns[type];
    if (typeof slot !== 'object' || slot === null) continue;
    // A few patterns (the usual token) are walked in order, each one's prefix from its compiled form: no index to
    // build for a token met for the first time. More get the prefix index. What is kept with a slot object (its index,
    // its remembered patterns) is kept only for a frozen one, as verifyToken returns: a payload a caller built and
    // may still change gets a fresh walk every call. A frozen object stays frozen, so a kept index or remembered list
    // answers `Object.isFrozen` without asking it (which walks every property of a large, dictionary-mode slot).
    let index = indexes.get(slot);
    let keys: readonly string[];
    let frozen = true;
    let remembered: Array<PricedPattern | undefined> | undefined;
    if (index === undefined) {
      remembered = rememberedBySlot.get(slot);
      frozen = remembered !== undefined || Object.isFrozen(slot);
      keys = Object.keys(slot);
      if (keys.length > SCAN_LIMIT) index = frozen ? indexOf(slot) : buildIndex(slot);
    } else {
      keys = index.keys;
    }
    const positions = index === undefined ? undefined : candidates(index, name);
    const count = positions === undefined ? keys.length : positions.length;
    for (let at = 0; at < count; at++) {
      const position = positions === undefined ? at : positions[at]!;
      const key = keys[position]!;
      let pattern: PricedPattern;
      if (index === undefined) {
        pattern = remembered?.[position] ?? cachedPatternForAuthorize(key) ?? (frozen ? remember(slot, keys.length, position, key) : patternForAuthorize(key));
        if (!name.startsWith(pattern.prefix)) continue;
      } else {
        pattern = index.compiled[position] ??= patternForAuthorize(key);
      }
      budget ??= new PatternBudget();
      if (!budget.charge(pattern)) return lacking === undefined ? { overBudget: true } : { lacking, overBudget: true };
      if (!pattern.test(name)) continue;
      const match: GrantMatchInfo = { source: 'patterns', type, key, mask: slot[key]! };
      if ((match.mask & bit) !== 0) return { granted: match, overBudget: false };
      lacking ??= match;
    }
  }
  return lacking === undefined ? NOTHING : { lacking, overBudget: false };
}

const prepared = new WeakSet<object>();

/**
 * {@link precompilePatterns} for a verified token's patterns, once per token object: a token answered from
 * verification's cache is the same decode from one request to the next, so a server walks its patterns only when it
 * first meets them. Undefined when there is nothing to wait for (met before, or no patterns), so a caller can stay
 * synchronous. Should the matcher cache drop them meanwhile, `authorize` compiles them where it uses them.
 *
 * @internal
 */
export function prepareTokenPatterns(token: TokenPayload): Promise<void> | undefined {
  const slots = token.patterns;
  if (typeof slots !== 'object' || slots === null || prepared.has(slots)) return undefined;
  // Only a frozen decode (verifyToken's, for a token seen before) can be trusted to hold the same patterns next time.
  const remembered = Object.isFrozen(slots) && Object.values(slots).every((slot) => Object.isFrozen(slot));
  const sources = [...sourcesOf(slots)];
  if (sources.length === 0) {
    if (remembered) prepared.add(slots);
    return undefined;
  }
  // Marked once compiled: a second request meeting the token meanwhile also waits its turn rather than compiling
  // synchronously.
  return precompilePatterns(sources).then(() => {
    if (remembered) prepared.add(slots);
  });
}

function* sourcesOf(slots: TokenPayload['patterns']): Generator<string> {
  for (const type of Object.keys(slots) as ResourceType[]) {
    const slot = slots[type];
    if (typeof slot === 'object' && slot !== null) yield* Object.keys(slot);
  }
}
