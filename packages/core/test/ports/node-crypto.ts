/**
 * A synchronous node:crypto HmacSha256 port for core's own unit tests, which cannot depend on @grantkit/node (it
 * depends on core). The shipped port, NodeHmacKey, is what the conformance suite runs (packages/node/test).
 */
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import type { HmacSha256, SyncHmacKey } from '../../src/ports.js';

export const nodeCrypto = {
  importKey(secret: string | Uint8Array): SyncHmacKey {
    const key = createSecretKey(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret);
    const sign = (data: Uint8Array) => new Uint8Array(createHmac('sha256', key).update(data).digest());
    return {
      sign,
      verify: (data: Uint8Array, signature: Uint8Array) => signature.length === 32 && timingSafeEqual(sign(data), signature),
    };
  },
} satisfies HmacSha256;
