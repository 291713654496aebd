/** Project Wycheproof's HMAC-SHA256 vectors through the shipped WebCrypto port, inside workerd. */
import { webCryptoHmacSha256 } from '@grantkit/edge';
import { expect, it } from 'vitest';
import { runWycheproofHmac } from '@grantkit/conformance';

it('passes every Wycheproof HMAC-SHA256 case', async () => {
  const outcome = await runWycheproofHmac(webCryptoHmacSha256);
  expect(outcome.cases).toBe(174);
  expect(outcome.failures).toEqual([]);
});
