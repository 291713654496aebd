/**
 * An asynchronous WebCrypto HmacSha256 port for core's own unit tests (the async signing paths), which cannot depend on
 * @grantkit/edge. The shipped port is what the conformance suite runs in workerd and Chromium (packages/edge/test).
 */
import type { AsyncHmacKey, HmacSha256 } from '../../src/ports.js';

export const webCrypto = {
  async importKey(secret: string | Uint8Array): Promise<AsyncHmacKey> {
    const raw = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
    const key = await crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    return {
      sign: async (data: Uint8Array) => new Uint8Array(await crypto.subtle.sign('HMAC', key, data as Uint8Array<ArrayBuffer>)),
      verify: (data: Uint8Array, signature: Uint8Array) =>
        crypto.subtle.verify('HMAC', key, signature as Uint8Array<ArrayBuffer>, data as Uint8Array<ArrayBuffer>),
    };
  },
} satisfies HmacSha256;
