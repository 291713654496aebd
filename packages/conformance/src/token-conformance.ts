/**
 * The runtime parity suite: the same vectors and behaviours, run in Node, workerd and Chromium. It receives the
 * library and the runtime's shipped crypto port as parameters and imports nothing runtime-specific.
 *
 * @module
 */
import { describe, expect, it } from 'vitest';
import type * as Core from '@grantkit/core';
import type { HmacKey, HmacSha256 } from '@grantkit/core';
import expectedParse from '../vectors/pubnub-parse-expected.json';
import pubnubTokens from '../vectors/pubnub-tokens.json';
import signatureVectors from '../vectors/signatures.json';

/**
 * What a runtime plugs into {@link runConformance}: its shipped crypto port.
 *
 * Exported from `@grantkit/conformance`.
 *
 * @example
 * ```ts
 * const ports: ConformancePorts = { crypto: nodeCrypto }; // from @grantkit/node
 * ```
 */
export interface ConformancePorts {
  /** The runtime's `HmacSha256` port, as its package ships it. */
  crypto: HmacSha256;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

/**
 * The token minted from {@link fixedGrant} at 1_700_000_000 with secret `sec-c-conformance` (computed once, in Node):
 * every runtime must mint exactly these bytes.
 *
 * Exported from `@grantkit/conformance`.
 *
 * @example
 * ```ts
 * expect(mintToken(fixedGrant(lib), key, { timestamp: 1_700_000_000 })).toBe(FIXED_TOKEN);
 * ```
 */
export const FIXED_TOKEN =
  'qEF2AkF0GmVT8QBDdHRsGDxDcmVzpURjaGFuoWZyb29tLTEDQ2dycKFkY2ctMQVDc3BjoEN1c3KgRHV1aWShY2JvYhhgQ3BhdKVEY2hhbqFtXnJvb20tWzAtOV0rJAFDZ3JwoENzcGOgQ3VzcqBEdXVpZKBEbWV0YaRkcm9sZWVhZG1pbmVsZXZlbANlcmF0aW_7P-AAAAAAAABkYmV0YfVEdXVpZGVhbGljZUNzaWdYIIJCBCwOmKLh0oFhnhu6gRgT9RNJybLZCHuO68CG8jSl';

/**
 * The grant behind {@link FIXED_TOKEN}: every slot, a pattern, an authorized uuid and typed meta.
 *
 * Exported from `@grantkit/conformance`.
 *
 * @param lib - `@grantkit/core`, for its builders.
 * @returns The grant options.
 * @example
 * ```ts
 * const token = mintToken(fixedGrant(lib), key, { timestamp: 1_700_000_000 });
 * ```
 */
export function fixedGrant(lib: typeof Core): Core.GrantTokenOptions {
  return {
    ttl: 60,
    authorizedUuid: 'alice',
    meta: { role: 'admin', level: 3, ratio: 0.5, beta: true },
    channels: [lib.Channel.id('room-1').read().write(), lib.Channel.pattern('^room-[0-9]+$').read()],
    groups: [lib.Group.id('cg-1').read().manage()],
    uuids: [lib.UUID.id('bob').get().update()],
  };
}

/**
 * Registers the conformance suite with vitest: `parseToken` equals the official SDK on public PubNub tokens, minting
 * is byte-identical to {@link FIXED_TOKEN}, signature v2 vectors, and typed errors for hostile tokens.
 *
 * Exported from `@grantkit/conformance`.
 *
 * @param lib - `@grantkit/core` as the runtime loads it.
 * @param ports - The runtime's shipped ports.
 * @example
 * ```ts
 * import * as lib from '@grantkit/core';
 * import { nodeCrypto } from '@grantkit/node';
 * import { runConformance } from '@grantkit/conformance';
 * runConformance(lib, { crypto: nodeCrypto });
 * ```
 */
export function runConformance(lib: typeof Core, ports: ConformancePorts): void {
  const key = (secret: string) => Promise.resolve(ports.crypto.importKey(secret)) as Promise<HmacKey>;

  describe('conformance: parseToken on public PubNub tokens', () => {
    for (const vector of pubnubTokens.tokens) {
      it(`parses ${vector.id} exactly as the official SDK`, () => {
        const parsed = lib.parseToken(vector.token);
        const expected = (expectedParse.parsed as Record<string, Record<string, unknown>>)[vector.id]!;
        const { signature, ...rest } = parsed;
        const { signature: expectedSignature, ...expectedRest } = expected;
        expect(hex(signature)).toBe(expectedSignature);
        // The SDK always sets authorized_uuid, undefined when unbound (JSON drops it from the fixture).
        expect(rest).toStrictEqual({ authorized_uuid: undefined, ...expectedRest });
        expect(Object.keys(parsed)).toContain('authorized_uuid');
      });
    }

    it('accepts the unpadded form of a padded token', () => {
      const padded = pubnubTokens.tokens.find((vector) => vector.token.endsWith('='))!.token;
      expect(lib.parseToken(padded.replace(/=+$/, ''))).toEqual(lib.parseToken(padded));
    });
  });

  describe('conformance: minting is byte-identical across runtimes', () => {
    it('mints the fixed vector', async () => {
      const token = await lib.mintToken(fixedGrant(lib), await key('sec-c-conformance'), { timestamp: 1_700_000_000 });
      expect(token).toBe(FIXED_TOKEN);
    });

    it('verifies the fixed vector and authorizes against it', async () => {
      const verified = await lib.verifyToken(FIXED_TOKEN, await key('sec-c-conformance'), { now: 1_700_000_100 });
      expect(verified.authorizedUuid).toBe('alice');
      expect(verified.expiresAt).toBe(1_700_000_000 + 3600);
      const request = { uuid: 'alice', resource: { channel: 'room-42' }, permission: 'read' as const, now: 1_700_000_100 };
      expect(lib.authorize(verified, request)).toMatchObject({ allowed: true, match: { source: 'patterns', key: '^room-[0-9]+$' } });
      expect(lib.authorize(verified, { ...request, permission: 'write' })).toMatchObject({ allowed: false, reason: 'permission-missing' });
      expect(lib.authorize(verified, { ...request, uuid: 'mallory' })).toMatchObject({ allowed: false, reason: 'uuid-mismatch' });
    });

    it('rejects the fixed vector under another secret, and accepts it as a previous secret', async () => {
      await expect(Promise.resolve().then(async () => lib.verifyToken(FIXED_TOKEN, await key('other'), { now: 1_700_000_100 })))
        .rejects.toMatchObject({ code: 'ERR_TOKEN_SIGNATURE_INVALID' });
      const rotated = await lib.verifyToken(FIXED_TOKEN, [await key('new'), await key('sec-c-conformance')], { now: 1_700_000_100 });
      expect(rotated.keyIndex).toBe(1);
    });

    it('rejects every single-bit flip of the fixed vector', async () => {
      const signingKey = await key('sec-c-conformance');
      const bytes = lib.base64UrlDecode(FIXED_TOKEN);
      for (let index = 0; index < bytes.length; index++) {
        const flipped = bytes.slice();
        flipped[index]! ^= 1 << (index % 8);
        const outcome = await Promise.resolve()
          .then(() => lib.verifyToken(lib.base64UrlEncode(flipped), signingKey, { now: 1_700_000_100 }))
          .then(() => 'accepted', (error: Core.GrantkitError) => error.code);
        expect(['ERR_TOKEN_MALFORMED', 'ERR_TOKEN_SIGNATURE_INVALID'], `byte ${index}`).toContain(outcome);
      }
    });
  });

  describe('conformance: signature v2 vectors', () => {
    for (const vector of signatureVectors.v2_vectors) {
      it(`signs ${vector.id}`, async () => {
        const [method, publishKey, path, query, ...body] = vector.string_to_sign.split('\n');
        expect([method, publishKey, path]).toEqual([vector.method, vector.publish_key, vector.path_as_signed]);
        expect(query).toBe(vector.canonical_query);
        if (vector.query_params_decoded !== null) {
          expect(lib.canonicalQuery(vector.query_params_decoded as unknown as Record<string, string>)).toBe(vector.canonical_query);
        }
        const signingKey = await key(vector.secret_key);
        // Sign the canonical string itself so vectors whose decoded parameters are unknown still count.
        const signature = await signingKey.sign(new TextEncoder().encode(vector.string_to_sign));
        expect(`v2.${lib.base64UrlEncode(signature, false)}`).toBe(vector.expected_signature);
        if (vector.query_params_decoded !== null) {
          const parts = {
            method: vector.method, publishKey: vector.publish_key, path: vector.path_as_signed,
            query: vector.query_params_decoded as unknown as Record<string, string>, body: body.join('\n'),
          };
          expect(lib.signatureV2Message(parts)).toBe(vector.string_to_sign);
          expect(await lib.signRequestV2(signingKey, parts)).toBe(vector.expected_signature);
        }
      });
    }
  });

  describe('conformance: hostile tokens get typed errors', () => {
    const cases: Array<[string, string]> = [
      ['garbage', 'ERR_TOKEN_MALFORMED'],
      ['', 'ERR_TOKEN_MALFORMED'],
      ['AAAA', 'ERR_TOKEN_MALFORMED'],
      ['oA==', 'ERR_TOKEN_MALFORMED'], // empty map: fields missing
      // array header declaring 2^64-1 items: aborts the official SDK's Node process
      [hexToToken('9bffffffffffffffff'), 'ERR_TOKEN_MALFORMED'],
      // map declaring 2^32-1 entries
      [hexToToken('bbffffffff'), 'ERR_TOKEN_MALFORMED'],
      // byte string claiming 4 GiB
      [hexToToken('a1417a5affffffff00'), 'ERR_TOKEN_MALFORMED'],
      // indefinite-length map
      [hexToToken('bf417601ff'), 'ERR_TOKEN_MALFORMED'],
      // tag 259 around a map
      [hexToToken('d90103a0'), 'ERR_TOKEN_MALFORMED'],
      ['x'.repeat(30_000), 'ERR_LIMIT_EXCEEDED'],
      ['p0F2AkF0GmEK+4NDdHRs', 'ERR_TOKEN_MALFORMED'], // plain-base64 alphabet
    ];
    for (const [token, code] of cases) {
      it(`rejects ${token.slice(0, 24) || '(empty)'} with ${code}`, () => {
        expect(() => lib.parseToken(token)).toThrow(expect.objectContaining({ code }));
      });
    }

    it('rejects deep nesting without recursion blow-up', () => {
      expect(() => lib.parseToken(hexToToken('a14176' + '81'.repeat(5000) + '00'))).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_MALFORMED' }));
    });

    it('rejects duplicate keys', () => {
      // {"v":2,"v":2}
      expect(() => lib.parseToken(hexToToken('a2417602417602'))).toThrow(/duplicate/);
    });

    it('rejects every truncation of a real token', () => {
      const bytes = lib.base64UrlDecode(pubnubTokens.tokens[0]!.token);
      for (let length = 0; length < bytes.length; length++) {
        expect(() => lib.parseToken(lib.base64UrlEncode(bytes.subarray(0, length))), `length ${length}`).toThrow(
          expect.objectContaining({ code: 'ERR_TOKEN_MALFORMED' }),
        );
      }
    });
  });

  function hexToToken(text: string): string {
    const bytes = new Uint8Array(text.length / 2);
    for (let index = 0; index < bytes.length; index++) bytes[index] = Number.parseInt(text.slice(index * 2, index * 2 + 2), 16);
    return lib.base64UrlEncode(bytes);
  }
}
