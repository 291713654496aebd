/**
 * Ports: what each runtime plugs into the pure core. Node implements them with `node:crypto` (synchronously, so its
 * hot path never awaits), Workers and browsers with WebCrypto. Each may be sync or async.
 *
 * @module
 */
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
  /** Releases connections and timers. */
  close?(): MaybePromise<void>;
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
