/**
 * Ports: what each runtime plugs into the pure core. Node implements them with `node:crypto` (synchronously, so its
 * hot path never awaits), Workers and browsers with WebCrypto. Each may be sync or async.
 *
 * @module
 */
import { RequestInvalidError } from './errors.js';
import type { MaybePromise } from './internal/maybe-promise.js';

export type { MaybePromise } from './internal/maybe-promise.js';

/**
 * One imported HMAC-SHA256 key. Core never sees the secret itself, only this handle.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * // node:crypto, synchronous:
 * const key: HmacKey = {
 *   sign: (data) => createHmac('sha256', secret).update(data).digest(),
 *   verify: (data, tag) => tag.length === 32 && timingSafeEqual(createHmac('sha256', secret).update(data).digest(), tag),
 * };
 * ```
 */
export interface HmacKey {
  /** HMAC-SHA256 of `data`: 32 bytes. */
  sign(data: Uint8Array): MaybePromise<Uint8Array>;
  /** Whether `signature` is the HMAC-SHA256 of `data`, compared in constant time. */
  verify(data: Uint8Array, signature: Uint8Array): MaybePromise<boolean>;
  /**
   * Optional, for speed: the runtime's native base64url encoding of `bytes`, **unpadded** (Node's `NodeHmacKey`
   * has one). `mintToken` writes the token text with it, padding added, when the signing key has it, instead of
   * core's portable encoder. It must return exactly what `base64UrlEncode(bytes, false)` returns.
   *
   * @example
   * ```ts
   * encodeBase64Url: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64url'),
   * ```
   */
  encodeBase64Url?(bytes: Uint8Array): string;
}

/**
 * A synchronous {@link HmacKey} (Node's `node:crypto`). With it, minting and verifying return plain values.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const token: string = mintToken(grant, syncKey); // no await
 * ```
 */
export interface SyncHmacKey extends HmacKey {
  sign(data: Uint8Array): Uint8Array;
  verify(data: Uint8Array, signature: Uint8Array): boolean;
}

/**
 * An asynchronous {@link HmacKey} (WebCrypto). With it, minting and verifying return Promises.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const token: string = await mintToken(grant, webCryptoKey);
 * ```
 */
export interface AsyncHmacKey extends HmacKey {
  sign(data: Uint8Array): Promise<Uint8Array>;
  verify(data: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

/**
 * Imports secrets as {@link HmacKey}s: the crypto port each runtime supplies.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const key = await crypto.importKey('sec-c-...');
 * ```
 */
export interface HmacSha256 {
  /** Imports a secret key (UTF-8 text, as PubNub secret keys are, or raw bytes). */
  importKey(secret: string | Uint8Array): MaybePromise<HmacKey>;
}

/**
 * Resolves to `Promise<T>` for an async key, `T` for a {@link SyncHmacKey}.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * type A = KeyResult<SyncHmacKey, string>; // string
 * ```
 */
export type KeyResult<K extends HmacKey, T> = K extends SyncHmacKey
  ? T
  : K extends AsyncHmacKey
    ? Promise<T>
    : MaybePromise<T>;

/**
 * The revocation denylist: keyed by a token's signature (its unique, fixed-size identity), each entry kept until the
 * token would have expired anyway.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * await store.revoke(signatureId, expiresAt);
 * if (await store.isRevoked(signatureId)) deny();
 * ```
 */
export interface RevocationStore {
  /** Records a revocation until `expiresAt` (Unix seconds). Resolves once durable. */
  revoke(tokenId: string, expiresAt: number): MaybePromise<void>;
  /** Whether the token is revoked. Rejects (never resolves `false`) when the store cannot answer. */
  isRevoked(tokenId: string): MaybePromise<boolean>;
  /** Releases connections and timers. Idempotent; afterwards both methods reject with `ERR_STORE_UNAVAILABLE`. */
  close?(): MaybePromise<void>;
}

/** Base64url, bounded: the ids grantkit derives (a 32-byte signature, 43 characters) and nothing a key could trip on. */
const TOKEN_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The one rule for the ids a {@link RevocationStore} is given: 1 to 128 characters of the base64url alphabet
 * (`A-Z a-z 0-9 - _`). Ids from `tokenId` (the signature, 43 characters) always pass; separators such as `:`,
 * spaces, path segments and unbounded lengths never reach a backend's keys. Every store checks ids with it before
 * touching its backend, so all of them refuse the same ids with the same error.
 *
 * Exported from `@grantkit/core`.
 *
 * @param tokenId - The id given to `revoke` or `isRevoked`.
 * @throws `RequestInvalidError` `ERR_REQUEST_INVALID` (field `tokenId`) for anything else.
 * @example
 * ```ts
 * isRevoked(tokenId: string): boolean {
 *   assertTokenId(tokenId);
 *   return this.#entries.has(tokenId);
 * }
 * ```
 */
export function assertTokenId(tokenId: unknown): asserts tokenId is string {
  if (typeof tokenId !== 'string' || !TOKEN_ID.test(tokenId)) {
    throw new RequestInvalidError('token id must be 1 to 128 characters of A-Z a-z 0-9 - _', { field: 'tokenId' });
  }
}

/**
 * Checks the arguments of {@link RevocationStore.revoke}: the id by {@link assertTokenId}, the expiry as whole,
 * non-negative Unix seconds (what {@link tokenExpiresAt} returns).
 *
 * Exported from `@grantkit/core`.
 *
 * @param tokenId - The id to revoke.
 * @param expiresAt - When the token expires, Unix seconds.
 * @throws `RequestInvalidError` `ERR_REQUEST_INVALID` (field `tokenId` or `expiresAt`).
 * @example
 * ```ts
 * revoke(tokenId: string, expiresAt: number): void {
 *   assertRevocationEntry(tokenId, expiresAt);
 *   this.#entries.set(tokenId, expiresAt);
 * }
 * ```
 */
export function assertRevocationEntry(tokenId: unknown, expiresAt: unknown): asserts tokenId is string {
  assertTokenId(tokenId);
  if (typeof expiresAt !== 'number' || !Number.isSafeInteger(expiresAt) || expiresAt < 0) {
    throw new RequestInvalidError('expiresAt must be whole Unix seconds', { field: 'expiresAt' });
  }
}

/**
 * The clock: Unix time in seconds. Injected so tests and simulations control time.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const clock: Clock = () => Math.floor(Date.now() / 1000);
 * ```
 */
export type Clock = () => number;
