/**
 * `@grantkit/edge`: PubNub Access Manager v3 compatible grant, revoke and authorize endpoints for Cloudflare Workers
 * and any other fetch runtime (Deno, Bun, Vercel edge). Crypto is WebCrypto; keysets and secrets come from bindings;
 * revocations live in Workers KV (eventually consistent, about 60 s) or a Durable Object (immediate). No Node
 * built-ins and no `nodejs_compat`.
 *
 * @example
 * ```ts
 * // A complete Worker. Secrets: `wrangler secret put GRANTKIT_SECRET_KEY`.
 * import { createEdgeHandler } from '@grantkit/edge';
 * export { RevocationDurableObject } from '@grantkit/edge';
 * export default createEdgeHandler();
 * ```
 *
 * @module
 */
export { createEdgeHandler } from './edge-handler.js';
export type { EdgeHandler, EdgeHandlerOptions } from './edge-handler.js';
export { authorizeRequest, forbiddenResponse } from './authorize-request.js';
export type { AuthorizeRequestOptions } from './authorize-request.js';
export { guardPubNubRequest, withPubNubAccessControl } from './operation-guard.js';
export type { PubNubAccessControlOptions, GuardedFetchHandler } from './operation-guard.js';
export { importHmacKey, webCryptoHmacSha256 } from './crypto.js';
export { importKeysets, keysetsFromEnv } from './keysets.js';
export { revocationsFromEnv } from './revocations.js';
export { kvRevocationStore } from './store/kv.js';
export type { KvRevocationStoreOptions } from './store/kv.js';
export { RevocationDurableObject, durableObjectRevocationStore } from './store/durable-object.js';
export type { DurableObjectRevocationStoreOptions } from './store/durable-object.js';
export type {
  GrantkitEnv, KvNamespaceLike, DurableObjectIdLike, DurableObjectStubLike, DurableObjectNamespaceLike,
  DurableObjectStorageLike, DurableObjectStateLike, ExecutionContextLike,
} from './env.js';
