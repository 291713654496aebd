/**
 * `@grantkit/node`: the self-hosted, PubNub Access Manager v3 compatible token service for Node.
 *
 * - {@link AccessManager}: the server SDK (`grantToken`, `revokeToken`, `parseToken`, `verifyToken`, `authorize`),
 *   local (sync `node:crypto` fast path) or remote (signature v2 REST calls to a grantkit service or PubNub).
 * - {@link startServer}: the HTTP service behind `grantkit serve`, built on `@grantkit/core`'s shared handler through
 *   the {@link toNodeListener} adapter, with `/metrics`, structured logs and graceful shutdown.
 * - Revocation stores: {@link SqliteRevocationStore} (default, durable), {@link RedisRevocationStore} (shared by
 *   several nodes), {@link MemoryRevocationStore}.
 * - {@link requirePermission}: a route guard for Express, Fastify and `node:http`.
 * - {@link requirePubNubOperation} and {@link createUpstreamProxy}: the PubNub operations map enforced as middleware,
 *   or in front of a PubNub-style backend (`grantkit serve --upstream`).
 * - {@link importKey} / {@link NodeHmacKey}: the synchronous crypto port for `@grantkit/core`.
 *
 * @example
 * ```ts
 * import { Channel } from '@grantkit/core';
 * import { AccessManager, SqliteRevocationStore } from '@grantkit/node';
 *
 * const accessManager = new AccessManager({
 *   subscribeKey: process.env.GRANTKIT_SUBSCRIBE_KEY!, publishKey: process.env.GRANTKIT_PUBLISH_KEY!,
 *   secretKey: process.env.GRANTKIT_SECRET_KEY!, revocations: new SqliteRevocationStore({ dataDir: './data' }),
 * });
 * const { token } = await accessManager.grantToken().ttl(15).authorizedUuid('alice').channels([Channel.id('room-1').read()]);
 * ```
 *
 * @module
 */
export { NodeHmacKey, importKey, nodeCrypto } from './crypto.js';
export { AccessManager } from './sdk/access-manager.js';
export type {
  AccessManagerOptions, RevokeTokenResult, AccessManagerStatus, AccessManagerCallback, NodeParsedToken,
} from './sdk/access-manager.js';
export type { AccessRequest, Authorizer } from './sdk/authorizer.js';
export { AccessManagerError } from './sdk/access-manager-error.js';
export type { AccessManagerErrorStatus, AccessManagerOperation } from './sdk/access-manager-error.js';
export { GrantTokenRequest } from './sdk/grant-token-request.js';
export type { GrantTokenResult } from './sdk/grant-token-request.js';
export { requirePermission, tokenFromRequest } from './sdk/middleware.js';
export type {
  DenialAnswer, DenialReason, GrantkitRequestState, PermissionDenial, PermissionGuard, RequirePermissionOptions,
} from './sdk/middleware.js';
export { requirePubNubOperation } from './sdk/operation-middleware.js';
export type { PubNubOperationGuardOptions, PubNubOperationMiddleware } from './sdk/operation-middleware.js';
export { createUpstreamProxy, isServicePath } from './service/upstream-proxy.js';
export type { UpstreamProxyOptions, UpstreamProxyEvent, UpstreamProxy } from './service/upstream-proxy.js';
export { toNodeListener } from './service/node-adapter.js';
export type { FetchHandler, NodeAdapterOptions } from './service/node-adapter.js';
export type { PubNubErrorBody } from './service/error-body.js';
export { startServer } from './service/server.js';
export { openApiDocument } from './service/openapi.js';
export type { GrantkitServer, ServerOptions } from './service/server.js';
export { Metrics } from './service/metrics.js';
export type { MetricsOptions, RequestObservation, StoreState } from './service/metrics.js';
export type { ReadinessCheck, ReadinessResult } from './service/readiness.js';
export { createJsonLogger, createPrettyLogger, silentLogger } from './service/logger.js';
export type { JsonLoggerOptions, LogLevel, Logger, PrettyLoggerOptions } from './service/logger.js';
export { resolveServiceConfig } from './service/config.js';
export type { ConfigSources, ServiceConfig, StoreKind } from './service/config.js';
export { generateKeyset } from './service/keygen.js';
export { MemoryRevocationStore } from './store/memory.js';
export type { MemoryRevocationStoreOptions } from './store/memory.js';
export { SqliteRevocationStore } from './store/sqlite.js';
export type { SqliteRevocationStoreOptions } from './store/sqlite.js';
export { RedisRevocationStore } from './store/redis.js';
export type { RedisPersistence, RedisRevocationStoreOptions } from './store/redis.js';
export { VERSION } from './version.js';
// What a Node server uses from the core, re-exported so that `npm install @grantkit/node` is the only install a Node
// server needs (with pnpm's strict layout, importing '@grantkit/core' without installing it fails).
export { Channel, Group, UUID, Space, User, isGrantkitError, GrantkitError } from '@grantkit/core';
export type {
  GrantTokenOptions, VerifiedToken, ParsedToken, Permission, GrantkitErrorCode, AnyGrantkitError, RevocationStore,
} from '@grantkit/core';
