/**
 * Token checks for a Worker's own routes: read the token a PubNub-style client sends, verify it against the keyset in
 * the bindings, consult the revocation store, and decide, without exposing the Access Manager endpoints.
 *
 * @module
 */
import {
  checkToken, KeyInvalidError, presentedToken, tokenCheckBody, type Keyset, type Permission, type ResourceRef,
  type RevocationStore, type TokenCheckResult,
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
 * Checks the token on an incoming request with `@grantkit/core`'s `checkToken`, the check the authorize endpoint and
 * `@grantkit/node` make: the token comes from the `auth` query parameter (what PubNub clients send), a `token`
 * parameter or an `Authorization: Bearer` header; it must be signed by the keyset's current or a previous secret,
 * unexpired (an expired token is denied without a revocation lookup), not revoked, bound to the caller's uuid if
 * bound at all, and grant the permission on the resource. A denial is a value, never a throw.
 *
 * Exported from `@grantkit/edge`.
 *
 * @param request - The incoming request.
 * @param env - Bindings with the keyset (see {@link GrantkitEnv}).
 * @param options - Resource, permission and overrides.
 * @returns The result and, once its signature checked out, the verified token.
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
): Promise<TokenCheckResult> {
  const keyset = selectKeyset(await keysetsFromEnv(env), options.subscribeKey);
  const uuid = options.uuid ?? new URL(request.url).searchParams.get('uuid') ?? undefined;
  return checkToken(presentedToken(request), {
    keys: keyset.keys,
    revocations: options.revocations === undefined ? revocationsFromEnv(env) : options.revocations || undefined,
    resource: options.resource,
    permission: options.permission,
    ...(uuid === undefined ? {} : { uuid }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
}

/**
 * A 403 in the authorize endpoint's shape for a denial, with the reason; safe to return as is (no token in it).
 *
 * Exported from `@grantkit/edge`.
 *
 * @param decision - A denial from {@link authorizeRequest}.
 * @returns `403 {"error":true,"allowed":false,"reason":…,"message":…,"status":403,"service":"Access Manager"}`, the body
 *   `tokenCheckBody` of `@grantkit/core` gives.
 * @example
 * ```ts
 * if (!decision.allowed) return forbiddenResponse(decision);
 * ```
 */
export function forbiddenResponse(decision: TokenCheckResult): Response {
  return new Response(JSON.stringify(tokenCheckBody({ ...decision, allowed: false })), {
    status: 403,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
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
