/**
 * `@grantkit/client`: the browser side of grantkit. Holds a PubNub Access Manager v3 token, parses it exactly as
 * the official `pubnub` SDK does, refreshes it before it expires (with jitter, shared requests, backoff, and a typed
 * permanent failure), answers "may I?" locally with the same reasons as the server, and attaches the token to
 * requests. It contains only the decoding half of the token codec: no signing code, no CBOR encoder, no RE2. A
 * secret key (`sec-c-…`) is refused wherever it shows up.
 *
 * @example
 * ```ts
 * import { TokenClient } from '@grantkit/client';
 * const client = new TokenClient({ authUrl: '/api/pubnub-token', uuid: 'alice' });
 * client.on('token', ({ token }) => pubnub.setToken(token));
 * await client.refresh();
 * client.can({ channel: 'room-1' }, 'write').allowed;
 * ```
 *
 * @module
 */
export { TokenClient } from './token-client.js';
export type {
  TokenClientOptions, TokenClientEvents, TokenClientListener, TokenEvent, RefreshErrorEvent, ExpiredEvent,
} from './token-client.js';
export type { FetchToken, FetchTokenContext } from './token-endpoint.js';
export type { RetryOptions } from './refresh.js';
export { parseToken } from './parse-token.js';
export { checkPermission } from './check-permission.js';
export type { CheckPermissionOptions } from './check-permission.js';
export { withAuthParameter } from './attach-token.js';
export type { TokenPlacement } from './attach-token.js';
export { refuseSecretKey } from './secret-key.js';
export { TokenRefreshError, isTokenRefreshError } from './errors.js';
export type { TokenRefreshErrorOptions } from './errors.js';
// Core's errors the client throws (and the family's test), and the vocabulary of its answers, so apps need only this
// package.
export {
  decodeToken, GrantkitError, isGrantkitError, KeyInvalidError, TokenMalformedError, LimitExceededError,
} from '@grantkit/core';
export type {
  GrantkitErrorCode,
  AuthorizationDecision, DenyReason, GrantMatchInfo, ParsedToken, ParsedPermissions, Permission, PermissionFlags,
  ResourceRef, TokenPayload, Clock,
} from '@grantkit/core';
