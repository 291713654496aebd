/**
 * The server's pattern lookup: which of a token's patterns grant a permission on a name, without consulting every
 * pattern. Each slot's patterns are indexed by their literal prefix once per token object (a verified token seen
 * before is the same object, so its index is reused); a call then consults only the patterns whose prefix the name
 * starts with, plus those without one, in the token's order. A token with 1,000 patterns `^room-{n}-[0-9]+$` asked
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
import { PatternBudget, patternForAuthorize, precompilePatterns, splitPattern, type PricedPattern } from './patterns.js';

/** Slots with this many patterns or fewer are walked in order, comparing prefixes; larger ones get a prefix map. */
const SCAN_LIMIT = 8;

interface SlotIndex {
  /** Pattern sources in the token's order. */
  readonly keys: readonly string[];
  /** Each pattern's literal prefix ('' when it has none). */
  readonly prefixes: readonly string[];
  /** Each pattern, compiled once it is first consulted through this index. */
  readonly compiled: Array<PricedPattern | undefined>;
  /** For larger slots: the positions of the patterns with each prefix, ascending. */
  readonly byPrefix?: Map<string, number[]>;
  /** For larger slots: the distinct prefix lengths, ascending. */
  readonly lengths?: readonly number[];
  /** For larger slots: the positions of the patterns without a prefix, ascending. */
  readonly unprefixed?: readonly number[];
}

const EMPTY_INDEX: SlotIndex = { keys: [], prefixes: [], compiled: [] };
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
  if (keys.length === 0) return EMPTY_INDEX;
  const prefixes = keys.map((key) => splitPattern(key)?.prefix ?? '');
  const compiled = new Array<PricedPattern | undefined>(keys.length).fill(undefined);
  if (keys.length <= SCAN_LIMIT) return { keys, prefixes, compiled };
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
  return { keys, prefixes, compiled, byPrefix, lengths: [...lengths].sort((a, b) => a - b), unprefixed };
}

/** The positions, ascending, of the patterns a name might match: those whose prefix it starts with, and the rest without one. */
function candidates(index: SlotIndex, name: string): readonly number[] {
  const lists: number[][] = [];
  if (index.unprefixed!.length > 0) lists.push(index.unprefixed as number[]);
  for (const length of index.lengths!) {
    if (length > name.length) break;
    const positions = index.byPrefix!.get(length === name.length ? name : name.slice(0, length));
    if (positions !== undefined) lists.push(positions);
  }
  if (lists.length <= 1) return lists[0] ?? [];
  return lists.flat().sort((a, b) => a - b);
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
    const index = indexOf(slot);
    const { keys, prefixes } = index;
    if (keys.length === 0) continue;
    const positions = index.byPrefix === undefined ? undefined : candidates(index, name);
    const count = positions === undefined ? keys.length : positions.length;
    for (let at = 0; at < count; at++) {
      const position = positions === undefined ? at : positions[at]!;
      if (positions === undefined && !name.startsWith(prefixes[position]!)) continue;
      const key = keys[position]!;
      const pattern = (index.compiled[position] ??= patternForAuthorize(key));
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
  const sources = [...sourcesOf(slots)];
  if (sources.length === 0) {
    prepared.add(slots);
    return undefined;
  }
  // Marked once compiled: a second request meeting the token meanwhile also waits its turn rather than compiling
  // synchronously.
  return precompilePatterns(sources).then(() => {
    prepared.add(slots);
  });
}

function* sourcesOf(slots: TokenPayload['patterns']): Generator<string> {
  for (const type of Object.keys(slots) as ResourceType[]) {
    const slot = slots[type];
    if (typeof slot === 'object' && slot !== null) yield* Object.keys(slot);
  }
}
