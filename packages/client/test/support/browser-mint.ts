/**
 * Mints tokens inside the browser with core and WebCrypto, as `@grantkit/edge` does, so tests can issue tokens at
 * whatever (fake) time they need.
 */
import { mintToken, type AsyncHmacKey, type GrantInput } from '@grantkit/core';

let keyPromise: Promise<CryptoKey> | undefined;

function cryptoKey(): Promise<CryptoKey> {
  keyPromise ??= crypto.subtle.importKey(
    'raw', new TextEncoder().encode('browser-test-secret'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'],
  );
  return keyPromise;
}

const key: AsyncHmacKey = {
  sign: async (data) => new Uint8Array(await crypto.subtle.sign('HMAC', await cryptoKey(), data as Uint8Array<ArrayBuffer>)),
  verify: async (data, signature) =>
    crypto.subtle.verify('HMAC', await cryptoKey(), signature as Uint8Array<ArrayBuffer>, data as Uint8Array<ArrayBuffer>),
};

/** A room-1 read/write token bound to alice, issued at `timestamp` (Unix seconds) for `ttl` minutes. */
export function mint(timestamp: number, ttl = 10, grant: Partial<GrantInput> = {}): Promise<string> {
  return mintToken(
    { ttl, authorized_uuid: 'alice', resources: { channels: { 'room-1': { read: true, write: true } } }, ...grant } as GrantInput,
    key,
    { timestamp: Math.floor(timestamp) },
  );
}

/** A unique id per call, to keep the token server's sessions apart. */
export function sessionId(): string {
  return crypto.randomUUID();
}
