/**
 * The Access Manager endpoints as a Worker: core's shared `createGrantHandler` (the same routes the Node service
 * serves), fed with keysets and a revocation store read from bindings.
 *
 * @module
 */
import {
  createGrantHandler, type Clock, type GrantHandlerOptions, type HandlerEvent, type Keyset, type KeysetConfig,
  type MaybePromise, type RevocationStore,
} from '@grantkit/core';
import type { ExecutionContextLike, GrantkitEnv } from './env.js';
import { importKeysets, keysetsFromEnv } from './keysets.js';
import { revocationsFromEnv } from './revocations.js';

/**
 * Options of {@link createEdgeHandler}. Everything is optional: by default keysets and the revocation store come
 * from the bindings described in {@link GrantkitEnv}.
 *
 * Exported from `@grantkit/edge`.
 *
 * @example
 * ```ts
 * const options: EdgeHandlerOptions<Env> = {
 *   revocations: (env) => kvRevocationStore(env.REVOKED),
 *   onEvent: (event, env, context) => context?.waitUntil(record(env, event)),
 * };
 * ```
 */
export interface EdgeHandlerOptions<E extends GrantkitEnv = GrantkitEnv> {
  /**
   * Where keysets come from, for secrets kept elsewhere (a Secrets Store binding, another service). Their keys are
   * trimmed as the bindings' are. Default: the `GRANTKIT_*` bindings, parsed once per isolate.
   */
  keysets?: (env: E) => MaybePromise<readonly KeysetConfig[]>;
  /**
   * The revocation store: a store, a function of `env`, or `false` to disable revocation. Default: the Durable
   * Object or KV binding, see {@link revocationsFromEnv}.
   */
  revocations?: RevocationStore | false | ((env: E) => RevocationStore | undefined);
  /** Unix seconds. Default `Date.now()`. */
  clock?: Clock;
  /** Allowed request timestamp distance in seconds. Default 60, as PubNub. */
  requestWindow?: number;
  /** Largest request body in bytes; larger gets 413. Default 32 KiB. */
  maxBodyBytes?: number;
  /** Called after every request with the handler's event (never a token or secret). Must not throw. */
  onEvent?: (event: HandlerEvent, env: E, context: ExecutionContextLike | undefined) => void;
}

/**
 * A Worker module: `export default` it. In other fetch runtimes call `fetch(request, env)` yourself.
 *
 * Exported from `@grantkit/edge`.
 *
 * @example
 * ```ts
 * const handler: EdgeHandler = createEdgeHandler();
 * Deno.serve((request) => handler.fetch(request, Deno.env.toObject()));
 * ```
 */
export interface EdgeHandler<E extends GrantkitEnv = GrantkitEnv> {
  /**
   * Answers one request: grant, revoke, authorize or health; anything else 404.
   *
   * @param request - The incoming request.
   * @param env - Bindings (Workers) or an object of environment variables (other runtimes).
   * @param context - The Worker's execution context, passed on to `onEvent`.
   * @returns The response; bad input gets a PubNub-shaped 400/403/413, a misconfigured keyset a generic 500.
   */
  fetch(request: Request, env: E, context?: ExecutionContextLike): Promise<Response>;
}

/**
 * Creates the Access Manager endpoints for Cloudflare Workers or any fetch runtime: `POST /v3/pam/{sub}/grant`,
 * `DELETE /v3/pam/{sub}/grant/{token}` (signature v2, ±60 s timestamp window), `GET|POST
 * /grantkit/v1/{sub}/authorize` and `GET /health`, the same routes and bodies as the Node service.
 *
 * Exported from `@grantkit/edge`.
 *
 * @param options - Keyset source, revocation store, clock, limits, event hook.
 * @returns A Worker module object with `fetch(request, env, context)`.
 * @example
 * ```ts
 * // src/index.ts: secrets via `wrangler secret put GRANTKIT_SECRET_KEY`
 * import { createEdgeHandler } from '@grantkit/edge';
 * export { RevocationDurableObject } from '@grantkit/edge';
 * export default createEdgeHandler();
 * ```
 */
export function createEdgeHandler<E extends GrantkitEnv = GrantkitEnv>(options: EdgeHandlerOptions<E> = {}): EdgeHandler<E> {
  const readKeysets = options.keysets;
  const keysetsFor = readKeysets === undefined
    ? (env: E) => keysetsFromEnv(env)
    : async (env: E) => importKeysets(await readKeysets(env));

  function revocationsFor(env: E): RevocationStore | undefined {
    const revocations = options.revocations;
    if (revocations === false) return undefined;
    if (revocations === undefined) return revocationsFromEnv(env);
    return typeof revocations === 'function' ? revocations(env) : revocations;
  }

  return {
    async fetch(request: Request, env: E, context?: ExecutionContextLike): Promise<Response> {
      const onEvent = options.onEvent;
      const handlerOptions: GrantHandlerOptions = {
        // The keyset lookup runs only on routes that need one, so /health answers even when misconfigured.
        keysets: async (subscribeKey: string): Promise<Keyset | undefined> => {
          let keysets: Map<string, Keyset>;
          try {
            keysets = await keysetsFor(env);
          } catch (error) {
            // A configuration fault is the operator's, not the client's: log it (binding names only, never values);
            // the handler answers a generic 500 rather than a 400 that blames the request.
            console.error(`grantkit: ${error instanceof Error ? error.message : 'keysets could not be loaded'}`);
            throw error;
          }
          return keysets.get(subscribeKey);
        },
        ...optional('revocations', revocationsFor(env)),
        ...optional('clock', options.clock),
        ...optional('requestWindow', options.requestWindow),
        ...optional('maxBodyBytes', options.maxBodyBytes),
        ...(onEvent === undefined ? {} : { onEvent: (event: HandlerEvent) => onEvent(event, env, context) }),
      };
      // createGrantHandler only builds closures; the costly parts (keysets, imported keys) are cached per isolate.
      return createGrantHandler(handlerOptions)(request);
    },
  };
}

function optional<K extends string, V>(name: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [name]: value }) as { [P in K]?: V };
}
