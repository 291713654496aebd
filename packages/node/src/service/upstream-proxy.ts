/**
 * Enforcement in front of a PubNub-style backend: every request that is not the service's own (Access Manager
 * grant/revoke, authorize, health, metrics) is checked against the operations map with `@grantkit/core`'s guard and,
 * when allowed, forwarded to the upstream over `node:http(s)` byte for byte: method, path and query as received,
 * headers (less hop-by-hop ones), the body streamed (bodies are buffered, bounded, only where the check needs them),
 * and the upstream's status, headers and body streamed back untouched, long-poll subscribes included. Denials are
 * answered here in PubNub's shape and never reach the upstream.
 *
 * @module
 */
import { request as httpRequest, Agent as HttpAgent, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { guardNeedsBody, LIMITS, type GuardResult, type OperationGuard } from '@grantkit/core';
import { sendResponse } from './node-adapter.js';

/**
 * Options of {@link createUpstreamProxy}.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const options: UpstreamProxyOptions = { upstream: 'https://ps.pndsn.com', guard: createOperationGuard({ keysets }) };
 * ```
 */
export interface UpstreamProxyOptions {
  /** The backend's origin, `http(s)://host[:port]` (a path prefix is kept in front of every forwarded path). */
  upstream: string;
  /** Decides every request before it is forwarded. */
  guard: OperationGuard;
  /** Largest body buffered for a check (PATCH requests, signed requests); larger gets 413. Default 32 KiB. */
  maxBodyBytes?: number;
  /** Called once per request, after the answer started (never with a token). Must not throw. */
  onRequest?: (event: UpstreamProxyEvent) => void;
}

/**
 * What the proxy reports for each request.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * onRequest: (event) => logger.info('proxy', { ...event })
 * ```
 */
export interface UpstreamProxyEvent {
  /** The operation name, or `unknown`. */
  operation: string;
  /** `forwarded`, or the denial reason (`permission-missing`, `revoked`, ...), or `upstream-error`. */
  outcome: string;
  status: number;
  durationMs: number;
}

/**
 * A `node:http` handler that checks and forwards; resolves once the answer is written (or the client went away).
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const proxy: UpstreamProxy = createUpstreamProxy(options);
 * http.createServer((incoming, outgoing) => void proxy(incoming, outgoing));
 * ```
 */
export type UpstreamProxy = (incoming: IncomingMessage, outgoing: ServerResponse) => Promise<void>;

// Hop-by-hop headers (RFC 9110 7.6.1) belong to one connection, never forwarded; `host` names the upstream instead.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-authenticate', 'host']);

/**
 * Creates the checking proxy. The paths the service answers itself are not its business: route only data-plane
 * requests to it (see {@link isServicePath}).
 *
 * Exported from `@grantkit/node`.
 *
 * @param options - Upstream origin, guard, body cap, event hook.
 * @returns The proxy handler.
 * @throws `TypeError` when `upstream` is not an http(s) URL.
 * @example
 * ```ts
 * import { createOperationGuard } from '@grantkit/core';
 * import { createUpstreamProxy } from '@grantkit/node';
 * const proxy = createUpstreamProxy({ upstream: 'http://127.0.0.1:9000', guard: createOperationGuard({ keysets, revocations }) });
 * ```
 */
export function createUpstreamProxy(options: UpstreamProxyOptions): UpstreamProxy {
  const base = new URL(options.upstream);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError('upstream must be an http:// or https:// URL');
  const secure = base.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  // Keep-alive to the upstream: a subscribe loop reuses one connection per in-flight long poll.
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const prefix = base.pathname.replace(/\/$/, '');
  const limit = options.maxBodyBytes ?? LIMITS.maxRequestBodyBytes;

  function report(started: number, result: Pick<UpstreamProxyEvent, 'operation' | 'outcome' | 'status'>): void {
    try {
      options.onRequest?.({ ...result, durationMs: performance.now() - started });
    } catch {
      // A broken hook must not break the request.
    }
  }

  return async function proxy(incoming, outgoing) {
    const started = performance.now();
    const method = (incoming.method ?? 'GET').toUpperCase();
    const target = incoming.url ?? '/';
    const headers = new Headers();
    for (const [name, value] of Object.entries(incoming.headers)) {
      if (typeof value === 'string') headers.set(name, value);
      else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    }
    let body: Buffer | undefined;
    let result: GuardResult;
    try {
      if (guardNeedsBody(method, target)) body = await readBounded(incoming, limit);
      result = await options.guard.check({ method, url: target, headers, ...(body === undefined ? {} : { body: body.toString('utf8') }) });
    } catch (error) {
      const status = error instanceof BodyTooLargeError ? 413 : 400;
      const message = status === 413 ? `Request Entity Too Large: the body exceeds ${limit} bytes` : 'Invalid request: the body could not be read';
      outgoing.setHeader('connection', 'close');
      await sendResponse(json(status, message), outgoing);
      report(started, { operation: 'unknown', outcome: status === 413 ? 'body-too-large' : 'bad-body', status });
      return;
    }
    if (!result.allowed) {
      await sendResponse(result.response, outgoing);
      report(started, { operation: result.decision?.operation ?? 'unknown', outcome: result.decision?.reason ?? `status-${result.response.status}`, status: result.response.status });
      return;
    }
    const forwarded: OutgoingHttpHeaders = {};
    for (let index = 0; index + 1 < incoming.rawHeaders.length; index += 2) {
      const name = incoming.rawHeaders[index]!;
      if (HOP_BY_HOP.has(name.toLowerCase())) continue;
      const existing = forwarded[name];
      forwarded[name] = existing === undefined ? incoming.rawHeaders[index + 1]! : [...([] as string[]).concat(existing as string), incoming.rawHeaders[index + 1]!];
    }
    forwarded.host = base.host;
    const peer = incoming.socket.remoteAddress;
    if (peer !== undefined) forwarded['x-forwarded-for'] = [incoming.headers['x-forwarded-for'], peer].filter(Boolean).join(', ');
    if (body !== undefined) {
      delete forwarded['transfer-encoding'];
      for (const name of Object.keys(forwarded)) if (name.toLowerCase() === 'content-length') delete forwarded[name];
      forwarded['content-length'] = String(body.byteLength);
    } else if (incoming.headers['transfer-encoding'] !== undefined) {
      forwarded['transfer-encoding'] = 'chunked';
    }
    const operation = result.decision.operation;
    await new Promise<void>((resolve) => {
      const upstream = send({ protocol: base.protocol, hostname: base.hostname, port: base.port, method, path: prefix + target, headers: forwarded, agent }, (response) => {
        const raw: string[] = [];
        for (let index = 0; index + 1 < response.rawHeaders.length; index += 2) {
          // Framing is this connection's: Node re-frames (chunked or by content-length) what it writes.
          if (!HOP_BY_HOP.has(response.rawHeaders[index]!.toLowerCase())) raw.push(response.rawHeaders[index]!, response.rawHeaders[index + 1]!);
        }
        outgoing.writeHead(response.statusCode ?? 502, response.statusMessage, raw as unknown as OutgoingHttpHeaders);
        // Long-poll subscribes and file downloads stream through as they arrive.
        response.pipe(outgoing);
        response.on('error', () => outgoing.destroy());
        outgoing.on('close', () => {
          response.destroy();
          resolve();
        });
        report(started, { operation, outcome: 'forwarded', status: response.statusCode ?? 502 });
      });
      upstream.on('error', () => {
        if (!outgoing.headersSent) {
          void sendResponse(json(502, 'Bad Gateway: the upstream could not be reached'), outgoing).then(resolve);
          report(started, { operation, outcome: 'upstream-error', status: 502 });
        } else {
          outgoing.destroy();
          resolve();
        }
      });
      // A client that goes away mid-request (an unsubscribe during a long poll) releases the upstream request too.
      outgoing.on('close', () => {
        if (!outgoing.writableFinished) upstream.destroy();
        resolve();
      });
      if (body !== undefined) upstream.end(body);
      else incoming.pipe(upstream);
    });
  };
}

/**
 * Whether a path is one the grantkit service answers itself (Access Manager v3, `/grantkit/...`, health, readiness,
 * metrics, its API document) rather than forwarding it upstream.
 *
 * Exported from `@grantkit/node`.
 *
 * @param target - The request target (path and query).
 * @returns True for the service's own routes.
 * @example
 * ```ts
 * isServicePath('/v3/pam/sub-c-1/grant'); // true
 * isServicePath('/v2/subscribe/sub-c-1/a/0'); // false
 * ```
 */
export function isServicePath(target: string): boolean {
  const path = target.split('?', 1)[0]!;
  return path.startsWith('/v3/pam/') || path.startsWith('/grantkit/') || SERVICE_PATHS.has(path);
}

const SERVICE_PATHS = new Set(['/health', '/ready', '/metrics', '/openapi.json']);

class BodyTooLargeError extends Error {}

function readBounded(incoming: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        incoming.pause();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    incoming.on('end', () => resolve(Buffer.concat(chunks)));
    incoming.on('error', reject);
    incoming.on('close', () => {
      if (!incoming.complete) reject(new Error('aborted'));
    });
  });
}

function json(status: number, message: string): Response {
  return new Response(JSON.stringify({ status, error: true, service: 'Access Manager', message }), {
    status,
    headers: { 'content-type': 'text/javascript; charset=UTF-8', 'cache-control': 'no-cache, no-store, must-revalidate', 'access-control-allow-origin': '*' },
  });
}
