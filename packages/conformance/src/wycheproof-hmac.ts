/**
 * Project Wycheproof's HMAC-SHA256 vectors against a crypto port (`HmacSha256`): the Node port and the WebCrypto port
 * each run them through `runWycheproofHmac`.
 *
 * For full 256-bit tags: `sign` gives the tag of every valid case, and `verify` accepts exactly the valid ones (the
 * invalid ones are modified tags: the check must look at every bit). For 128-bit tags: the truncated `sign` output
 * matches exactly the valid ones, and `verify` accepts none, valid or not: a port that took truncated tags would let
 * a 16-byte forgery stand for a token signature.
 */
import vectors from '../vectors/wycheproof-hmac-sha256.json';
import type { HmacSha256 } from '@grantkit/core';

/**
 * What {@link runWycheproofHmac} found.
 *
 * Exported from `@grantkit/conformance`.
 *
 * @example
 * ```ts
 * const outcome: WycheproofOutcome = { cases: 174, failures: [] };
 * ```
 */
export interface WycheproofOutcome {
  /** How many cases ran. */
  cases: number;
  /** `tcId: what went wrong` for every case the port got wrong. */
  failures: string[];
}

const bytes = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
const same = (left: Uint8Array, right: Uint8Array) => left.length === right.length && left.every((byte, index) => byte === right[index]);

/**
 * Runs every Wycheproof HMAC-SHA256 case through a crypto port.
 *
 * Exported from `@grantkit/conformance`.
 *
 * @param port - The runtime's HMAC-SHA256 port, as shipped.
 * @returns The case count and every case the port got wrong.
 * @example
 * ```ts
 * import { runWycheproofHmac } from '@grantkit/conformance';
 * import { nodeCrypto } from '@grantkit/node';
 * expect((await runWycheproofHmac(nodeCrypto)).failures).toEqual([]);
 * ```
 */
export async function runWycheproofHmac(port: HmacSha256): Promise<WycheproofOutcome> {
  const failures: string[] = [];
  let cases = 0;
  for (const group of vectors.testGroups) {
    for (const test of group.tests) {
      cases++;
      const key = await port.importKey(bytes(test.key));
      const message = bytes(test.msg);
      const tag = bytes(test.tag);
      const valid = test.result === 'valid';
      const signed = await key.sign(message);
      const verified = await key.verify(message, tag);
      if (group.tagSize === 256) {
        if (valid !== same(signed, tag)) failures.push(`${test.tcId}: sign ${valid ? 'differs from' : 'matches'} the tag`);
        if (verified !== valid) failures.push(`${test.tcId}: verify says ${verified} for a ${test.result} tag`);
      } else {
        if (valid !== same(signed.subarray(0, group.tagSize / 8), tag)) failures.push(`${test.tcId}: truncated sign disagrees`);
        if (verified) failures.push(`${test.tcId}: verify accepted a ${group.tagSize}-bit tag`);
      }
    }
  }
  return { cases, failures };
}
