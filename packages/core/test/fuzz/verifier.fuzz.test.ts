/**
 * Fuzz target: `verifyToken` on tokens mutated byte by byte. Property: a typed error, or success only when the bytes
 * are the original's: no edit of a signed token verifies (one signed token has one text).
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { isGrantkitError } from '../../src/errors.js';
import { base64UrlDecode, base64UrlEncode } from '../../src/token/base64url.js';
import { verifyToken } from '../../src/token/verify.js';
import { FUZZ_NOW, FUZZ_RUNS, FUZZ_TIMEOUT_MS, fuzzKey, fuzzLoop, mutatedToken, randomMutation, report, runParameters, tokenPool } from './support.js';

const same = (left: Uint8Array, right: Uint8Array) => left.length === right.length && left.every((byte, index) => byte === right[index]);
let unchanged = 0;
function onlyTheOriginalVerifies({ original, token }: { original: Uint8Array; token: string }): boolean {
  try {
    verifyToken(token, fuzzKey, { now: FUZZ_NOW, ignoreTime: true });
  } catch (error) {
    return isGrantkitError(error);
  }
  unchanged++;
  return same(base64UrlDecode(token), original);
}

it(`verifies none of ${FUZZ_RUNS} edited tokens unless the edit left the bytes unchanged`, () => {
  const pool = tokenPool().map((token) => base64UrlDecode(token));
  const { failures, watch } = fuzzLoop(FUZZ_RUNS, (random) => {
    const original = random.pick(pool);
    return { original, token: base64UrlEncode(randomMutation(random, original)) };
  }, onlyTheOriginalVerifies);
  report({ target: 'verifier', inputs: watch.inputs, crashes: failures.length, worstMs: watch.worstMs, verifiedUnchanged: unchanged });
  expect(failures).toEqual([]);
  expect(watch.inputs).toBe(FUZZ_RUNS);
}, FUZZ_TIMEOUT_MS);

it('verifies structured edits from fast-check the same way', () => {
  fc.assert(fc.property(mutatedToken, ({ original, token }) => onlyTheOriginalVerifies({ original: base64UrlDecode(original), token })), runParameters(Math.min(FUZZ_RUNS, 2_000)));
}, FUZZ_TIMEOUT_MS);
