/**
 * The HTTP service: `@grantkit/core`'s shared handler behind the `node:http` adapter, plus the Node service's own
 * routes: `/ready` (every store answers), `/metrics` (on the main port or a separate listener, optionally behind a
 * bearer token), `/openapi.json` (the REST contract), a `/health` that turns 503 while draining; structured access
 * logs; and graceful shutdown that lets in-flight requests finish.
 *
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  createGrantHandler, createOperationGuard, importKeyset, splitRequestTarget, type Clock, type GrantReply, type GrantRequest, type HandlerEvent, type Keyset,
  type KeysetConfig, type RevocationStore,
} from '@grantkit/core';
import { nodeCrypto } from '../crypto.js';
import { errorBody } from './error-body.js';
import { closeLingering } from './linger.js';
import { jsonReply, serveGrantRequest } from './node-adapter.js';
import { silentLogger, type Logger } from './logger.js';
import { Metrics, type RequestObservation } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { createReadiness, type ReadinessCheck, type ReadinessResult } from './readiness.js';
import { createUpstreamProxy, isServicePath } from './upstream-proxy.js';
import { VERSION } from '../version.js';

/**
 * Options of {@link startServer}.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const options: ServerOptions = { keysets: [{ subscribeKey, publishKey, secretKey }], port: 8080 };
 * ```
 */
export interface ServerOptions {
  /** The keysets served (subscribe key → publish key + secret + previous secrets); keys are trimmed. */
  keysets: readonly KeysetConfig[];
  /** The revocation denylist. Without one, revoke answers 403 `Feature disabled`, as PubNub does. */
  revocations?: RevocationStore;
  /** TCP port; 0 picks a free one (read it from `server.port`). Default 8080. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`; use `0.0.0.0` in a container. */
  host?: string;
  /** Structured logger. Default: silent. */
  logger?: Logger;
  /** Metrics registry. Default: a new one. */
  metrics?: Metrics;
  /** Largest accepted request body, bytes (413 beyond). Default 32 KiB. */
  maxBodyBytes?: number;
  /** Allowed request timestamp distance for signature v2, seconds. Default 60. */
  requestWindow?: number;
  /** How long a client may take to send its request headers before a 408, ms. Default 10,000. */
  headersTimeoutMs?: number;
  /** How long a client may take to send its whole request, body included, before a 408, ms. Default 30,000. */
  requestTimeoutMs?: number;
  /** How long `close()` waits for in-flight requests before cutting connections, ms. Default 10,000. */
  shutdownTimeoutMs?: number;
  /** Unix seconds. Default `Date.now()`. */
  clock?: Clock;
  /**
   * A PubNub-style backend (`http(s)://host[:port]`): every request that is not the service's own is checked against
   * the operations map and, when allowed, forwarded there; denials are answered in PubNub's shape.
   */
  upstream?: string;
  /**
   * What `/ready` checks. Default: the revocation store, when it has a `ping()` (SQLite, Redis), named `revocations`.
   */
  readinessChecks?: readonly ReadinessCheck[];
  /** How long `/ready` waits for each check that sets no timeout of its own, ms. Default 1000. */
  readyTimeoutMs?: number;
  /** Serve `/metrics` on its own listener (and not on the main port). Port 0 picks a free one. */
  metricsAddress?: { port: number; host?: string };
  /** When set, `/metrics` requires `Authorization: Bearer <metricsToken>` and answers 401 otherwise. */
  metricsToken?: string;
}

/**
 * A running service.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const server: GrantkitServer = await startServer({ keysets, port: 0 });
 * console.log(server.url);
 * await server.close();
 * ```
 */
export interface GrantkitServer {
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly metrics: Metrics;
  /** The underlying `node:http` server. */
  readonly httpServer: Server;
  /** `http://host:port` of the separate metrics listener, when `metricsAddress` is set. */
  readonly metricsUrl: string | undefined;
  /** Requests being answered right now. */
  readonly inFlight: number;
  /**
   * Graceful stop: `/health` and `/ready` turn 503, no new connections, in-flight requests finish (up to `shutdownTimeoutMs`),
   * then resolves. Does not close the revocation store (its owner does).
   */
  close(): Promise<void>;
}

/** A client gets this long to send its request headers, then 408 (documented in the Node server guide). */
const HEADERS_TIMEOUT_MS = 10_000;
/** ...and this long for the whole request, body included, then 408. */
const REQUEST_TIMEOUT_MS = 30_000;
/** Status and reason for the parser's errors; anything else is a 400. */
const CLIENT_ERRORS: Record<string, readonly [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
};

/** Writes a PubNub-shaped error as raw HTTP (there is no ServerResponse for it) and closes the connection lingering. */
function writeRawError(socket: Socket, status: number, title: string): void {
  const body = JSON.stringify(errorBody(status, title, '', '', ''));
  socket.write(`HTTP/1.1 ${status} ${title}\r\ncontent-type: application/json; charset=utf-8\r\ncache-control: no-store\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  closeLingering(socket);
}

/**
 * Starts the Access Manager service and resolves once it accepts connections (so `/health` answers 200).
 *
 * Exported from `@grantkit/node`.
 *
 * @param options - Keysets, store, address, logger.
 * @returns The running server.
 * @throws `KeyInvalidError` `ERR_KEY_INVALID` for a keyset with a missing or empty key; the `listen` error (e.g.
 *   `EADDRINUSE`).
 * @example
 * ```ts
 * import { startServer, SqliteRevocationStore, createJsonLogger } from '@grantkit/node';
 * const server = await startServer({
 *   keysets: [{ subscribeKey: 'sub-c-1', publishKey: 'pub-c-1', secretKey: process.env.GRANTKIT_SECRET_KEY! }],
 *   revocations: new SqliteRevocationStore({ dataDir: './.grantkit-data' }),
 *   logger: createJsonLogger(),
 * });
 * process.on('SIGTERM', () => void server.close());
 * ```
 */
export async function startServer(options: ServerOptions): Promise<GrantkitServer> {
  const logger = options.logger ?? silentLogger;
  const metrics = options.metrics ?? new Metrics({ version: VERSION });
  const keysets = new Map<string, Keyset>();
  for (const config of options.keysets) {
    // Core's one import path: keys trimmed, current secret first, as on every runtime.
    const keyset = importKeyset(config, nodeCrypto);
    keysets.set(keyset.subscribeKey, keyset);
  }
  const maxBodyBytes = options.maxBodyBytes ?? 32_768;
  const record = (event: RequestObservation & Pick<HandlerEvent, 'subscribeKey'>) => {
    metrics.observe(event);
    // Route, status and outcome only: paths and queries carry tokens and signatures, so they are never logged.
    const durationMs = Math.round(event.durationMs * 1000) / 1000;
    const fields = event.subscribeKey !== undefined && keysets.has(event.subscribeKey)
      ? { route: event.route, status: event.status, outcome: event.outcome, durationMs, subscribeKey: event.subscribeKey }
      : { route: event.route, status: event.status, outcome: event.outcome, durationMs };
    if (event.status >= 500 && event.route !== 'ready') logger.error('request failed', fields);
    else if (PROBE_ROUTES.has(event.route)) logger.debug('request', fields);
    else logger.info('request', fields);
  };
  const handler = createGrantHandler({
    keysets,
    ...(options.revocations === undefined ? {} : { revocations: options.revocations }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    requestWindow: options.requestWindow ?? 60,
    maxBodyBytes,
    onEvent: (event) => {
      record(event);
      if (event.strictWarnings !== undefined) {
        // Accepted, as PubNub would; strict validation would have refused it (the fields name resources, never tokens).
        logger.warn('grant accepted that strict validation refuses', { route: event.route, status: event.status, strictWarnings: event.strictWarnings });
      }
    },
  });

  const proxy = options.upstream === undefined ? undefined : createUpstreamProxy({
    upstream: options.upstream,
    guard: createOperationGuard({
      keysets,
      ...(options.revocations === undefined ? {} : { revocations: options.revocations }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      requestWindow: options.requestWindow ?? 60,
    }),
    maxBodyBytes,
    // Operation and outcome only: data-plane paths and queries carry tokens and message contents.
    onRequest: (event) => logger.info('proxy', { operation: event.operation, outcome: event.outcome, status: event.status, durationMs: Math.round(event.durationMs * 1000) / 1000 }),
  });

  const readiness = createReadiness(options.readinessChecks ?? defaultChecks(options.revocations), options.readyTimeoutMs ?? 1_000);
  metrics.trackStores(readiness);
  let draining = false;
  // Requests being answered, and who waits for them to finish (a graceful close).
  let inFlight = 0;
  let idle: (() => void) | undefined;
  const finished = () => {
    inFlight--;
    if (inFlight === 0 && idle !== undefined) idle();
  };

  /** The Node service's own routes; everything else is the shared handler's. */
  const ownRoutes: Record<string, (request: GrantRequest) => Promise<[GrantReply, string]>> = {
    '/ready': async () => {
      if (draining) return [jsonReply(503, { ...errorBody(503, 'Shutting down', '', '', ''), checks: [] }), 'draining'];
      const checks = await readiness();
      const failing = checks.filter((check) => !check.ready);
      if (failing.length === 0) return [jsonReply(200, { status: 200, message: 'Ready', checks, service: 'Access Manager' }), 'success'];
      return [jsonReply(503, notReady(failing, checks)), 'not-ready'];
    },
    '/openapi.json': async () => [OPENAPI_REPLY, 'success'],
  };
  const metricsRoute = async (request: GrantRequest): Promise<[GrantReply, string]> => {
    if (options.metricsToken !== undefined && !bearerMatches(request.header('authorization'), options.metricsToken)) {
      const body = errorBody(401, 'Unauthorized', 'A bearer token is required for metrics.', 'authorization', 'header');
      return [jsonReply(401, body, { 'www-authenticate': 'Bearer realm="grantkit-metrics"' }), 'unauthorized'];
    }
    return [{ status: 200, headers: METRICS_HEADERS, body: await metrics.render() }, 'success'];
  };
  if (options.metricsAddress === undefined) ownRoutes['/metrics'] = metricsRoute;

  const route = (request: GrantRequest): Promise<GrantReply> => {
    const path = pathOf(request.target);
    const own = Object.prototype.hasOwnProperty.call(ownRoutes, path) ? ownRoutes[path] : undefined;
    if (own !== undefined) return answerOwn(request, path, own);
    if (path === '/health' && draining) {
      return Promise.resolve(jsonReply(503, { status: 503, message: 'Shutting down', service: 'Access Manager' }));
    }
    return handler.handle(request);
  };
  const answerOwn = async (request: GrantRequest, pathname: string, answer: (request: GrantRequest) => Promise<[GrantReply, string]>): Promise<GrantReply> => {
    const started = performance.now();
    const name = ROUTE_NAMES[pathname] ?? pathname;
    let response: GrantReply;
    let outcome: string;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      [response, outcome] = [jsonReply(405, errorBody(405, 'Method Not Allowed', '', '', '')), 'method-not-allowed'];
    } else {
      try {
        [response, outcome] = await answer(request);
      } catch (error) {
        logger.error('route failed', { route: name, error });
        [response, outcome] = [jsonReply(500, errorBody(500, 'Internal Server Error', '', '', '')), 'internal'];
      }
    }
    record({ route: name, status: response.status, outcome, durationMs: performance.now() - started });
    return response;
  };

  const listener = (answer: (request: GrantRequest) => Promise<GrantReply>, forward: typeof proxy | null = proxy) => (incoming: IncomingMessage, outgoing: ServerResponse) => {
    // While draining, tell keep-alive clients to reconnect elsewhere after this answer.
    if (draining) outgoing.setHeader('connection', 'close');
    inFlight++;
    let work: Promise<void>;
    try {
      work = forward !== undefined && forward !== null && !isServicePath(incoming.url ?? '/')
        ? forward(incoming, outgoing)
        : serveGrantRequest(answer, incoming, outgoing);
    } catch (error) {
      work = Promise.reject(error);
    }
    work.then(finished, (error: unknown) => {
      logger.error('response could not be written', { error });
      outgoing.destroy();
      finished();
    });
  };
  const timeouts = { headersTimeout: options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS, requestTimeout: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS };
  const httpServer = createHttpServer(listener(route), timeouts);
  let metricsServer: Server | undefined;
  let metricsUrl: string | undefined;
  await listen(httpServer, options.port ?? 8080, options.host ?? '127.0.0.1');
  if (options.metricsAddress !== undefined) {
    const onlyMetrics = async (request: GrantRequest): Promise<GrantReply> => {
      const path = pathOf(request.target);
      if (path === '/metrics') return answerOwn(request, path, metricsRoute);
      return jsonReply(404, errorBody(404, 'Not Found', '', '', ''));
    };
    // The metrics listener forwards nothing upstream.
    metricsServer = createHttpServer(listener(onlyMetrics, null), timeouts);
    try {
      await listen(metricsServer, options.metricsAddress.port, options.metricsAddress.host ?? '127.0.0.1');
    } catch (error) {
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      throw error;
    }
    metricsUrl = urlOf(metricsServer, options.metricsAddress.host ?? '127.0.0.1');
  }
  const host = options.host ?? '127.0.0.1';
  const url = urlOf(httpServer, host);
  let closing: Promise<void> | undefined;
  return {
    url,
    port: (httpServer.address() as AddressInfo).port,
    host,
    metrics,
    httpServer,
    metricsUrl,
    get inFlight() {
      return inFlight;
    },
    close() {
      closing ??= (async () => {
        draining = true;
        const servers = [httpServer, ...(metricsServer === undefined ? [] : [metricsServer])];
        const closed = Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
        for (const server of servers) server.closeIdleConnections();
        const timeout = options.shutdownTimeoutMs ?? 10_000;
        let timer: NodeJS.Timeout | undefined;
        const expired = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), timeout);
        });
        const done = inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => {
          idle = resolve;
        });
        const outcome = await Promise.race([done.then(() => 'done' as const), expired]);
        if (outcome === 'timeout') logger.warn('shutdown timeout: closing remaining connections', { inFlight });
        for (const server of servers) server.closeAllConnections();
        await closed;
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}

/** Routes answered often by machines (probes, scrapers): logged at debug level only. */
const PROBE_ROUTES = new Set(['health', 'ready', 'metrics']);
const ROUTE_NAMES: Record<string, string> = { '/ready': 'ready', '/metrics': 'metrics', '/openapi.json': 'openapi' };
/** Serialized once: the document never changes while the process runs. */
const OPENAPI_REPLY: GrantReply = Object.freeze({
  status: 200,
  headers: Object.freeze({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }),
  body: JSON.stringify(openApiDocument),
});
const METRICS_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'content-type': Metrics.contentType, 'cache-control': 'no-store' });

/** The path of a request target as `new URL` gives it (core's one split); an unparsable target is no own route. */
function pathOf(target: string): string {
  try {
    return splitRequestTarget(target).path;
  } catch {
    return target;
  }
}

function defaultChecks(store: RevocationStore | undefined): ReadinessCheck[] {
  const pingable = store as (RevocationStore & { ping?: () => unknown }) | undefined;
  return typeof pingable?.ping === 'function' ? [{ name: 'revocations', check: () => pingable.ping!() }] : [];
}

function notReady(failing: readonly ReadinessResult[], checks: readonly ReadinessResult[]) {
  const body = errorBody(503, 'Not ready', '', '', '');
  // One detail per failing check, naming it: a load balancer's log then says which dependency is down.
  body.error.details = failing.map((check) => ({ message: `${check.name}: ${check.error ?? 'not ready'}`, location: check.name, locationType: 'store' }));
  return { ...body, checks };
}

function bearerMatches(header: string | undefined, expected: string): boolean {
  const given = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
  if (given === undefined) return false;
  // Compare digests: equal length whatever was sent, and constant time.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function createHttpServer(
  listener: (incoming: IncomingMessage, outgoing: ServerResponse) => void,
  timeouts: { headersTimeout: number; requestTimeout: number },
): Server {
  const server = createServer({
    // Tokens travel in query strings (`auth`) and revoke paths: allow PubNub's 32 KiB request budget in headers too.
    maxHeaderSize: 32_768,
    ...timeouts,
    // Node enforces both timeouts from a periodic sweep, 30 s apart by default: a slow client was cut 27-36 s (headers)
    // or 60 s (body) in. A sweep every 250 ms keeps each within a quarter second of its documented value.
    connectionsCheckingInterval: 250,
  }, listener);
  server.keepAliveTimeout = 5_000;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // Unparsable or too slow HTTP never reaches the handler: answer ourselves, then close lingering (see linger.ts).
    if (!socket.writable || error.code === 'ECONNRESET') return socket.destroy();
    const [status, title] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'Bad Request'];
    writeRawError(socket, status, title);
  });
  // CONNECT never reaches the request listener (node:http hands the socket over): refuse it like any other method.
  server.on('connect', (_request: IncomingMessage, socket: Socket) => writeRawError(socket, 405, 'Method Not Allowed'));
  return server;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function urlOf(server: Server, host: string): string {
  const { port } = server.address() as AddressInfo;
  const displayHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${displayHost}:${port}`;
}
