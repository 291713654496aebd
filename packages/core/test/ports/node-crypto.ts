/** A synchronous node:crypto HmacSha256 port for core's Node test runs (the real one ships in @grantkit/node). */
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import type { HmacSha256, SyncHmacKey } from '../../src/ports.js';

export const nodeCrypto: HmacSha256 & { importKey(secret: string | Uint8Array): SyncHmacKey } = {
  importKey(secret) {
    const key = createSecretKey(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret);
    const sign = (data: Uint8Array) => new Uint8Array(createHmac('sha256', key).update(data).digest());
    return {
      sign,
      verify: (data, signature) => signature.length === 32 && timingSafeEqual(sign(data), signature),
    };
  },
};
