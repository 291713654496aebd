/**
 * The `node:http` adapter, so the one shared handler from `@grantkit/core` serves Node too. Two paths:
 * - core's `GrantHandler` is served through its `handle` form: the `IncomingMessage` is read lazily as a
 *   `GrantRequest` (a header when asked, the body only when a route reads it, capped while it arrives) and the reply
 *   is written in one `writeHead` + `end` with a `Content-Length`. No web `Request`, `Response`, stream or abort
 *   signal is built: profiled under load, building them (and writing a chunked body) cost more than everything
 *   grantkit does per request.
 * - any other web handler (`(request: Request) => Response`) gets a web `Request` with a streaming body and its
 *   `Response` written back with backpressure, as tRPC's `incomingMessageToRequest` does.
 * Either way the size cap holds whatever `Content-Length` claims, a connection whose body was left unread closes
 * lingering, and anything a client can send gets a 4xx, never a 500.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  LIMITS, LimitExceededError, RequestInvalidError, type GrantHandler, type GrantReply, type GrantRequest,
} from '@grantkit/core';
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
 * Wraps a handler as a `node:http` request listener, usable with `http.createServer` or mounted in Express
 * (`app.use('/v3/pam', listener)` keeps `req.url` relative, so mount it at the root). Core's `createGrantHandler`
 * is served without building web objects (see the module notes), any other web handler through `Request` /
 * `Response`. Requests that cannot become a request get a PubNub-shaped 400; a handler that throws gets a 500
 * without details.
 *
 * Exported from `@grantkit/node`.
 *
 * @param handler - Core's grant handler, or any web handler.
 * @param options - The body cap of the web path (core's handler applies its own `maxBodyBytes`).
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
  handler: FetchHandler | GrantHandler,
  options: NodeAdapterOptions = {},
): (incoming: IncomingMessage, outgoing: ServerResponse) => void {
  if (typeof (handler as Partial<GrantHandler>).handle === 'function') {
    const handle = (handler as GrantHandler).handle;
    return (incoming, outgoing) => {
      void serveGrantRequest(handle, incoming, outgoing);
    };
  }
  return (incoming, outgoing) => {
    void handleNodeRequest(handler as FetchHandler, incoming, outgoing, options);
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

// The lazy path: core's handler over the IncomingMessage itself.

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function declaresBody(incoming: IncomingMessage): boolean {
  const method = incoming.method;
  return method !== 'GET' && method !== 'HEAD' &&
    (incoming.headers['transfer-encoding'] !== undefined || Number(incoming.headers['content-length'] ?? '0') > 0);
}

/** An `IncomingMessage` as core's `GrantRequest`, read only as far as the handler asks. */
class IncomingGrantRequest implements GrantRequest {
  readonly method: string;
  readonly target: string;
  /** The whole body was read (or there was none), so the connection can be reused. */
  complete: boolean;
  readonly #incoming: IncomingMessage;
  #body: Promise<string> | undefined;

  constructor(incoming: IncomingMessage) {
    this.#incoming = incoming;
    this.method = (incoming.method ?? 'GET').toUpperCase();
    this.target = incoming.url ?? '/';
    this.complete = !declaresBody(incoming);
  }

  header(name: string): string | undefined {
    const value = this.#incoming.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  text(limit: number): Promise<string> {
    this.#body ??= this.complete ? Promise.resolve('') : readText(this.#incoming, limit, () => { this.complete = true; });
    return this.#body;
  }
}

/**
 * Collects a body of at most `limit` bytes; one byte more stops collecting (the connection then closes lingering).
 * A leading byte order mark stays in the text: the signature covers the bytes as sent.
 */
function readText(incoming: IncomingMessage, limit: number, onComplete: () => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (error: Error | undefined, text?: string) => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (error === undefined) resolve(text!);
      else {
        incoming.pause();
        reject(error);
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) settle(new LimitExceededError(`request body is larger than ${limit} bytes`, { field: 'body' }));
      else chunks.push(chunk);
    };
    const onEnd = () => {
      onComplete();
      let text: string;
      try {
        text = utf8.decode(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      } catch (cause) {
        settle(new RequestInvalidError('request body is not valid UTF-8', { field: 'body', cause }));
        return;
      }
      settle(undefined, text);
    };
    const onError = (cause: Error) => settle(new RequestInvalidError('request body could not be read', { field: 'body', cause }));
    const onClose = () => {
      if (!incoming.complete) settle(new RequestInvalidError('request body was aborted by the client', { field: 'body' }));
    };
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/**
 * Answers one Node request with a `GrantRequest` handler (core's `handler.handle`, or a service wrapping it): the
 * reply goes out in one `writeHead` + `end`, with `Content-Length`. Methods a web `Request` cannot carry are refused
 * alike on both paths (405); a handler that throws gets a 500 without details.
 *
 * @internal
 */
export async function serveGrantRequest(
  handle: (request: GrantRequest) => Promise<GrantReply>,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  if (FORBIDDEN_METHODS.has((incoming.method ?? 'GET').toUpperCase())) {
    const body = errorBody(405, 'Method Not Allowed', 'request method is not supported', 'method', 'path');
    writeReply(outgoing, jsonReply(405, body), !declaresBody(incoming));
    return;
  }
  const request = new IncomingGrantRequest(incoming);
  let reply: GrantReply;
  try {
    reply = await handle(request);
  } catch {
    // A handler bug, not bad input: answer without details and keep serving.
    reply = jsonReply(500, errorBody(500, 'Internal Server Error', 'The request could not be processed.', 'server', 'server'));
  }
  writeReply(outgoing, reply, request.complete);
}

/**
 * Writes a reply in one go, with `Content-Length`. `reusable: false` (a body left unread) closes the connection
 * after it, lingering (see linger.ts), so the client reads the answer rather than a reset and the rest of an
 * oversized upload is dropped, never read into memory.
 *
 * @internal
 */
export function writeReply(outgoing: ServerResponse, reply: GrantReply, reusable = true): void {
  if (outgoing.headersSent || outgoing.destroyed) return;
  const headers: Record<string, string | number> = { 'content-length': Buffer.byteLength(reply.body) };
  for (const name in reply.headers) headers[name] = reply.headers[name]!;
  if (!reusable) {
    headers.connection = 'close';
    lingerAfterResponse(outgoing.socket);
    outgoing.req?.resume();
  }
  outgoing.writeHead(reply.status, headers);
  outgoing.end(reply.body);
}

/** A JSON reply with the service's usual headers. @internal */
export function jsonReply(status: number, body: unknown, headers?: Readonly<Record<string, string>>): GrantReply {
  return { status, headers: headers === undefined ? JSON_REPLY_HEADERS : { ...JSON_REPLY_HEADERS, ...headers }, body: JSON.stringify(body) };
}

const JSON_REPLY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store',
});
