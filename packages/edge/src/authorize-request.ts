/**
 * Token checks for a Worker's own routes: read the token a PubNub-style client sends, verify it against the keyset in
 * the bindings, consult the revocation store, and decide, without exposing the Access Manager endpoints.
 *
 * @module
 */
import {
  authorize, isGrantkitError, KeyInvalidError, StoreUnavailableError, verifyToken, type AuthorizationDecision,
  type AuthorizeEndpointReason, type Keyset, type Permission, type ResourceRef, type RevocationStore,
  type VerifiedToken,
} from '@grantkit/core';
import type { GrantkitEnv } from './env.js';
import { keysetsFromEnv } from './keysets.js';
import { revocationsFromEnv } from './revocations.js';

/**
 * What {@link authorizeRequest} checks. The resource and permission are spelled as in core's `authorize`, so code
 * moves between the two unchanged.
 *
 * Exported from `@grantkit/edge`.
 *
 * @example
 * ```ts
 * const options: AuthorizeRequestOptions = { resource: { channel: 'room-1' }, permission: 'read' };
 * ```
 */
export interface AuthorizeRequestOptions {
  /** The resource the route touches. */
  resource: ResourceRef;
  /** The permission the route needs. */
  permission: Permission;
  /** The caller's uuid, checked against a token bound to one. Default: the `uuid` query parameter. */
  uuid?: string;
  /** Which keyset signed the token. Required only when several keysets are configured. */
  subscribeKey?: string;
  /** The revocation store, or `false` to skip revocation. Default: the one the bindings configure. */
  revocations?: RevocationStore | false;
  /** Unix seconds. Default `Date.now()`. */
  now?: number;
}

/**
 * Why {@link authorizeRequest} denied: the authorize endpoint's reasons, plus `missing` when no token was sent.
 *
 * Exported from `@grantkit/edge`.
 *
 * @example
 * ```ts
 * if (decision.reason === 'missing') return new Response('Unauthorized', { status: 401 });
 * ```
 */
export type RequestAuthorizationReason = AuthorizeEndpointReason | 'missing';

/**
 * The decision, with the verified token when there was one.
 *
 * Exported from `@grantkit/edge`.
 *
 * @example
 * ```ts
 * const { allowed, reason, token } = await authorizeRequest(request, env, options);
 * if (allowed) console.log(token.authorizedUuid);
 * ```
 */
export interface RequestAuthorization extends Omit<AuthorizationDecision, 'reason'> {
  reason: RequestAuthorizationReason;
  /** The token, once its signature checked out (present even when the decision is a denial, e.g. `expired`). */
  token?: VerifiedToken;
}

/**
 * Checks the token on an incoming request, as Access Manager would: the token comes from the `auth` query parameter
 * (what PubNub clients send) or an `Authorization: Bearer` header; it must be signed by the keyset's current or a
 * previous secret, unexpired, not revoked, bound to the caller's uuid if bound at all, and grant the permission on
 * the resource. A denial is a value, never a throw.
 *
 * Exported from `@grantkit/edge`.
 *
 * @param request - The incoming request.
 * @param env - Bindings with the keyset (see {@link GrantkitEnv}).
 * @param options - Resource, permission and overrides.
 * @returns The decision and, when verified, the token.
 * @throws `KeyInvalidError` `ERR_KEY_INVALID` when the bindings hold no usable keyset, or several and no
 *   `subscribeKey` was given; `StoreUnavailableError` `ERR_STORE_UNAVAILABLE` when the revocation store cannot
 *   answer (fail closed: never treat this as allowed).
 * @example
 * ```ts
 * import { authorizeRequest, forbiddenResponse } from '@grantkit/edge';
 * export default {
 *   async fetch(request: Request, env: Env) {
 *     const decision = await authorizeRequest(request, env, { resource: { channel: 'room-1' }, permission: 'read' });
 *     if (!decision.allowed) return forbiddenResponse(decision);
 *     return new Response('welcome to room-1');
 *   },
 * };
 * ```
 */
export async function authorizeRequest(
  request: Request,
  env: GrantkitEnv,
  options: AuthorizeRequestOptions,
): Promise<RequestAuthorization> {
  const keyset = selectKeyset(await keysetsFromEnv(env), options.subscribeKey);
  const url = new URL(request.url);
  const token = url.searchParams.get('auth') ?? bearerToken(request);
  if (token === undefined || token === '') {
    return { allowed: false, reason: 'missing', message: 'No token: send it as the auth query parameter or a Bearer token' };
  }
  let verified: VerifiedToken;
  try {
    verified = await verifyToken(token, keyset.keys, { ignoreTime: true });
  } catch (error) {
    if (!isGrantkitError(error)) throw error;
    return error.code === 'ERR_TOKEN_SIGNATURE_INVALID'
      ? { allowed: false, reason: 'signature-invalid', message: 'Token is not signed by this keyset' }
      : { allowed: false, reason: 'malformed', message: 'Token is malformed' };
  }
  const store = options.revocations === undefined ? revocationsFromEnv(env) : options.revocations || undefined;
  let revoked = false;
  if (store !== undefined) {
    try {
      revoked = await store.isRevoked(verified.id);
    } catch (cause) {
      throw isGrantkitError(cause) && cause.code === 'ERR_STORE_UNAVAILABLE'
        ? cause
        : new StoreUnavailableError('revocation store is unavailable; denying', { cause });
    }
  }
  const uuid = options.uuid ?? url.searchParams.get('uuid') ?? undefined;
  const decision = authorize(verified, {
    resource: options.resource,
    permission: options.permission,
    revoked,
    ...(uuid === undefined ? {} : { uuid }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  return { ...decision, token: verified };
}

/**
 * A 403 in Access Manager's shape for a denial, with the reason; safe to return as is (no token in it).
 *
 * Exported from `@grantkit/edge`.
 *
 * @param decision - A denial from {@link authorizeRequest}.
 * @returns `403 {"error":true,"status":403,"service":"Access Manager","message":…,"reason":…}`.
 * @example
 * ```ts
 * if (!decision.allowed) return forbiddenResponse(decision);
 * ```
 */
export function forbiddenResponse(decision: Pick<RequestAuthorization, 'reason' | 'message'>): Response {
  return new Response(
    JSON.stringify({ error: true, status: 403, service: 'Access Manager', message: decision.message, reason: decision.reason }),
    { status: 403, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } },
  );
}

function bearerToken(request: Request): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
}

function selectKeyset(keysets: ReadonlyMap<string, Keyset>, subscribeKey: string | undefined): Keyset {
  if (subscribeKey !== undefined) {
    const keyset = keysets.get(subscribeKey);
    if (keyset === undefined) throw new KeyInvalidError('no keyset is configured for this subscribe key', { field: 'subscribeKey' });
    return keyset;
  }
  if (keysets.size !== 1) {
    throw new KeyInvalidError('several keysets are configured: pass subscribeKey', { field: 'subscribeKey' });
  }
  return keysets.values().next().value!;
}
