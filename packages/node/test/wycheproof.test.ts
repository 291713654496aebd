/** Project Wycheproof's HMAC-SHA256 vectors through the shipped Node crypto port (`NodeHmacKey`). */
import { expect, it } from 'vitest';
import { runWycheproofHmac } from '@grantkit/conformance';
import { nodeCrypto } from '../src/crypto.js';

it('passes every Wycheproof HMAC-SHA256 case', async () => {
  const outcome = await runWycheproofHmac(nodeCrypto);
  expect(outcome.cases).toBe(174);
  expect(outcome.failures).toEqual([]);
});
