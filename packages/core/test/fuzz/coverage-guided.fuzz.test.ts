/**
 * Fuzz target: the token decoder under a coverage-guided fuzzer (see coverage-guided.ts for why not Jazzer.js).
 * Property: no input throws anything but a typed grantkit error. Reports executions, corpus, coverage reached.
 */
import { expect, it } from 'vitest';
import { isGrantkitError } from '../../src/errors.js';
import { base64UrlDecode, base64UrlEncode } from '../../src/token/base64url.js';
import { instrumentDecoder, runCampaign } from './coverage-guided.js';
import { FUZZ_RUNS, FUZZ_TIMEOUT_MS, report, tokenPool } from './support.js';

it(`runs the coverage-guided decoder campaign for ${FUZZ_RUNS} executions without a crash`, () => {
  const decoder = instrumentDecoder();
  const seeds = [...tokenPool(64).map((token) => base64UrlDecode(token)), new Uint8Array(0), Uint8Array.of(0xa0), Uint8Array.of(0xbf, 0xff)];
  const result = runCampaign(decoder, seeds, FUZZ_RUNS, (bytes) => base64UrlEncode(bytes), isGrantkitError);
  report({
    target: 'decoder-coverage-guided', inputs: result.executions, crashes: result.crashes.length, worstMs: result.worstMs,
    corpus: result.corpus, features: result.features,
    statements: `${result.totals.statementsHit}/${result.totals.statements}`, branches: `${result.totals.branchesHit}/${result.totals.branches}`,
  });
  expect(result.crashes.map((bytes) => base64UrlEncode(bytes))).toEqual([]);
  // The campaign must actually explore: most of the decoder's branches are reached from 64 valid seeds.
  expect(result.totals.branchesHit / result.totals.branches).toBeGreaterThan(0.6);
}, FUZZ_TIMEOUT_MS);
