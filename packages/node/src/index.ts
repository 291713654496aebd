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
export { AccessManager } from './access-manager.js';
export type { AccessManagerOptions, AccessRequest, AccessDecision, RevokeTokenResult } from './access-manager.js';
export { AccessManagerError } from './access-manager-error.js';
export type { AccessManagerErrorCode, AccessManagerErrorStatus, AccessManagerOperation } from './access-manager-error.js';
export { GrantTokenRequest } from './grant-token-request.js';
export type { GrantTokenResult } from './grant-token-request.js';
export { requirePermission, tokenFromRequest } from './middleware.js';
export type { Authorizer, GrantkitRequestState, PermissionGuard, RequirePermissionOptions } from './middleware.js';
export { toRequest, sendResponse, toNodeListener } from './http/node-adapter.js';
export type { FetchHandler, NodeAdapterOptions } from './http/node-adapter.js';
export type { PubNubErrorBody } from './http/error-body.js';
export { startServer } from './server.js';
export type { GrantkitServer, ServerOptions } from './server.js';
export { Metrics } from './metrics.js';
export { createJsonLogger, isLogLevel, silentLogger } from './logger.js';
export type { JsonLoggerOptions, LogLevel, Logger } from './logger.js';
export { resolveServiceConfig, loadDemoKeyset, ConfigError, DEMO_KEYSET_FILE } from './config.js';
export type { ConfigSources, ServiceConfig, StoreKind } from './config.js';
export { generateKeyset } from './keygen.js';
export type { KeysetConfig } from './keygen.js';
export { MemoryRevocationStore } from './store/memory.js';
export type { MemoryRevocationStoreOptions } from './store/memory.js';
export { SqliteRevocationStore, SQLITE_FILE_NAME } from './store/sqlite.js';
export type { SqliteRevocationStoreOptions } from './store/sqlite.js';
export { RedisRevocationStore } from './store/redis.js';
export type { RedisRevocationStoreOptions } from './store/redis.js';
export { VERSION } from './version.js';
