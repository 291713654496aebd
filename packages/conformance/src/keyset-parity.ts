/**
 * One environment, one set of bytes: the fixture both runtimes' keyset-parity tests share (Node reads it with the
 * service's configuration and signs with `NodeHmacKey`; workerd reads it as Worker bindings and signs with the
 * WebCrypto port). The secrets carry a trailing newline, as `echo "$SECRET" | wrangler secret put` or a `.env` file
 * leave them: both runtimes must trim it and arrive at these constants.
 *
 * If the token layout ever changes on purpose, regenerate `tokenCurrent`/`tokenPrevious` (the Node test prints what
 * it minted when they differ).
 *
 * @module
 */
import { Channel, type GrantTokenOptions } from '@grantkit/core';

/**
 * The shared environment, grant and expected signatures of the keyset-parity tests.
 *
 * Exported from `@grantkit/conformance`.
 *
 * @example
 * ```ts
 * import { KEYSET_PARITY } from '@grantkit/conformance';
 * const [config] = resolveServiceConfig({ env: KEYSET_PARITY.env }).keysets;
 * expect(mintToken(KEYSET_PARITY.grant, importKeyset(config, nodeCrypto).keys[0], { timestamp: KEYSET_PARITY.timestamp }))
 *   .toBe(KEYSET_PARITY.tokenCurrent);
 * ```
 */
export const KEYSET_PARITY = Object.freeze({
  env: Object.freeze({
    GRANTKIT_SUBSCRIBE_KEY: 'sub-c-parity',
    GRANTKIT_PUBLISH_KEY: 'pub-c-parity',
    GRANTKIT_SECRET_KEY: 'sec-c-parity-current\n',
    GRANTKIT_PREVIOUS_SECRET_KEYS: 'sec-c-parity-previous \n',
  }),
  grant: { ttl: 60, authorizedUuid: 'alice', channels: [Channel.id('room-1').read().write()], meta: { plan: 'pro' } } as GrantTokenOptions,
  timestamp: 1_790_000_000,
  message: new TextEncoder().encode('grantkit: the same secret, the same bytes'),
  /** HMAC-SHA256 of `message` under the trimmed current secret: independent of the token layout. */
  hmacCurrent: 'b2e5579ecd72151d2b498b381a936e63f55e07794f9ce8c3573ea39f081bf56f',
  /** The same under the trimmed previous secret. */
  hmacPrevious: 'c1f8a278a40158b1c18a10fe3d165c77b1a64814bc0fffe6db68be294792bf3b',
  /** `grant` minted at `timestamp` with the current secret. */
  tokenCurrent: 'qEF2AkF0GmqxO4BDdHRsGDxDcmVzpURjaGFuoWZyb29tLTEDQ2dycKBDc3BjoEN1c3KgRHV1aWSgQ3BhdKVEY2hhbqBDZ3JwoENzcGOgQ3VzcqBEdXVpZKBEbWV0YaFkcGxhbmNwcm9EdXVpZGVhbGljZUNzaWdYIL58Xi-alcAhMLAwKPCPPE5lz_nXGQsHH1CvACnUtJS4',
  /** ...and with the previous one. */
  tokenPrevious: 'qEF2AkF0GmqxO4BDdHRsGDxDcmVzpURjaGFuoWZyb29tLTEDQ2dycKBDc3BjoEN1c3KgRHV1aWSgQ3BhdKVEY2hhbqBDZ3JwoENzcGOgQ3VzcqBEdXVpZKBEbWV0YaFkcGxhbmNwcm9EdXVpZGVhbGljZUNzaWdYIGAVDV14MIwDsNnIghfsRpJmMhlLNXzTqNKx3FxE8aoZ',
});

/**
 * Lower-case hex of bytes, without Node's `Buffer` (the workerd half has none).
 *
 * Exported from `@grantkit/conformance`.
 *
 * @example
 * ```ts
 * hex(new Uint8Array([1, 255])); // '01ff'
 * ```
 */
export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
