/**
 * The same environment signs the same bytes in workerd and in Node. This is the workerd half: the keyset comes from
 * Worker bindings through `keysetsFromEnv` (core's `readKeysetsFromEnv` + `importKeyset` with the WebCrypto port);
 * its twin, packages/node/test/keyset-parity.test.ts, reads the same variables in Node and signs with the shipped
 * `NodeHmacKey`, arriving at the same constants (one fixture in `@grantkit/conformance`: `KEYSET_PARITY`). The secrets carry a trailing newline; both runtimes trim it.
 */
import { hex, KEYSET_PARITY } from '@grantkit/conformance';
import { mintToken } from '@grantkit/core';
import { keysetsFromEnv } from '@grantkit/edge';
import { describe, expect, it } from 'vitest';

const { env: ENV, grant: GRANT, timestamp: TIMESTAMP, message: MESSAGE } = KEYSET_PARITY;

describe('the same environment in workerd', () => {
  it('signs what Node signs, the trailing newline trimmed', async () => {
    const keyset = (await keysetsFromEnv(ENV)).get('sub-c-parity')!;
    expect(await Promise.all(keyset.keys.map(async (key) => hex(await key.sign(MESSAGE))))).toEqual([KEYSET_PARITY.hmacCurrent, KEYSET_PARITY.hmacPrevious]);
    expect(await mintToken(GRANT, keyset.keys[0]!, { timestamp: TIMESTAMP })).toBe(KEYSET_PARITY.tokenCurrent);
    expect(await mintToken(GRANT, keyset.keys[1]!, { timestamp: TIMESTAMP })).toBe(KEYSET_PARITY.tokenPrevious);
  });
});
