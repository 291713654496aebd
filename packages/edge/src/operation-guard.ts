/**
 * The operations-map check for Workers (and any fetch runtime) in front of a PubNub-style backend or a Worker that
 * serves PubNub REST requests itself: core's `createOperationGuard` fed with the keysets and revocation store of the
 * bindings. Denials are answered in PubNub's shape; allowed requests reach the wrapped handler untouched (the body is
 * read from a clone only where the check needs it).
 *
 * @module
 */
import {
  createOperationGuard, type GuardResult, type MaybePromise, type OperationDecision, type OperationGuardOptions, type RevocationStore,
} from '@grantkit/core';
import type { ExecutionContextLike, GrantkitEnv } from './env.js';
import { keysetsFromEnv } from './keysets.js';
import { revocationsFromEnv } from './revocations.js';

/**
 * Options of {@link guardPubNubRequest} and {@link withPubNubAccessControl}.
 *
 * Exported from `@grantkit/edge`.
 *
 * @example
 * ```ts
 * const options: PubNubAccessControlOptions = { allowGetAllChannelMetadata: true };
 * ```
 */
export interface PubNubAccessControlOptions {
  /** The revocation store, or `false` for none. Default: the one the bindings configure. */
  revocations?: RevocationStore | false;
  /** Unix seconds. Default `Date.now()`. */
  clock?: () => number;
  /** PubNub's App Context option "Disallow Get All User Metadata" unchecked. Default false. */
  allowGetAllUuidMetadata?: boolean;
  /** PubNub's App Context option "Disallow Get All Channel Metadata" unchecked. Default false. */
  allowGetAllChannelMetadata?: boolean;
}

/**
 * Checks one PubNub REST request against the operations map with the keysets in the bindings.
 *
 * Exported from `@grantkit/edge`.
 *
 * @param request - The incoming request.
 * @param env - Bindings with the keysets (see {@link GrantkitEnv}).
 * @param options - Revocation store, clock, keyset settings.
 * @returns The guard's result: allowed with the decision, or the PubNub-shaped denial to return.
 * @throws `KeyInvalidError` `ERR_KEY_INVALID` when the bindings hold no usable keyset.
 * @example
 * ```ts
 * const result = await guardPubNubRequest(request, env);
 * if (!result.allowed) return result.response;
 * ```
 */
export async function guardPubNubRequest(request: Request, env: GrantkitEnv, options: PubNubAccessControlOptions = {}): Promise<GuardResult> {
  const store = options.revocations === undefined ? revocationsFromEnv(env) : options.revocations || undefined;
  const guardOptions: OperationGuardOptions = {
    keysets: await keysetsFromEnv(env),
    ...(store === undefined ? {} : { revocations: store }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.allowGetAllUuidMetadata === undefined ? {} : { allowGetAllUuidMetadata: options.allowGetAllUuidMetadata }),
    ...(options.allowGetAllChannelMetadata === undefined ? {} : { allowGetAllChannelMetadata: options.allowGetAllChannelMetadata }),
  };
  // Building the guard is a few closures; the costly parts (imported keys) are cached per isolate by keysetsFromEnv.
  return createOperationGuard(guardOptions).checkRequest(request);
}

/**
 * A fetch handler as Workers call it, given the decision it was allowed with.
 *
 * Exported from `@grantkit/edge`.
 *
 * @example
 * ```ts
 * const forward: GuardedFetchHandler = (request) => fetch(new URL(new URL(request.url).pathname + new URL(request.url).search, 'https://ps.pndsn.com'), request);
 * ```
 */
export type GuardedFetchHandler<E> = (request: Request, env: E, context: ExecutionContextLike | undefined, decision: OperationDecision) => MaybePromise<Response>;

/**
 * Wraps a fetch handler so it only sees requests the operations map allows; everything else is answered with
 * PubNub's 403 (or a 400/413/503 for bad input or an unreachable revocation store).
 *
 * Exported from `@grantkit/edge`.
 *
 * @param handler - What allowed requests reach: typically a `fetch` to the backend.
 * @param options - Revocation store, clock, keyset settings.
 * @returns A Worker module object with `fetch(request, env, context)`.
 * @example
 * ```ts
 * import { withPubNubAccessControl } from '@grantkit/edge';
 * export default withPubNubAccessControl((request) => {
 *   const url = new URL(request.url);
 *   return fetch(new Request(`https://backend.example${url.pathname}${url.search}`, request));
 * });
 * ```
 */
export function withPubNubAccessControl<E extends GrantkitEnv = GrantkitEnv>(
  handler: GuardedFetchHandler<E>,
  options: PubNubAccessControlOptions = {},
): { fetch(request: Request, env: E, context?: ExecutionContextLike): Promise<Response> } {
  return {
    async fetch(request: Request, env: E, context?: ExecutionContextLike): Promise<Response> {
      const result = await guardPubNubRequest(request, env, options);
      if (!result.allowed) return result.response;
      return handler(request, env, context, result.decision);
    },
  };
}
