/**
 * A coverage-guided fuzzer for the token decoder, in the way libFuzzer and Jazzer.js work, in plain JavaScript.
 *
 * Why not Jazzer.js: `@jazzer.js/core` 4.0.0 installs from npm with its native fuzzer prebuilt inside the package,
 * but that binary needs glibc 2.38 (Debian 12 has 2.36: `GLIBC_2.38 not found` at load), and 2.1.0 downloads its
 * binary at install time, which fails without network beyond the registry. So this does what Jazzer.js does with
 * the same building blocks it uses: the decoder's source is bundled (esbuild) and instrumented with branch and
 * statement counters (istanbul-lib-instrument, the Babel instrumentation Jazzer.js's coverage also rests on); each
 * input runs with the counters zeroed, and an input that reaches a counter bucket never reached before (hit counts
 * bucketed 1, 2, 3, 4–7, 8–15, 16–127, 128+, as libFuzzer does) joins the corpus that later inputs mutate.
 */
import { buildSync } from 'esbuild';
import { createInstrumenter } from 'istanbul-lib-instrument';
import { fileURLToPath } from 'node:url';
import { Random, randomMutation } from './support.js';

interface FileCoverage {
  s: Record<string, number>;
  b: Record<string, number[]>;
  f: Record<string, number>;
}

/** The instrumented decoder: its two entry points and its counters. */
export interface InstrumentedDecoder {
  decodeToken: (token: string) => unknown;
  parseToken: (token: string) => unknown;
  /** Zeroes every counter. */
  reset(): void;
  /** Adds the (counter, bucket) features of the last run to `into`; returns how many were new. */
  collect(into: Set<number>): number;
  /** Statements, branches and functions, and how many of each were ever reached. */
  totals(): { statements: number; statementsHit: number; branches: number; branchesHit: number };
}

const COVERAGE = '__grantkitFuzzCoverage';

/** Bundles src/token (reader, parse, and what they import) and instruments it. */
export function instrumentDecoder(): InstrumentedDecoder {
  const source = fileURLToPath(new URL('../../src/token/', import.meta.url));
  const bundle = buildSync({
    stdin: { contents: "export { decodeToken } from './reader.ts'; export { parseToken } from './parse.ts';", resolveDir: source, loader: 'ts' },
    bundle: true, format: 'cjs', platform: 'neutral', write: false, target: 'es2022', logLevel: 'silent',
  }).outputFiles[0]!.text;
  const instrumented = createInstrumenter({ coverageVariable: COVERAGE, esModules: false, compact: true, produceSourceMap: false })
    .instrumentSync(bundle, 'grantkit-decoder.js');
  const module = { exports: {} as Record<string, (token: string) => unknown> };
  new Function('module', 'exports', instrumented)(module, module.exports);
  const coverage = (globalThis as unknown as Record<string, Record<string, FileCoverage>>)[COVERAGE]!['grantkit-decoder.js']!;
  const statements = Object.values(coverage.s).length;
  const statementKeys = Object.keys(coverage.s);
  const branchArrays = Object.values(coverage.b);
  const everStatements = new Uint8Array(statements);
  const everBranches = branchArrays.map((array) => new Uint8Array(array.length));
  return {
    decodeToken: module.exports.decodeToken!,
    parseToken: module.exports.parseToken!,
    reset() {
      for (const key of statementKeys) coverage.s[key] = 0;
      for (const array of branchArrays) array.fill(0);
    },
    collect(into) {
      let fresh = 0;
      const add = (feature: number) => {
        if (!into.has(feature)) {
          into.add(feature);
          fresh++;
        }
      };
      for (let index = 0; index < statementKeys.length; index++) {
        const count = coverage.s[statementKeys[index]!]!;
        if (count > 0) {
          everStatements[index] = 1;
          add(index * 8 + bucket(count));
        }
      }
      let base = statementKeys.length * 8;
      for (let branch = 0; branch < branchArrays.length; branch++) {
        const array = branchArrays[branch]!;
        for (let arm = 0; arm < array.length; arm++) {
          if (array[arm]! > 0) {
            everBranches[branch]![arm] = 1;
            add(base + arm * 8 + bucket(array[arm]!));
          }
        }
        base += array.length * 8;
      }
      return fresh;
    },
    totals() {
      let branches = 0;
      let branchesHit = 0;
      for (const arms of everBranches) {
        branches += arms.length;
        for (const hit of arms) branchesHit += hit;
      }
      return { statements, statementsHit: everStatements.reduce((sum, hit) => sum + hit, 0), branches, branchesHit };
    },
  };
}

function bucket(count: number): number {
  if (count <= 3) return count - 1;
  if (count <= 7) return 3;
  if (count <= 15) return 4;
  if (count <= 127) return 5;
  return 6;
}

/** What a campaign found. */
export interface CampaignResult {
  executions: number;
  corpus: number;
  features: number;
  /** Inputs that threw anything but a typed grantkit error. */
  crashes: Uint8Array[];
  worstMs: number;
  totals: ReturnType<InstrumentedDecoder['totals']>;
}

// Byte sequences the decoder cares about, spliced into inputs (libFuzzer's dictionary): keys, slot names, heads.
const DICTIONARY = ['v', 't', 'ttl', 'res', 'pat', 'meta', 'uuid', 'sig', 'chan', 'grp', 'usr', 'spc']
  .flatMap((key) => [[0x40 + key.length, ...Array.from(key, (char) => char.charCodeAt(0))], [0x60 + key.length, ...Array.from(key, (char) => char.charCodeAt(0))]])
  .concat([[0x58, 0x20], [0x5f], [0x7f], [0xbf], [0xff], [0x1b, 0x00, 0x20, 0, 0, 0, 0, 0, 0], [0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [0xc2], [0xf9, 0x7c, 0x00], [0xed, 0xa0, 0x80]]);

/** Runs `executions` inputs, mutating the corpus grown from `seeds`. */
export function runCampaign(decoder: InstrumentedDecoder, seeds: Uint8Array[], executions: number, encode: (bytes: Uint8Array) => string, isTyped: (error: unknown) => boolean): CampaignResult {
  const random = new Random();
  const features = new Set<number>();
  const corpus: Uint8Array[] = [];
  const crashes: Uint8Array[] = [];
  let worstMs = 0;
  const run = (bytes: Uint8Array): boolean => {
    decoder.reset();
    const started = performance.now();
    const token = encode(bytes);
    try {
      decoder.parseToken(token);
    } catch (error) {
      if (!isTyped(error) && crashes.length < 10) crashes.push(bytes);
    }
    const elapsed = performance.now() - started;
    if (elapsed > worstMs && corpus.length > 0) worstMs = elapsed;
    return decoder.collect(features) > 0;
  };
  for (const seed of seeds) if (run(seed)) corpus.push(seed);
  for (let execution = seeds.length; execution < executions; execution++) {
    const parent = corpus[random.below(corpus.length)]!;
    let child: Uint8Array;
    const roll = random.below(10);
    if (roll < 6) {
      child = randomMutation(random, parent);
    } else if (roll < 9) {
      const word = random.pick(DICTIONARY);
      const at = random.below(parent.length + 1);
      child = Uint8Array.from([...parent.subarray(0, at), ...word, ...parent.subarray(at + (random.below(2) === 0 ? word.length : 0))]);
    } else {
      const other = corpus[random.below(corpus.length)]!;
      const cut = random.below(parent.length + 1);
      child = Uint8Array.from([...parent.subarray(0, cut), ...other.subarray(random.below(other.length + 1))]);
    }
    if (run(child)) corpus.push(child);
  }
  return { executions, corpus: corpus.length, features: features.size, crashes, worstMs, totals: decoder.totals() };
}
