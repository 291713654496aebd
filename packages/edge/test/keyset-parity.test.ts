/**
 * The same environment signs the same bytes in workerd and in Node. This is the workerd half: the keyset comes from
 * Worker bindings through `keysetsFromEnv` (core's `readKeysetsFromEnv` + `importKeyset` with the WebCrypto port);
 * its twin, packages/node/test/keyset-parity.test.ts, reads the same variables in Node and signs with the shipped
 * `NodeHmacKey`, arriving at the same constants. The secrets carry a trailing newline; both runtimes trim it.
 */
import { Channel, mintToken } from '@grantkit/core';
import { keysetsFromEnv } from '@grantkit/edge';
import { describe, expect, it } from 'vitest';

const ENV = {
  GRANTKIT_SUBSCRIBE_KEY: 'sub-c-parity',
  GRANTKIT_PUBLISH_KEY: 'pub-c-parity',
  GRANTKIT_SECRET_KEY: 'sec-c-parity-current\n',
  GRANTKIT_PREVIOUS_SECRET_KEYS: 'sec-c-parity-previous \n',
};
const GRANT = { ttl: 60, authorizedUuid: 'alice', channels: [Channel.id('room-1').read().write()], meta: { plan: 'pro' } };
const TIMESTAMP = 1_790_000_000;
const MESSAGE = new TextEncoder().encode('grantkit: the same secret, the same bytes');
// The Node twin's constants, minted there with NodeHmacKey.
const HMAC_CURRENT = 'b2e5579ecd72151d2b498b381a936e63f55e07794f9ce8c3573ea39f081bf56f';
const HMAC_PREVIOUS = 'c1f8a278a40158b1c18a10fe3d165c77b1a64814bc0fffe6db68be294792bf3b';
const TOKEN_CURRENT = 'qEF2AkF0GmqxO4BDdHRsGDxDcmVzpURjaGFuoWZyb29tLTEDQ2dycKBDc3BjoEN1c3KgRHV1aWSgQ3BhdKVEY2hhbqBDZ3JwoENzcGOgQ3VzcqBEdXVpZKBEbWV0YaFkcGxhbmNwcm9EdXVpZGVhbGljZUNzaWdYIL58Xi-alcAhMLAwKPCPPE5lz_nXGQsHH1CvACnUtJS4';
const TOKEN_PREVIOUS = 'qEF2AkF0GmqxO4BDdHRsGDxDcmVzpURjaGFuoWZyb29tLTEDQ2dycKBDc3BjoEN1c3KgRHV1aWSgQ3BhdKVEY2hhbqBDZ3JwoENzcGOgQ3VzcqBEdXVpZKBEbWV0YaFkcGxhbmNwcm9EdXVpZGVhbGljZUNzaWdYIGAVDV14MIwDsNnIghfsRpJmMhlLNXzTqNKx3FxE8aoZ';

const hex = (bytes: Uint8Array) => [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');

describe('the same environment in workerd', () => {
  it('signs what Node signs, the trailing newline trimmed', async () => {
    const keyset = (await keysetsFromEnv(ENV)).get('sub-c-parity')!;
    expect(await Promise.all(keyset.keys.map(async (key) => hex(await key.sign(MESSAGE))))).toEqual([HMAC_CURRENT, HMAC_PREVIOUS]);
    expect(await mintToken(GRANT, keyset.keys[0]!, { timestamp: TIMESTAMP })).toBe(TOKEN_CURRENT);
    expect(await mintToken(GRANT, keyset.keys[1]!, { timestamp: TIMESTAMP })).toBe(TOKEN_PREVIOUS);
  });
});
