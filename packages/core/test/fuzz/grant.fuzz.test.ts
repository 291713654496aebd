/**
 * Fuzz target: grant validation (`grantFromRequestBody`, as the REST handler calls it) on grant bodies mutated
 * structurally: values replaced by any JSON, keys added, lone surrogates, over-long names, adversarial patterns.
 * Property: a typed error, or a grant whose names are well-formed, whose patterns fit the budget, and that mints a
 * token decoding to the same permissions.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { validGrant } from '../arbitraries.js';
import { isGrantkitError } from '../../src/errors.js';
import { normalizeGrant } from '../../src/grant/grant-input.js';
import { grantFromRequestBody, grantToRequestBody } from '../../src/grant/rest-body.js';
import { isWellFormed } from '../../src/internal/well-formed.js';
import { compilePattern } from '../../src/authorize/patterns.js';
import { LIMITS } from '../../src/limits.js';
import { decodeToken } from '../../src/token/reader.js';
import { mintToken } from '../../src/token/mint.js';
import { FUZZ_NOW, FUZZ_RUNS, FUZZ_SEED, FUZZ_TIMEOUT_MS, Random, fuzzKey, fuzzLoop, report } from './support.js';

const TYPED = new Set(['ERR_GRANT_INVALID', 'ERR_PATTERN_INVALID', 'ERR_LIMIT_EXCEEDED', 'ERR_REQUEST_INVALID']);
const NAMES = ['a', 'room-1', '__proto__', 'constructor', 'a\ud800', '\udc00b', 'é', '😀', '', 'x'.repeat(257), '^[ab]*a[ab]{20}$', '(a)', '^ok$', '.*'];
const VALUES: unknown[] = [0, 1, 3, 255, 256, -1, 1.5, 2 ** 53, '15', '1e3', null, true, false, [], {}, 'str', 'v\udfff', { nested: { deep: 1 } }, NaN];

function anyJson(random: Random, depth = 0): unknown {
  const roll = random.below(depth > 2 ? 3 : 5);
  if (roll === 0) return random.pick(VALUES);
  if (roll === 1) return random.pick(NAMES);
  if (roll === 2) return random.below(100_000) - 50;
  if (roll === 3) return Array.from({ length: random.below(4) }, () => anyJson(random, depth + 1));
  return Object.fromEntries(Array.from({ length: random.below(4) }, () => [random.pick(NAMES), anyJson(random, depth + 1)]));
}

/**
 * Sets an own property, as `JSON.parse` creates one: `node.__proto__ = value` would set the prototype instead (and
 * throw on a cycle), which no request body can do.
 */
function put(node: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(node, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Replaces, adds or deletes something at a random path of a grant body. */
function mutateBody(random: Random, body: Record<string, unknown>): unknown {
  const copy = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
  for (let edits = 1 + random.below(3); edits > 0; edits--) {
    let node: Record<string, unknown> = copy;
    for (let depth = 0; depth < 4; depth++) {
      const keys = Object.keys(node);
      const key = keys.length === 0 ? undefined : random.pick(keys);
      const child = key === undefined ? undefined : node[key];
      if (key === undefined || typeof child !== 'object' || child === null || random.below(3) === 0) {
        const roll = random.below(4);
        if (roll === 0 && key !== undefined) put(node, key, anyJson(random));
        else if (roll === 1 && key !== undefined) delete node[key];
        else put(node, random.pick(NAMES), random.below(2) === 0 ? random.below(256) : anyJson(random));
        break;
      }
      node = child as Record<string, unknown>;
    }
  }
  return random.below(20) === 0 ? anyJson(random) : copy;
}

it(`validates ${FUZZ_RUNS} mutated grant bodies to a typed error or a grant that mints what it says`, () => {
  const bodies = fc.sample(validGrant, { numRuns: 256, seed: FUZZ_SEED }).map((grant) => JSON.parse(grantToRequestBody(normalizeGrant(grant))) as Record<string, unknown>);
  let granted = 0;
  const { failures, watch } = fuzzLoop(FUZZ_RUNS, (random) => mutateBody(random, random.pick(bodies)), (body) => {
    let grant;
    try {
      grant = grantFromRequestBody(body);
    } catch (error) {
      return isGrantkitError(error) && TYPED.has(error.code);
    }
    granted++;
    let cost = 0;
    for (const slots of [grant.resources, grant.patterns]) {
      for (const names of Object.values(slots)) for (const name of Object.keys(names)) if (!isWellFormed(name)) return false;
    }
    for (const names of Object.values(grant.patterns)) for (const source of Object.keys(names)) cost += compilePattern(source).cost!;
    if (cost > LIMITS.maxTotalPatternCost) return false;
    const payload = decodeToken(mintToken(grant, fuzzKey, { timestamp: FUZZ_NOW }));
    return JSON.stringify(payload.resources.channels) === JSON.stringify(grant.resources.channels) &&
      JSON.stringify(payload.patterns.channels) === JSON.stringify(grant.patterns.channels);
  });
  report({ target: 'grant-validator', inputs: watch.inputs, crashes: failures.length, worstMs: watch.worstMs, granted });
  expect(failures).toEqual([]);
}, FUZZ_TIMEOUT_MS);
