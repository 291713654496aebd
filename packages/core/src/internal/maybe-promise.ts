/**
 * Sync-or-async plumbing so Node's synchronous HMAC never pays for a Promise, while WebCrypto ports still work.
 *
 * @internal
 */
/**
 * A value, or a Promise of it: ports may be synchronous (Node) or asynchronous (WebCrypto).
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const sign: (data: Uint8Array) => MaybePromise<Uint8Array> = (data) => createHmac('sha256', secret).update(data).digest();
 * ```
 */
export type MaybePromise<T> = T | Promise<T>;

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Applies `next` now when `value` is ready, or after it settles when it is a Promise. */
export function andThen<T, R>(value: MaybePromise<T>, next: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return isPromise(value) ? value.then(next) : next(value);
}
