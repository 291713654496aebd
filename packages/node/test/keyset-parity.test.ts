/**
 * The same environment signs the same bytes in Node and in workerd. This is the Node half: the keyset is read by the
 * service's configuration (core's `readKeysetsFromEnv`) and imported with the shipped `NodeHmacKey` port; its twin,
 * packages/edge/test/keyset-parity.test.ts, reads the same variables from Worker bindings and signs with the edge
 * WebCrypto port inside workerd, and must arrive at the same constants. The secrets carry a trailing newline (as
 * `echo "$SECRET" | wrangler secret put` or a `.env` file leave them): both runtimes trim it.
 *
 * If the token layout ever changes on purpose, regenerate TOKEN_CURRENT/TOKEN_PREVIOUS here and copy them to the twin.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Channel, importKeyset, mintToken, verifyToken } from '@grantkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { AccessManager, NodeHmacKey, nodeCrypto, resolveServiceConfig } from '../src/index.js';

const ENV = {
  GRANTKIT_SUBSCRIBE_KEY: 'sub-c-parity',
  GRANTKIT_PUBLISH_KEY: 'pub-c-parity',
  GRANTKIT_SECRET_KEY: 'sec-c-parity-current\n',
  GRANTKIT_PREVIOUS_SECRET_KEYS: 'sec-c-parity-previous \n',
};
const GRANT = { ttl: 60, authorizedUuid: 'alice', channels: [Channel.id('room-1').read().write()], meta: { plan: 'pro' } };
const TIMESTAMP = 1_790_000_000;
const MESSAGE = new TextEncoder().encode('grantkit: the same secret, the same bytes');
// HMAC-SHA256 of MESSAGE under the trimmed secrets: independent of the token layout.
const HMAC_CURRENT = 'b2e5579ecd72151d2b498b381a936e63f55e07794f9ce8c3573ea39f081bf56f';
const HMAC_PREVIOUS = 'c1f8a278a40158b1c18a10fe3d165c77b1a64814bc0fffe6db68be294792bf3b';
const TOKEN_CURRENT = 'qEF2AkF0GmqxO4BDdHRsGDxDcmVzpURjaGFuoWZyb29tLTEDQ2dycKBDc3BjoEN1c3KgRHV1aWSgQ3BhdKVEY2hhbqBDZ3JwoENzcGOgQ3VzcqBEdXVpZKBEbWV0YaFkcGxhbmNwcm9EdXVpZGVhbGljZUNzaWdYIL58Xi-alcAhMLAwKPCPPE5lz_nXGQsHH1CvACnUtJS4';
const TOKEN_PREVIOUS = 'qEF2AkF0GmqxO4BDdHRsGDxDcmVzpURjaGFuoWZyb29tLTEDQ2dycKBDc3BjoEN1c3KgRHV1aWSgQ3BhdKVEY2hhbqBDZ3JwoENzcGOgQ3VzcqBEdXVpZKBEbWV0YaFkcGxhbmNwcm9EdXVpZGVhbGljZUNzaWdYIGAVDV14MIwDsNnIghfsRpJmMhlLNXzTqNKx3FxE8aoZ';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const cwd = mkdtempSync(join(tmpdir(), 'grantkit-parity-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('the same environment in Node', () => {
  it('signs what workerd signs, the trailing newline trimmed', () => {
    const [config] = resolveServiceConfig({ env: ENV, cwd }).keysets;
    const keyset = importKeyset(config!, nodeCrypto);
    expect(keyset.keys[0]).toBeInstanceOf(NodeHmacKey);
    expect(keyset.keys.map((key) => hex(key.sign(MESSAGE)))).toEqual([HMAC_CURRENT, HMAC_PREVIOUS]);
    expect(mintToken(GRANT, keyset.keys[0]!, { timestamp: TIMESTAMP })).toBe(TOKEN_CURRENT);
    expect(mintToken(GRANT, keyset.keys[1]!, { timestamp: TIMESTAMP })).toBe(TOKEN_PREVIOUS);
  });

  it('signs the same through the SDK given the raw variables', () => {
    const accessManager = new AccessManager({
      subscribeKey: ENV.GRANTKIT_SUBSCRIBE_KEY, secretKey: ENV.GRANTKIT_SECRET_KEY, clock: () => TIMESTAMP,
      previousSecretKeys: [ENV.GRANTKIT_PREVIOUS_SECRET_KEYS],
    });
    expect(accessManager.grantTokenSync(GRANT)).toBe(TOKEN_CURRENT);
    expect(accessManager.verifyToken(TOKEN_PREVIOUS, { ignoreTime: true }).keyIndex).toBe(1);
  });

  it('would not, had the newline been kept: the rule is what makes the runtimes agree', () => {
    const untrimmed = new NodeHmacKey(ENV.GRANTKIT_SECRET_KEY);
    expect(hex(untrimmed.sign(MESSAGE))).not.toBe(HMAC_CURRENT);
    expect(() => verifyToken(mintToken(GRANT, untrimmed, { timestamp: TIMESTAMP }), importKeyset(resolveServiceConfig({ env: ENV, cwd }).keysets[0]!, nodeCrypto).keys, { ignoreTime: true }))
      .toThrow(expect.objectContaining({ code: 'ERR_TOKEN_SIGNATURE_INVALID' }));
  });
});
