/**
 * Fuzz target: the token decoder (`decodeToken`, `parseToken`) on mutated, random and truncated tokens. Property: a
 * typed grantkit error or a well-formed payload (exact integers, safe expiry, well-formed text), never anything else.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { isGrantkitError } from '../../src/errors.js';
import { isWellFormed } from '../../src/internal/well-formed.js';
import { base64UrlDecode, base64UrlEncode } from '../../src/token/base64url.js';
import { decodeToken, tokenExpiresAt, type TokenPayload } from '../../src/token/reader.js';
import { parseToken } from '../../src/token/parse.js';
import { FUZZ_RUNS, FUZZ_TIMEOUT_MS, fuzzLoop, hostileToken, randomMutation, report, runParameters, tokenPool } from './support.js';

function wellFormedPayload(payload: TokenPayload): boolean {
  if (![payload.version, payload.timestamp, payload.ttl].every(Number.isSafeInteger)) return false;
  if (!Number.isSafeInteger(tokenExpiresAt(payload))) return false;
  if (payload.authorizedUuid !== undefined && !isWellFormed(payload.authorizedUuid)) return false;
  for (const slots of [payload.resources, payload.patterns]) {
    for (const names of Object.values(slots) as Array<Record<string, number>>) {
      for (const [name, mask] of Object.entries(names)) if (!isWellFormed(name) || !Number.isInteger(mask) || mask < 0 || mask > 0xffff_ffff) return false;
    }
  }
  return payload.signature instanceof Uint8Array;
}

let decoded = 0;
function decodesSafely(token: string): boolean {
  try {
    const payload = decodeToken(token);
    parseToken(token);
    decoded++;
    return wellFormedPayload(payload);
  } catch (error) {
    return isGrantkitError(error) && (error.code === 'ERR_TOKEN_MALFORMED' || error.code === 'ERR_LIMIT_EXCEEDED');
  }
}

it(`decodes ${FUZZ_RUNS} mutated tokens to a typed error or a well-formed payload`, () => {
  const pool = tokenPool().map((token) => base64UrlDecode(token));
  const { failures, watch } = fuzzLoop(FUZZ_RUNS, (random) => {
    const roll = random.below(10);
    if (roll === 0) return base64UrlEncode(Uint8Array.from({ length: random.below(300) }, () => random.below(256)));
    if (roll === 1) return String.fromCharCode(...Array.from({ length: random.below(60) }, () => random.below(0x10000)));
    return base64UrlEncode(randomMutation(random, random.pick(pool)));
  }, decodesSafely);
  report({ target: 'decoder', inputs: watch.inputs, crashes: failures.length, worstMs: watch.worstMs, decoded });
  expect(failures).toEqual([]);
  expect(watch.inputs).toBe(FUZZ_RUNS);
}, FUZZ_TIMEOUT_MS);

it('decodes structured hostile tokens from fast-check (shrinks a failure to its smallest form)', () => {
  fc.assert(fc.property(hostileToken, decodesSafely), runParameters(Math.min(FUZZ_RUNS, 2_000)));
}, FUZZ_TIMEOUT_MS);
