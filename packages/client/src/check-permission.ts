/**
 * The local permission hint: would this token allow this request? Same checks, order and vocabulary as core's
 * `authorize`, but RegEx grants run in the browser's own `RegExp` instead of RE2 so the client stays tiny. It is a
 * hint for the UI (grey out a send button, explain a denial); the server still decides.
 *
 * @module
 */
import {
  createAuthorizer, decodeToken,
  type AuthorizationDecision, type Permission, type ResourceRef, type TokenPayload,
} from '@grantkit/core';
import { refuseSecretKey } from './secret-key.js';

/**
 * Options for {@link checkPermission}.
 *
 * Exported from `@grantkit/client`.
 *
 * @example
 * ```ts
 * checkPermission(token, { channel: 'room-1' }, 'write', { uuid: 'alice', now: Date.now() / 1000 });
 * ```
 */
export interface CheckPermissionOptions {
  /** The uuid (PubNub `userId`) making requests. When omitted, the token's uuid binding is not checked. */
  uuid?: string;
  /** Current Unix time in seconds (default: now). */
  now?: number;
}

/** Longest pattern source compiled; the server caps patterns at the same length. */
const MAX_PATTERN_LENGTH = 256;

// Core's decision itself (same checks, order, reasons and messages), with the browser's RegExp as the pattern engine
// instead of RE2, which would not fit the client's size budget. A pattern the browser cannot compile, or one longer
// than any issuer grants, grants nothing.
const authorizeLocally = createAuthorizer((source) => {
  if (source.length > MAX_PATTERN_LENGTH) throw new RangeError('pattern too long');
  const regex = new RegExp(source);
  return { source, test: (name) => regex.test(name) };
});

/**
 * Checks locally whether a token grants `permission` on `resource`: expiry, issue time, the uuid binding, then exact
 * names, then RegEx patterns (found anywhere in the name unless anchored with `^…$`). Reasons are core's
 * `authorize` reasons (`granted`, `expired`, `not-yet-valid`, `uuid-mismatch`, `no-grant`, `permission-missing`);
 * `revoked` cannot be known in the browser. The signature is not checked: the server still decides.
 *
 * Exported from `@grantkit/client`.
 *
 * @param token - Token text, or a payload from `decodeToken`.
 * @param resource - `{ channel }`, `{ group }`, `{ uuid }`, `{ space }` or `{ user }`.
 * @param permission - `read`, `write`, `manage`, `delete`, `get`, `update` or `join`.
 * @param options - The requesting uuid and the current time.
 * @returns `{ allowed, reason, message, match? }`; never throws for a denial.
 * @throws `TokenMalformedError` `ERR_TOKEN_MALFORMED` when `token` does not decode; `KeyInvalidError`
 *   `ERR_KEY_INVALID` when it is a secret key.
 * @example
 * ```ts
 * const hint = checkPermission(token, { channel: 'room-1' }, 'write');
 * if (!hint.allowed) console.info(hint.reason, hint.message); // 'permission-missing', "Token does not grant 'write'…"
 * ```
 */
export function checkPermission(
  token: string | TokenPayload,
  resource: ResourceRef,
  permission: Permission,
  options: CheckPermissionOptions = {},
): AuthorizationDecision {
  let payload = token as TokenPayload;
  if (typeof token === 'string') {
    refuseSecretKey(token, 'token');
    payload = decodeToken(token);
  }
  return authorizeLocally(payload, {
    // Without its own uuid the client cannot check the binding; it assumes it is the holder the token names.
    uuid: options.uuid ?? payload.authorizedUuid,
    resource,
    permission,
    now: options.now ?? Date.now() / 1000,
  });
}

/** A denial with core's reason vocabulary and message wording. @internal */
export function deny(reason: Exclude<AuthorizationDecision['reason'], 'granted'>, message: string): AuthorizationDecision {
  return { allowed: false, reason, message };
}
