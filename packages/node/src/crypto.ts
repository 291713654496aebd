/**
 * The Node crypto port: HMAC-SHA256 keys backed by `node:crypto`. Synchronous on purpose, so minting, verifying and
 * request-signature checks on Node never allocate a Promise (the performance goal depends on it).
 *
 * @module
 */
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { KeyInvalidError, type SyncHmacKey } from '@grantkit/core';

const SIGNATURE_BYTES = 32;
// What `buffer.toString('base64url')` calls, without the Buffer view and the dispatch on the encoding name (a third of
// the cost for a token); it accepts any Uint8Array. Not documented, so used only when present.
type Slice = (this: Uint8Array, start: number, end: number) => string;
const base64urlSlice = (Buffer.prototype as { base64urlSlice?: Slice }).base64urlSlice;

/**
 * A synchronous HMAC-SHA256 key. The secret is imported once into a `KeyObject`, so each `sign` skips re-encoding it;
 * `verify` compares in constant time. Each digest is taken as a 32-character `binary` (latin1) string, a character a
 * byte: a `Buffer` digest costs a quarter of the HMAC more (an off-heap allocation the garbage collector tracks).
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * import { mintToken, Channel } from '@grantkit/core';
 * import { NodeHmacKey } from '@grantkit/node';
 * const key = new NodeHmacKey('sec-c-...');
 * const token = mintToken({ ttl: 15, channels: [Channel.id('room-1').read()] }, key); // a string, no await
 * ```
 */
export class NodeHmacKey implements SyncHmacKey {
  readonly #key: KeyObject;

  /**
   * @param secret - The secret key: UTF-8 text (PubNub secret keys are text) or raw bytes.
   * @throws `KeyInvalidError` `ERR_KEY_INVALID` when the secret is empty or not text/bytes.
   */
  constructor(secret: string | Uint8Array) {
    if (typeof secret === 'string') {
      if (secret.length === 0) throw new KeyInvalidError('secretKey must not be empty', { field: 'secretKey' });
      this.#key = createSecretKey(Buffer.from(secret, 'utf8'));
    } else if (secret instanceof Uint8Array) {
      if (secret.byteLength === 0) throw new KeyInvalidError('secretKey must not be empty', { field: 'secretKey' });
      this.#key = createSecretKey(Buffer.from(secret));
    } else {
      throw new KeyInvalidError('secretKey must be a string or bytes', { field: 'secretKey' });
    }
  }

  /** HMAC-SHA256 of `data`: 32 bytes. */
  sign(data: Uint8Array): Uint8Array {
    const digest = createHmac('sha256', this.#key).update(data).digest('binary');
    const tag = new Uint8Array(SIGNATURE_BYTES);
    for (let index = 0; index < SIGNATURE_BYTES; index++) tag[index] = digest.charCodeAt(index);
    return tag;
  }

  /** Whether `signature` is the HMAC-SHA256 of `data`, compared in constant time. */
  verify(data: Uint8Array, signature: Uint8Array): boolean {
    // Only the length is compared early: it is public (always 32), so it leaks nothing about the tag. Both lengths:
    // one byte per element, as the loop below reads it.
    if (signature.length !== SIGNATURE_BYTES || signature.byteLength !== SIGNATURE_BYTES) return false;
    const digest = createHmac('sha256', this.#key).update(data).digest('binary');
    // Constant time, as timingSafeEqual (which would need the digest as a Buffer): all 32 bytes are always compared,
    // differences are OR-ed together, and nothing branches on a byte's value.
    let difference = 0;
    for (let index = 0; index < SIGNATURE_BYTES; index++) difference |= digest.charCodeAt(index) ^ signature[index]!;
    return difference === 0;
  }

  /**
   * Unpadded base64url of `bytes`, natively: what `mintToken` writes a token's text with (see `HmacKey`).
   *
   * @example
   * ```ts
   * key.encodeBase64Url(Uint8Array.of(0xfb, 0xff)); // '-_8'
   * ```
   */
  encodeBase64Url(bytes: Uint8Array): string {
    if (base64urlSlice !== undefined) return base64urlSlice.call(bytes, 0, bytes.length);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
  }

  /** Never print the secret, even by accident (`console.log(key)`, `JSON.stringify`). */
  toJSON(): string {
    return 'NodeHmacKey(<redacted>)';
  }
}

/**
 * Imports a secret key as a synchronous {@link NodeHmacKey}, the `importKey` of the Node crypto port.
 *
 * Exported from `@grantkit/node`.
 *
 * @param secret - UTF-8 text (as PubNub secret keys are) or raw bytes.
 * @returns The key.
 * @throws `KeyInvalidError` `ERR_KEY_INVALID` for an empty secret.
 * @example
 * ```ts
 * import { verifyToken } from '@grantkit/core';
 * import { importKey } from '@grantkit/node';
 * const verified = verifyToken(token, [importKey(process.env.SECRET!), importKey(process.env.PREVIOUS_SECRET!)]);
 * ```
 */
export function importKey(secret: string | Uint8Array): NodeHmacKey {
  return new NodeHmacKey(secret);
}

/**
 * The Node crypto port as one object (`{ importKey }`), for code written against `@grantkit/core`'s `HmacSha256`.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * import { nodeCrypto } from '@grantkit/node';
 * const key = nodeCrypto.importKey('sec-c-...');
 * ```
 */
export const nodeCrypto: { importKey(secret: string | Uint8Array): NodeHmacKey } = Object.freeze({ importKey });
