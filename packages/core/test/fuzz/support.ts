/**
 * The fuzzing campaign's shared parts: how many inputs each target gets, how figures are reported, and the inputs
 * themselves (valid tokens, and tokens mutated byte by byte and structure by structure).
 *
 * In CI every target tries `FUZZ_RUNS` inputs (default 100,000); `pnpm run fuzz:long` sets 10,000,000. Each target
 * prints one line of figures and, when `FUZZ_REPORT_DIR` names a directory, writes them there as JSON (the figures
 * in docs/security.md come from such a report).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { validGrant } from '../arbitraries.js';
import { nodeCrypto } from '../ports/node-crypto.js';
import { normalizeGrant } from '../../src/grant/grant-input.js';
import { base64UrlDecode, base64UrlEncode } from '../../src/token/base64url.js';
import { mintToken } from '../../src/token/mint.js';

/** Inputs per target. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 100_000);
/** A fixed seed unless `FUZZ_SEED` says otherwise, so a CI failure replays; the long run draws a fresh one (`random`). */
export const FUZZ_SEED = process.env.FUZZ_SEED === undefined ? 0x14_14
  : process.env.FUZZ_SEED === 'random' ? Date.now() % 0x7fff_ffff : Number(process.env.FUZZ_SEED);
if (process.env.FUZZ_SEED === 'random') console.log(`fuzz: seed=${FUZZ_SEED} (replay with FUZZ_SEED=${FUZZ_SEED})`);
/**
 * Generous per-target time for vitest: CI's share is seconds to a minute, the long run hours. 2 ms an input covers the
 * slowest target (pattern compilation, about 0.8 ms an input on one core) with room for a loaded machine.
 */
export const FUZZ_TIMEOUT_MS = Math.max(120_000, FUZZ_RUNS * 2);

export const fuzzKey = nodeCrypto.importKey('sec-c-fuzz');
export const FUZZ_NOW = 1_795_353_361;

/** What one target measured. */
export interface FuzzFigures {
  target: string;
  inputs: number;
  /** Inputs that threw anything but a typed grantkit error, or broke the target's property. */
  crashes: number;
  /** The slowest single input, ms. */
  worstMs: number;
  [extra: string]: number | string;
}

/** Inputs before the slowest one is tracked: the first ones pay for JIT compilation, not for their content. */
const WARM_UP = 1_000;

/** Tracks the slowest input of a target (after warm-up). */
export class Stopwatch {
  worstMs = 0;
  inputs = 0;
  time<T>(run: () => T): T {
    const started = performance.now();
    try {
      return run();
    } finally {
      const elapsed = performance.now() - started;
      if (++this.inputs > WARM_UP && elapsed > this.worstMs) this.worstMs = elapsed;
    }
  }
}

/** A small, fast, seeded PRNG (xorshift32) for the mutation loops, where fast-check's per-run cost would dominate. */
export class Random {
  private state: number;
  constructor(seed = FUZZ_SEED) {
    this.state = (seed >>> 0) || 1;
  }
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (this.state = x >>> 0);
  }
  below(bound: number): number {
    return this.next() % bound;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }
}

/** Valid tokens to mutate: a pool drawn once by fast-check from every valid grant. */
export function tokenPool(size = 512): string[] {
  return fc.sample(validToken, { numRuns: size, seed: FUZZ_SEED });
}

/** Random edits of a valid token's bytes, as token text (1–4 edits: flips, CBOR heads, inserts, deletes, splices). */
export function randomMutation(random: Random, bytes: Uint8Array): Uint8Array {
  const edits: Mutation[] = [];
  for (let count = 1 + random.below(4); count > 0; count--) {
    const at = random.next();
    switch (random.below(7)) {
      case 0: edits.push({ kind: 'flip', at, bit: random.below(8) }); break;
      case 1: edits.push({ kind: 'set', at, value: random.below(256) }); break;
      case 2: edits.push({ kind: 'insert', at, bytes: Array.from({ length: 1 + random.below(8) }, () => random.below(256)) }); break;
      case 3: edits.push({ kind: 'delete', at, length: 1 + random.below(16) }); break;
      case 4: edits.push({ kind: 'truncate', at }); break;
      case 5: edits.push({ kind: 'duplicate', at, length: 1 + random.below(40) }); break;
      default: edits.push({ kind: 'header', at, value: random.pick(INTERESTING) });
    }
  }
  return mutate(bytes, edits);
}

/** Runs `check` on `runs` inputs; returns the inputs for which it returned false (crashes), at most 10 kept. */
export function fuzzLoop<T>(runs: number, generate: (random: Random, index: number) => T, check: (input: T) => boolean, watch = new Stopwatch()): { failures: T[]; watch: Stopwatch } {
  const random = new Random();
  const failures: T[] = [];
  for (let index = 0; index < runs; index++) {
    const input = generate(random, index);
    let ok: boolean;
    try {
      ok = watch.time(() => check(input));
    } catch {
      ok = false;
    }
    if (!ok && failures.length < 10) failures.push(input);
  }
  return { failures, watch };
}

/** Prints the figures and saves them when asked to. */
export function report(figures: FuzzFigures): void {
  const line = Object.entries(figures).map(([name, value]) => `${name}=${typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(3) : value}`).join(' ');
  console.log(`fuzz: ${line}`);
  const directory = process.env.FUZZ_REPORT_DIR;
  if (directory !== undefined) {
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, `${figures.target}.json`), `${JSON.stringify(figures, null, 2)}\n`);
  }
}

/** fast-check parameters for a target: its run count, the seed, and no shrinking time limit surprises. */
export function runParameters(runs = FUZZ_RUNS): fc.Parameters<unknown> {
  return { numRuns: runs, seed: FUZZ_SEED, endOnFailure: true };
}

/** Valid tokens, minted from any valid grant. */
export const validToken: fc.Arbitrary<string> = fc.tuple(validGrant, fc.integer({ min: 0, max: 2 ** 32 }))
  .map(([grant, timestamp]) => mintToken(normalizeGrant(grant), fuzzKey, { timestamp }));

/** One edit of a byte string. */
type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate'; at: number; length: number }
  | { kind: 'header'; at: number; value: number };

// Bytes that change a CBOR item's meaning: every major type with each width, indefinite lengths, tags, simple values.
const INTERESTING = [0x00, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1f, 0x20, 0x38, 0x3b, 0x40, 0x58, 0x5b, 0x5f, 0x60, 0x78,
  0x7b, 0x7f, 0x80, 0x98, 0x9b, 0x9f, 0xa0, 0xb8, 0xbb, 0xbf, 0xc0, 0xc2, 0xd8, 0xe0, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
  0xf9, 0xfa, 0xfb, 0xff, 0x7f, 0x80, 0xed, 0xc3, 0xfe];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 9 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('header' as const), at: fc.nat(), value: fc.constantFrom(...INTERESTING) }),
);

/** Applies edits to a copy of `bytes`; positions wrap around the current length. */
export function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out = Array.from(bytes);
  for (const edit of mutations) {
    const at = out.length === 0 ? 0 : edit.at % out.length;
    switch (edit.kind) {
      case 'flip': if (out.length > 0) out[at]! ^= 1 << edit.bit; break;
      case 'set': case 'header': if (out.length > 0) out[at] = edit.kind === 'set' ? edit.value : edit.value; break;
      case 'insert': out.splice(at, 0, ...edit.bytes); break;
      case 'delete': out.splice(at, edit.length); break;
      case 'truncate': out = out.slice(0, at); break;
      case 'duplicate': out.splice(at, 0, ...out.slice(at, at + edit.length)); break;
    }
  }
  return Uint8Array.from(out);
}

/** A valid token's bytes with 1–4 edits, as token text. */
export const mutatedToken: fc.Arbitrary<{ original: string; token: string }> = fc.tuple(validToken, fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([original, edits]) => ({ original, token: base64UrlEncode(mutate(base64UrlDecode(original), edits)) }));

/** Anything a client could send as a token: mutated tokens mostly, random text and base64url of random bytes too. */
export const hostileToken: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: mutatedToken.map(({ token }) => token) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }).map((bytes) => base64UrlEncode(bytes)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 60 }).map((bytes) => base64UrlEncode(Uint8Array.from([0xa0 + (bytes[0] ?? 0) % 24, ...bytes]))) },
);
