/**
 * The same environment signs the same bytes in Node and in workerd. This is the Node half: the keyset is read by the
 * service's configuration (core's `readKeysetsFromEnv`) and imported with the shipped `NodeHmacKey` port; its twin,
 * packages/edge/test/keyset-parity.test.ts, reads the same variables from Worker bindings and signs with the edge
 * WebCrypto port inside workerd, and must arrive at the same constants. The secrets carry a trailing newline (as
 * `echo "$SECRET" | wrangler secret put` or a `.env` file leave them): both runtimes trim it.
 *
 * The environment and the expected bytes are one fixture in `@grantkit/conformance` (`KEYSET_PARITY`), shared by both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hex, KEYSET_PARITY } from '@grantkit/conformance';
import { importKeyset, mintToken, verifyToken } from '@grantkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { AccessManager, NodeHmacKey, nodeCrypto, resolveServiceConfig } from '../src/index.js';

const { env: ENV, grant: GRANT, timestamp: TIMESTAMP, message: MESSAGE } = KEYSET_PARITY;
const { hmacCurrent: HMAC_CURRENT, hmacPrevious: HMAC_PREVIOUS, tokenCurrent: TOKEN_CURRENT, tokenPrevious: TOKEN_PREVIOUS } = KEYSET_PARITY;

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
