/**
 * Guards the functions that take a decoded or verified token against the commonest slip: a forgotten `await` (with
 * a WebCrypto key, `verifyToken` returns a Promise), which would otherwise surface as a raw `TypeError` from deep
 * inside. Checks only the argument's kind, so it costs nothing on the hot path.
 *
 * @internal
 * @module
 */
import { RequestInvalidError } from '../errors.js';

/** @throws `RequestInvalidError` `ERR_REQUEST_INVALID` (field `token`) for a Promise or a non-object. @internal */
export function assertTokenArgument(value: unknown, caller: string): void {
  if (typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then !== 'function') return;
  const message = typeof (value as { then?: unknown } | null)?.then === 'function'
    ? `${caller} was given a Promise, not a token: await verifyToken(...) first (it is asynchronous with a WebCrypto key)`
    : `${caller} expects a decoded or verified token, got ${value === null ? 'null' : typeof value}`;
  throw new RequestInvalidError(message, { field: 'token' });
}
