/**
 * The `node:http` adapter: converts an `IncomingMessage` into a web `Request` and writes a web `Response` back to a
 * `ServerResponse`, so the one shared handler from `@grantkit/core` serves Node too (as tRPC's
 * `incomingMessageToRequest`). Bodies are streamed, never buffered here; the size cap is enforced while streaming,
 * whatever `Content-Length` claims. Anything a client can send gets a 4xx, never a 500.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LIMITS, LimitExceededError, RequestInvalidError } from '@grantkit/core';
import { errorBody } from './error-body.js';
import { lingerAfterResponse } from './linger.js';

/**
 * Options of {@link toNodeListener}.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const options: NodeAdapterOptions = { maxBodyBytes: 32_768 };
 * ```
 */
export interface NodeAdapterOptions {
  /** Largest request body streamed to the handler; one more byte errors the body stream (413). Default 32 KiB. */
  maxBodyBytes?: number;
}

/** What {@link toRequest} learns about the body while it streams, read by {@link sendResponse}. */
interface BodyState {
  /** The whole body was read (or there was none), so the connection can be reused. */
  complete: boolean;
  /** Stops handing the body to the request stream: what still arrives is dropped. */
  discard?: () => void;
}

const bodyStates = new WeakMap<Request, BodyState>();
const BASE = 'http://localhost';
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/**
 * Converts a Node request into a web `Request` with a streaming body capped at `maxBodyBytes`. The URL keeps the path
 * exactly as sent (signature v2 covers it); the `Host` header is not trusted for anything.
 *
 * @internal
 *
 * @param incoming - The Node request.
 * @param options - The body cap.
 * @returns The web request. Reading its body past the cap rejects with `ERR_LIMIT_EXCEEDED`; a client abort rejects
 *   with `ERR_REQUEST_INVALID`.
 * @throws `RequestInvalidError` `ERR_REQUEST_INVALID` when the target, method or headers cannot form a `Request`.
 * @example
 * ```ts
 * http.createServer(async (incoming, outgoing) => {
 *   const response = await handler(toRequest(incoming));
 *   await sendResponse(response, outgoing);
 * });
 * ```
 */
export function toRequest(incoming: IncomingMessage, options: NodeAdapterOptions = {}): Request {
  const limit = options.maxBodyBytes ?? LIMITS.maxRequestBodyBytes;
  const method = (incoming.method ?? 'GET').toUpperCase();
  // The Fetch standard forbids these; undici's Request refuses them, Bun's does not, so refuse them here for all.
  if (FORBIDDEN_METHODS.has(method)) throw new RequestInvalidError('request method is not supported', { field: 'method' });
  const target = incoming.url ?? '/';
  let url: URL;
  try {
    // Concatenate rather than resolve, so `//host/path` stays a path instead of becoming another origin.
    url = new URL(target.startsWith('/') ? BASE + target : target);
  } catch (cause) {
    throw new RequestInvalidError('request target is not a valid URL', { field: 'path', cause });
  }
  const headers = new Headers();
  try {
    const raw = incoming.rawHeaders;
    for (let index = 0; index + 1 < raw.length; index += 2) headers.append(raw[index]!, raw[index + 1]!);
  } catch (cause) {
    throw new RequestInvalidError('request headers are not valid', { field: 'headers', cause });
  }
  const hasBody = method !== 'GET' && method !== 'HEAD' &&
    (incoming.headers['transfer-encoding'] !== undefined || Number(incoming.headers['content-length'] ?? '0') > 0);
  const state: BodyState = { complete: !hasBody };
  let request: Request;
  try {
    request = new Request(url, {
      method,
      headers,
      ...(hasBody ? { body: bodyStream(incoming, limit, state), duplex: 'half' } : {}),
    } as RequestInit);
  } catch (cause) {
    // undici refuses some methods (TRACE, TRACK) and malformed ones.
    throw new RequestInvalidError('request method is not supported', { field: 'method', cause });
  }
  bodyStates.set(request, state);
  return request;
}

function bodyStream(incoming: IncomingMessage, limit: number, state: BodyState): ReadableStream<Uint8Array> {
  let size = 0;
  let settled = false;
  state.discard = () => {
    settled = true;
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        incoming.pause();
        controller.error(error);
      };
      incoming.on('data', (chunk: Buffer) => {
        if (settled) return;
        size += chunk.byteLength;
        if (size > limit) {
          fail(new LimitExceededError(`request body is larger than ${limit} bytes`, { field: 'body' }));
          return;
        }
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        // Backpressure: stop the socket until the handler pulls again.
        if ((controller.desiredSize ?? 0) <= 0) incoming.pause();
      });
      incoming.on('end', () => {
        if (settled) return;
        settled = true;
        state.complete = true;
        controller.close();
      });
      incoming.on('error', (cause) => fail(new RequestInvalidError('request body could not be read', { field: 'body', cause })));
      incoming.on('close', () => {
        if (!incoming.complete) fail(new RequestInvalidError('request body was aborted by the client', { field: 'body' }));
      });
      incoming.pause();
    },
    pull() {
      incoming.resume();
    },
    cancel() {
      settled = true;
      incoming.pause();
    },
  }, { highWaterMark: 4 });
}

/**
 * Writes a web `Response` to a Node `ServerResponse`: status, headers (several `Set-Cookie` kept apart) and the body,
 * streamed with backpressure. When the request body was not read to its end (a 413, or an early error) the connection
 * is closed after the response, lingering: what the client still sends is dropped for up to 5 s, so it reads the
 * answer rather than a connection reset.
 *
 * @internal
 *
 * @param response - The handler's response.
 * @param outgoing - The Node response to write.
 * @param request - The web request `response` answers (from {@link toRequest}), to know whether its body was consumed.
 * @returns Resolves when the body is written, or the client went away.
 * @example
 * ```ts
 * await sendResponse(new Response('ok'), outgoing);
 * ```
 */
export async function sendResponse(response: Response, outgoing: ServerResponse, request?: Request): Promise<void> {
  if (outgoing.headersSent || outgoing.destroyed) return;
  outgoing.statusCode = response.status;
  const cookies = response.headers.getSetCookie();
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') outgoing.setHeader(name, value);
  });
  if (cookies.length > 0) outgoing.setHeader('set-cookie', cookies);
  const body = request === undefined ? undefined : bodyStates.get(request);
  if (body?.complete === false) {
    // The rest of the body is drained while the connection closes lingering, so the client reads this answer instead
    // of a TCP reset (bounded: see linger.ts).
    outgoing.setHeader('connection', 'close');
    lingerAfterResponse(outgoing.socket);
    body.discard?.();
    outgoing.req?.resume();
  }
  if (response.body === null) {
    outgoing.end();
    return;
  }
  const reader = response.body.getReader();
  const onClose = () => void reader.cancel().catch(() => undefined);
  outgoing.once('close', onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (outgoing.destroyed) break;
      if (!outgoing.write(value)) await new Promise<void>((resolve) => {
        const resume = () => {
          outgoing.off('drain', resume);
          outgoing.off('close', resume);
          resolve();
        };
        outgoing.on('drain', resume);
        outgoing.on('close', resume);
      });
    }
  } catch {
    // The body stream failed mid-way: the status line is already sent, so all that is left is to cut the connection.
    outgoing.destroy();
    return;
  } finally {
    outgoing.off('close', onClose);
  }
  outgoing.end();
}

/**
 * A web request handler (`(request: Request) => Promise<Response>`, e.g. from `createGrantHandler`).
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const handler: FetchHandler = async () => new Response('ok');
 * ```
 */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/**
 * Wraps a web handler as a `node:http` request listener, usable with `http.createServer` or mounted in Express
 * (`app.use('/v3/pam', listener)` keeps `req.url` relative, so mount it at the root). Requests that cannot become a
 * `Request` get a PubNub-shaped 400; a handler that throws gets a 500 without details.
 *
 * Exported from `@grantkit/node`.
 *
 * @param handler - The web handler.
 * @param options - The body cap.
 * @returns A `(incoming, outgoing) => void` listener.
 * @example
 * ```ts
 * import http from 'node:http';
 * import { createGrantHandler } from '@grantkit/core';
 * import { toNodeListener } from '@grantkit/node';
 * http.createServer(toNodeListener(createGrantHandler({ keysets }))).listen(8080);
 * ```
 */
export function toNodeListener(
  handler: FetchHandler,
  options: NodeAdapterOptions = {},
): (incoming: IncomingMessage, outgoing: ServerResponse) => void {
  return (incoming, outgoing) => {
    void handleNodeRequest(handler, incoming, outgoing, options);
  };
}

/** {@link toNodeListener}'s body, awaitable (for servers that track in-flight requests). @internal */
export async function handleNodeRequest(
  handler: FetchHandler,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  options: NodeAdapterOptions = {},
): Promise<void> {
  let request: Request;
  try {
    request = toRequest(incoming, options);
  } catch (error) {
    const field = (error as { field?: string }).field ?? 'request';
    const status = field === 'method' ? 405 : 400;
    const response = json(status, errorBody(status, status === 405 ? 'Method Not Allowed' : 'Invalid request', (error as Error).message, field, field === 'headers' ? 'header' : 'path'));
    await sendResponse(response, outgoing);
    return;
  }
  let response: Response;
  try {
    response = await handler(request);
  } catch {
    // A handler bug, not bad input: answer without details and keep serving.
    response = json(500, errorBody(500, 'Internal Server Error', 'The request could not be processed.', 'server', 'server'));
  }
  await sendResponse(response, outgoing, request);
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', connection: 'close' },
  });
}
