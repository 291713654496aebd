/**
 * HMAC-SHA256 on WebCrypto (`crypto.subtle`), the crypto port for Workers, Deno, Bun, Vercel edge and browsers.
 * Imported keys are cached per isolate: `importKey` costs more than the HMAC itself, and a Worker isolate serves
 * many requests with the same few secrets.
 *
 * @module
 */
import { KeyInvalidError, type AsyncHmacKey, type HmacSha256 } from '@grantkit/core';

/** Isolates may see many keysets through a lookup; keep the cache bounded. */
const MAX_CACHED_KEYS = 256;
const cache = new Map<string, Promise<AsyncHmacKey>>();
const encoder = new TextEncoder();

/**
 * Imports a secret as an HMAC-SHA256 key backed by `crypto.subtle`. The same secret returns the same cached key for
 * the life of the isolate. Verification uses `crypto.subtle.verify`, which compares in constant time.
 *
 * Exported from `@grantkit/edge`.
 *
 * @param secret - The keyset's secret key (UTF-8 text, as PubNub secret keys are) or raw key bytes.
 * @returns The imported key.
 * @throws `KeyInvalidError` `ERR_KEY_INVALID` when the secret is empty.
 * @example
 * ```ts
 * import { importHmacKey } from '@grantkit/edge';
 * import { mintToken, Channel } from '@grantkit/core';
 * const key = await importHmacKey(env.GRANTKIT_SECRET_KEY);
 * const token = await mintToken({ ttl: 15, channels: [Channel.id('room-1').read()] }, key);
 * ```
 */
export function importHmacKey(secret: string | Uint8Array): Promise<AsyncHmacKey> {
  if (secret.length === 0) {
    return Promise.reject(new KeyInvalidError('secret key must not be empty', { field: 'secretKey' }));
  }
  const cacheKey = typeof secret === 'string' ? `s:${secret}` : `b:${bytesToHex(secret)}`;
  const cached = cache.get(cacheKey);
  if (cached !== undefined) return cached;
  const imported = importUncached(typeof secret === 'string' ? encoder.encode(secret) : secret.slice());
  if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value!);
  cache.set(cacheKey, imported);
  // A failed import must not poison the cache for the next request.
  imported.catch(() => cache.delete(cacheKey));
  return imported;
}

async function importUncached(raw: Uint8Array): Promise<AsyncHmacKey> {
  const cryptoKey = await crypto.subtle.importKey(
    'raw',
    raw as Uint8Array<ArrayBuffer>,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );
  return Object.freeze({
    // Straight to the one subtle call, whose promise is chained once (an async function would add a promise and a
    // turn of the microtask queue around it). WebCrypto copies `data` before it returns.
    sign(data: Uint8Array): Promise<Uint8Array> {
      return crypto.subtle.sign('HMAC', cryptoKey, data as Uint8Array<ArrayBuffer>).then(toBytes);
    },
    verify(data: Uint8Array, signature: Uint8Array): Promise<boolean> {
      return crypto.subtle.verify('HMAC', cryptoKey, signature as Uint8Array<ArrayBuffer>, data as Uint8Array<ArrayBuffer>);
    },
  });
}

function toBytes(buffer: ArrayBuffer): Uint8Array {
  return new Uint8Array(buffer);
}

function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/**
 * The WebCrypto `HmacSha256` port, for code that takes the port rather than a key.
 *
 * Exported from `@grantkit/edge`.
 *
 * @example
 * ```ts
 * import { webCryptoHmacSha256 } from '@grantkit/edge';
 * const key = await webCryptoHmacSha256.importKey('sec-c-...');
 * ```
 */
export const webCryptoHmacSha256: HmacSha256 = Object.freeze({ importKey: importHmacKey });
