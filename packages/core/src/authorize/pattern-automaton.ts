/**
 * The pattern matcher behind {@link compilePattern}: a complete DFA built ahead of time from the program re2js
 * compiles, within a budget of states and construction work.
 *
 * Why not re2js's own matcher: it builds its DFA lazily, keeping up to 8 MB of states per pattern, and patterns such
 * as `^[ab]*a[ab]{20}$` need a new state on almost every character, so a 10 kB name cost seconds and the states
 * stayed in memory. Here every state is built at compile time or the pattern is refused, so matching is one table
 * lookup per character, with no allocation and nothing learnt at match time.
 *
 * Semantics are re2js's `test` (an unanchored search, RE2 syntax); the fuzz suite checks the two agree.
 *
 * @internal
 */
import { RE2JS } from 're2js';

// re2js's instruction set (`Inst` in re2js, the port of Go's regexp/syntax); `prog` is typed `any` in its declarations.
const ALT = 1;
const ALT_MATCH = 2;
const CAPTURE = 3;
const EMPTY_WIDTH = 4;
const FAIL = 5;
const MATCH = 6;
const NOP = 7;
const RUNE = 8;
const RUNE1 = 9;
const RUNE_ANY = 10;
const RUNE_ANY_NOT_NL = 11;
const FOLD_CASE = 1;

// Empty-width assertions (`^ $ \A \z \b \B`), as re2js numbers them.
const BEGIN_LINE = 1;
const END_LINE = 2;
const BEGIN_TEXT = 4;
const END_TEXT = 8;
const WORD_BOUNDARY = 16;
const NO_WORD_BOUNDARY = 32;

const MAX_RUNE = 0x10_ffff;
/** Table entry: a match was found; the search is over. */
const FOUND = -1;
/** Table entry: no match can follow; the search is over. */
const DEAD = -2;
const INSTRUCTION_COST = 30;
const RUNE_RANGE_COST = 5;
/** A case-folded literal: one small re2js compile to learn its case orbit. */
const FOLD_COST = 500;
/** The most states a table can address (entries are 16-bit). */
export const MAX_AUTOMATON_STATES = 16_384;

interface Inst {
  op: number;
  out: number;
  arg: number;
  runes: ArrayLike<number>;
}

interface Prog {
  inst: Inst[];
  start: number;
}

/**
 * What building an automaton may spend. `work` counts instruction visits and table cells, each a few nanoseconds.
 * @internal
 */
export interface AutomatonBudget {
  /** Most DFA states. */
  maxStates: number;
  /** Most construction work units. */
  maxWork: number;
}

/** A built automaton. @internal */
export interface PatternAutomaton {
  /**
   * Whether the pattern is found in `name`, searching from index `from` (default 0) as if the name began there; one
   * table lookup per code point. `from` serves a pattern split at its literal prefix, whose rest holds no assertion
   * that looks at the character before it.
   */
  test(name: string, from?: number): boolean;
  /** DFA states. */
  readonly states: number;
  /** Character classes (table columns). */
  readonly classes: number;
  /** Construction work spent, in the budget's units. */
  readonly work: number;
  /** Bytes held by the tables. */
  readonly bytes: number;
}

/** Why a pattern has no automaton. @internal */
export type AutomatonRefusal = { reason: 'states' | 'work' | 'unsupported'; work: number };

/**
 * Builds the complete DFA of a compiled pattern, or says which budget it would exceed.
 * @internal
 */
export function buildAutomaton(regex: RE2JS, budget: AutomatonBudget): PatternAutomaton | AutomatonRefusal {
  const prog = (regex.re2() as { prog: Prog }).prog;
  return new Builder(prog, budget).build();
}

class Refused {
  constructor(readonly reason: AutomatonRefusal['reason']) {}
}

class Builder {
  private work = 0;
  private readonly insts: Inst[];
  private readonly size: number;
  private readonly stamp: Int32Array;
  private readonly seen: Int32Array;
  private generation = 0;

  constructor(private readonly prog: Prog, private readonly budget: AutomatonBudget) {
    this.insts = prog.inst;
    this.size = prog.inst.length;
    this.stamp = new Int32Array(this.size);
    this.seen = new Int32Array(this.size);
  }

  private spend(units: number): void {
    this.work += units;
    if (this.work > this.budget.maxWork) throw new Refused('work');
  }

  build(): PatternAutomaton | AutomatonRefusal {
    try {
      return this.construct();
    } catch (error) {
      if (error instanceof Refused) return { reason: error.reason, work: Math.min(this.work, this.budget.maxWork) };
      throw error;
    }
  }

  private construct(): PatternAutomaton {
    const { insts, size } = this;
    // re2js's parse and compile are charged here too: they cost about this much per instruction and rune range.
    this.spend(INSTRUCTION_COST * size);
    // 1. The runes each consuming instruction accepts, as sorted [lo, hi] pairs, shared between instructions that
    // accept the same runes (re2js shares one class's array among the copies `\p{L}{1,20}` makes); which assertions occur.
    let assertions = 0;
    const rangeSetOf = new Int32Array(size).fill(-1);
    const rangeSets: number[][] = [];
    const rangeSetIds = new Map<unknown, number>();
    const useRangeSet = (pc: number, identity: unknown, ranges: () => number[]): void => {
      let id = rangeSetIds.get(identity);
      if (id === undefined) {
        id = rangeSets.length;
        const list = ranges();
        this.spend(RUNE_RANGE_COST * list.length);
        rangeSets.push(list);
        rangeSetIds.set(identity, id);
      }
      rangeSetOf[pc] = id;
    };
    for (let pc = 0; pc < size; pc++) {
      const inst = insts[pc]!;
      switch (inst.op) {
        case EMPTY_WIDTH:
          assertions |= inst.arg;
          break;
        case RUNE_ANY:
          useRangeSet(pc, 'any', () => [0, MAX_RUNE]);
          break;
        case RUNE_ANY_NOT_NL:
          useRangeSet(pc, 'any-not-nl', () => [0, 9, 11, MAX_RUNE]);
          break;
        case RUNE1:
        case RUNE: {
          const runes = inst.runes;
          if (runes.length === 1) {
            const rune = runes[0]!;
            if (inst.op === RUNE && (inst.arg & FOLD_CASE) !== 0) useRangeSet(pc, `fold:${rune}`, () => this.foldOrbit(rune));
            else useRangeSet(pc, `rune:${rune}`, () => [rune, rune]);
          } else {
            useRangeSet(pc, runes, () => Array.from(runes));
          }
          break;
        }
        case ALT: case ALT_MATCH: case CAPTURE: case FAIL: case MATCH: case NOP:
          break;
        default:
          throw new Refused('unsupported'); // lookbehind (never enabled here) or an instruction this build does not know
      }
    }
    const lines = (assertions & (BEGIN_LINE | END_LINE)) !== 0;
    const words = (assertions & (WORD_BOUNDARY | NO_WORD_BOUNDARY)) !== 0;

    // 2. Split the code points into segments on which every rune set (and \n, word-ness) agrees.
    const cuts = new Set<number>([0]);
    for (const ranges of rangeSets) {
      for (let index = 0; index < ranges.length; index += 2) {
        cuts.add(ranges[index]!);
        if (ranges[index + 1]! < MAX_RUNE) cuts.add(ranges[index + 1]! + 1);
      }
    }
    if (lines) for (const cut of [10, 11]) cuts.add(cut);
    if (words) for (const cut of [48, 58, 65, 91, 95, 96, 97, 123]) cuts.add(cut);
    const starts = Int32Array.from(cuts).sort();
    const segments = starts.length;
    const members: number[][] = Array.from({ length: segments }, () => []);
    for (let id = 0; id < rangeSets.length; id++) {
      const ranges = rangeSets[id]!;
      for (let index = 0; index < ranges.length; index += 2) {
        const hi = ranges[index + 1]!;
        for (let segment = segmentOf(starts, ranges[index]!); segment < segments && starts[segment]! <= hi; segment++) {
          members[segment]!.push(id);
        }
      }
    }
    // 3. Segments that behave alike share a class (a table column): `\p{L}` is hundreds of segments but two classes.
    const classBySignature = new Map<string, number>();
    const segmentClass = new Uint16Array(segments);
    const classFlags: number[] = []; // bit 1: newline, bit 2: word character
    const classAccepts: Uint8Array[] = []; // per class, which instructions consume it
    const inClass = new Uint8Array(rangeSets.length);
    for (let segment = 0; segment < segments; segment++) {
      const first = starts[segment]!;
      const flags = (lines && first === 10 ? 1 : 0) | (words && isWordRune(first) ? 2 : 0);
      const list = members[segment]!;
      this.spend(list.length + 1);
      const signature = `${flags}:${list.join(',')}`;
      let cls = classBySignature.get(signature);
      if (cls === undefined) {
        cls = classFlags.length;
        if (cls >= 0xffff) throw new Refused('work');
        classBySignature.set(signature, cls);
        classFlags.push(flags);
        this.spend(size);
        inClass.fill(0);
        for (const id of list) inClass[id] = 1;
        const accepts = new Uint8Array(size);
        for (let pc = 0; pc < size; pc++) if (rangeSetOf[pc]! >= 0 && inClass[rangeSetOf[pc]!] === 1) accepts[pc] = 1;
        classAccepts.push(accepts);
      }
      segmentClass[segment] = cls;
    }
    const classes = classFlags.length;

    // 4. Subset construction. A state is the set of threads waiting at this position plus what the previous
    // character was (start of text, newline, word character); a new thread starts at every position (unanchored).
    const contextMask = ((assertions & (BEGIN_TEXT | BEGIN_LINE)) !== 0 ? 1 : 0) | (lines ? 2 : 0) | (words ? 4 : 0);
    const scratch = new Int32Array(size);
    const statesByHash = new Map<number, number | number[]>();
    const statePcs: number[][] = [];
    const stateContext: number[] = [];
    const transitions: number[] = [];
    const acceptAtEnd: number[] = [];
    /** The state for the `count` sorted instructions in `scratch` after a character with `context`; added if new. */
    const stateFor = (count: number, context: number): number => {
      let hash = context * 0x9e37_79b1;
      for (let index = 0; index < count; index++) hash = Math.imul(hash ^ scratch[index]!, 0x0100_0193);
      const known = statesByHash.get(hash);
      if (known !== undefined) {
        for (const id of typeof known === 'number' ? [known] : known) {
          const pcs = statePcs[id]!;
          if (stateContext[id] !== context || pcs.length !== count) continue;
          let same = true;
          for (let index = 0; index < count && same; index++) same = pcs[index] === scratch[index];
          if (same) return id;
        }
      }
      const id = statePcs.length;
      if (id >= this.budget.maxStates || id >= MAX_AUTOMATON_STATES) throw new Refused('states');
      this.spend(classes + count);
      statePcs.push(Array.from(scratch.subarray(0, count)));
      stateContext.push(context);
      if (known === undefined) statesByHash.set(hash, id);
      else if (typeof known === 'number') statesByHash.set(hash, [known, id]);
      else known.push(id);
      return id;
    };
    stateFor(0, contextMask & 3); // before the first character: start of text and of a line
    const closures: Array<number[] | null | undefined> = [undefined, undefined, undefined, undefined, undefined];
    for (let state = 0; state < statePcs.length; state++) {
      const pcs = statePcs[state]!;
      const context = stateContext[state]!;
      // The closure depends on the next character only through \n and word-ness: at most four, plus the end of text.
      closures.fill(undefined);
      for (let cls = 0; cls <= classes; cls++) {
        const atEnd = cls === classes;
        const flags = atEnd ? 4 : classFlags[cls]!;
        let consumers = closures[flags];
        if (consumers === undefined) consumers = closures[flags] = this.closure(pcs, emptyFlags(context, flags, atEnd));
        if (atEnd) {
          acceptAtEnd.push(consumers === null ? 1 : 0);
          break;
        }
        if (consumers === null) {
          transitions.push(FOUND);
          continue;
        }
        const accepts = classAccepts[cls]!;
        this.spend(consumers.length + 1);
        const generation = ++this.generation;
        let count = 0;
        for (const pc of consumers) {
          if (accepts[pc] !== 1) continue;
          const out = insts[pc]!.out;
          if (this.seen[out] === generation) continue;
          this.seen[out] = generation;
          // Insertion into a sorted prefix: the sets are small.
          let at = count++;
          while (at > 0 && scratch[at - 1]! > out) {
            scratch[at] = scratch[at - 1]!;
            at--;
          }
          scratch[at] = out;
        }
        transitions.push(stateFor(count, (((flags & 1) !== 0 ? 2 : 0) | ((flags & 2) !== 0 ? 4 : 0)) & contextMask));
      }
    }
    const states = statePcs.length;

    // 5. States from which no match is reachable end the search at once (a `^`-anchored pattern that failed).
    const live = new Uint8Array(states);
    const incoming: number[][] = Array.from({ length: states }, () => []);
    const pending: number[] = [];
    this.spend(states * classes);
    for (let state = 0; state < states; state++) {
      let found = acceptAtEnd[state] === 1;
      for (let cls = 0; cls < classes; cls++) {
        const target = transitions[state * classes + cls]!;
        if (target === FOUND) found = true;
        else if (target !== state) incoming[target]!.push(state);
      }
      if (found) {
        live[state] = 1;
        pending.push(state);
      }
    }
    while (pending.length > 0) {
      for (const source of incoming[pending.pop()!]!) {
        if (live[source] === 0) {
          live[source] = 1;
          pending.push(source);
        }
      }
    }
    const table = new Int16Array(states * classes);
    for (let index = 0; index < table.length; index++) {
      const target = transitions[index]!;
      table[index] = target >= 0 && live[target] === 0 ? DEAD : target;
    }
    const end = Uint8Array.from(acceptAtEnd);
    const latin1 = new Uint16Array(256);
    for (let rune = 0; rune < 256; rune++) latin1[rune] = segmentClass[segmentOf(starts, rune)]!;
    const start = live[0] === 1 ? 0 : -1;
    const bytes = table.byteLength + end.byteLength + latin1.byteLength + starts.byteLength + segmentClass.byteLength;

    return Object.freeze({
      states,
      classes,
      work: this.work,
      bytes,
      test(name: string, from = 0): boolean {
        if (start < 0) return false;
        let state = start;
        const length = name.length;
        for (let index = from; index < length; index++) {
          let rune = name.charCodeAt(index);
          let cls: number;
          if (rune < 256) {
            cls = latin1[rune]!;
          } else {
            if (rune >= 0xd800 && rune <= 0xdbff && index + 1 < length) {
              const low = name.charCodeAt(index + 1);
              if (low >= 0xdc00 && low <= 0xdfff) {
                rune = (rune - 0xd800) * 1024 + (low - 0xdc00) + 0x1_0000;
                index++;
              }
            }
            cls = segmentClass[segmentOf(starts, rune)]!;
          }
          state = table[state * classes + cls]!;
          if (state < 0) return state === FOUND;
        }
        return end[state] === 1;
      },
    });
  }

  /**
   * The consuming instructions reachable from `pcs` and the program start without reading a character, given the
   * assertions that hold here; null when a match is reachable (the search succeeds at this position).
   */
  private closure(pcs: readonly number[], flags: number): number[] | null {
    const { insts, stamp } = this;
    const generation = ++this.generation;
    const stack: number[] = [this.prog.start];
    for (let index = pcs.length - 1; index >= 0; index--) stack.push(pcs[index]!);
    const consumers: number[] = [];
    let visits = 0;
    while (stack.length > 0) {
      const pc = stack.pop()!;
      if (stamp[pc] === generation) continue;
      stamp[pc] = generation;
      visits++;
      const inst = insts[pc]!;
      switch (inst.op) {
        case ALT:
        case ALT_MATCH:
          stack.push(inst.arg, inst.out);
          break;
        case NOP:
        case CAPTURE:
          stack.push(inst.out);
          break;
        case EMPTY_WIDTH:
          if ((inst.arg & ~flags) === 0) stack.push(inst.out);
          break;
        case MATCH:
          this.spend(visits);
          return null;
        case FAIL:
          break;
        default:
          consumers.push(pc);
      }
    }
    this.spend(visits);
    return consumers;
  }

  /** The runes a case-folded literal matches: re2js expands a folded class, so ask it for `(?i)[r]`. */
  private foldOrbit(rune: number): number[] {
    return foldOrbit(rune, (units) => this.spend(units));
  }
}

const orbits = new Map<number, number[]>();

function foldOrbit(rune: number, spend: (units: number) => void): number[] {
  // Charged whether cached or not, so a pattern's cost never depends on what was compiled before.
  spend(FOLD_COST);
  let orbit = orbits.get(rune);
  if (orbit === undefined) {
    orbit = [rune, rune];
    const prog = (RE2JS.compile(`(?i)[\\x{0}\\x{${rune.toString(16)}}]`).re2() as { prog: Prog }).prog;
    for (const inst of prog.inst) {
      if ((inst.op === RUNE || inst.op === RUNE1) && inst.runes.length > 0) {
        orbit = inst.runes.length === 1 ? [inst.runes[0]!, inst.runes[0]!] : Array.from(inst.runes);
        break;
      }
    }
    // The class holds U+0000 too (it keeps the class from collapsing into a folded literal): take it out again.
    if (rune !== 0 && orbit[0] === 0) {
      if (orbit[1] === 0) orbit.splice(0, 2);
      else orbit[0] = 1;
    }
    // Forget the oldest only (a compile-time cache: one Map iteration per new rune is nothing beside a compile).
    if (orbits.size >= 4_096) orbits.delete(orbits.keys().next().value!);
    orbits.set(rune, orbit);
  }
  return orbit;
}

function emptyFlags(context: number, nextFlags: number, atEnd: boolean): number {
  const begin = (context & 1) !== 0;
  let flags = 0;
  if (begin) flags |= BEGIN_TEXT | BEGIN_LINE;
  if ((context & 2) !== 0) flags |= BEGIN_LINE;
  if (atEnd) flags |= END_TEXT | END_LINE;
  else if ((nextFlags & 1) !== 0) flags |= END_LINE;
  const previousWord = (context & 4) !== 0;
  const nextWord = !atEnd && (nextFlags & 2) !== 0;
  flags |= previousWord === nextWord ? NO_WORD_BOUNDARY : WORD_BOUNDARY;
  return flags;
}

function isWordRune(rune: number): boolean {
  return (rune >= 48 && rune <= 57) || (rune >= 65 && rune <= 90) || rune === 95 || (rune >= 97 && rune <= 122);
}

/** Index of the segment holding `rune`: the last start at or below it. */
function segmentOf(starts: Int32Array, rune: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle]! <= rune) low = middle;
    else high = middle - 1;
  }
  return low;
}
