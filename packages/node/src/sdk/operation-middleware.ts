/**
 * The operations-map check as middleware for Node servers that serve (or relay) PubNub REST requests themselves:
 * Express, Fastify hooks and plain `node:http`. The same guard as `grantkit serve --upstream`; denials are answered
 * in PubNub's shape.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createOperationGuard, guardNeedsBody, importKeyset, LIMITS, type Clock, type Keyset, type KeysetConfig, type OperationDecision,
  type OperationGuardOptions, type RevocationStore,
} from '@grantkit/core';
import { nodeCrypto } from '../crypto.js';
import { asGuard } from './guard-callback.js';
import { sendResponse } from '../service/node-adapter.js';

/**
 * Options of {@link requirePubNubOperation}.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const options: PubNubOperationGuardOptions = { keysets: [{ subscribeKey, publishKey, secretKey }], revocations: store };
 * ```
 */
export interface PubNubOperationGuardOptions {
  /** The keysets whose tokens are accepted (secrets trimmed, as everywhere). */
  keysets: readonly KeysetConfig[];
  /** The revocation denylist, looked up for every unexpired token (failing closed: 503). */
  revocations?: RevocationStore;
  /** Unix seconds. Default `Date.now()`. */
  clock?: Clock;
  /** PubNub's App Context option "Disallow Get All User Metadata" unchecked. Default false. */
  allowGetAllUuidMetadata?: boolean;
  /** PubNub's App Context option "Disallow Get All Channel Metadata" unchecked. Default false. */
  allowGetAllChannelMetadata?: boolean;
  /** Largest body read for a check (PATCH and signed requests); larger gets 413. Default 32 KiB. */
  maxBodyBytes?: number;
}

/**
 * The middleware: `(request, response, next?)`, like {@link requirePermission}. An allowed request continues with
 * `request.grantkitOperation` set to the decision; when the check had to read the body (PATCH and signed requests),
 * the text is left on `request.body` unless a body parser already set it.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * app.use('/v2', guard);
 * ```
 */
export type PubNubOperationMiddleware = (request: any, response: any, next?: (error?: any) => void) => Promise<boolean> | undefined;

/**
 * Creates middleware that checks every PubNub REST request against the operations map.
 *
 * Exported from `@grantkit/node`.
 *
 * @param options - Keysets, revocation store, clock, keyset settings.
 * @returns The middleware.
 * @example
 * ```ts
 * import express from 'express';
 * import { requirePubNubOperation } from '@grantkit/node';
 * const app = express();
 * app.use(requirePubNubOperation({ keysets: [{ subscribeKey, publishKey, secretKey }] }));
 * app.get('/v2/subscribe/:sub/:channels/0', relaySubscribe);
 * ```
 */
export function requirePubNubOperation(options: PubNubOperationGuardOptions): PubNubOperationMiddleware {
  const keysets = new Map<string, Keyset>(options.keysets.map((config) => {
    const keyset = importKeyset(config, nodeCrypto);
    return [keyset.subscribeKey, keyset];
  }));
  const guardOptions: OperationGuardOptions = {
    keysets,
    ...(options.revocations === undefined ? {} : { revocations: options.revocations }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.allowGetAllUuidMetadata === undefined ? {} : { allowGetAllUuidMetadata: options.allowGetAllUuidMetadata }),
    ...(options.allowGetAllChannelMetadata === undefined ? {} : { allowGetAllChannelMetadata: options.allowGetAllChannelMetadata }),
  };
  const guard = createOperationGuard(guardOptions);
  const limit = options.maxBodyBytes ?? LIMITS.maxRequestBodyBytes;

  async function check(request: any, response: any): Promise<boolean> {
    const raw: IncomingMessage = request?.raw ?? request;
    const url: string = request?.originalUrl ?? raw.url ?? '/';
    const method = (raw.method ?? 'GET').toUpperCase();
    const headers = new Headers();
    for (const [name, value] of Object.entries(raw.headers ?? {})) {
      if (typeof value === 'string') headers.set(name, value);
      else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    }
    let body: string | undefined;
    if (guardNeedsBody(method, url)) {
      const parsed: unknown = request.body;
      if (typeof parsed === 'string') body = parsed;
      else if (parsed instanceof Uint8Array) body = Buffer.from(parsed).toString('utf8');
      else if (parsed !== undefined && parsed !== null && typeof parsed === 'object') body = JSON.stringify(parsed);
      else {
        const text = await readText(raw, limit);
        if (text === undefined) {
          await write(response, new Response(JSON.stringify({ status: 413, error: true, service: 'Access Manager', message: 'Request Entity Too Large' }), {
            status: 413, headers: { 'content-type': 'text/javascript; charset=UTF-8', connection: 'close' },
          }));
          return false;
        }
        body = text;
        request.body = text;
      }
    }
    const result = await guard.check({ method, url, headers, ...(body === undefined ? {} : { body }) });
    if (!result.allowed) {
      await write(response, result.response);
      return false;
    }
    (request as { grantkitOperation?: OperationDecision }).grantkitOperation = result.decision;
    return true;
  }

  return asGuard(check);
}

async function write(response: any, answer: Response): Promise<void> {
  if (typeof response?.code === 'function' && typeof response?.send === 'function' && response.raw !== undefined) {
    // Fastify reply.
    const headers: Record<string, string> = {};
    answer.headers.forEach((value, name) => { headers[name] = value; });
    response.code(answer.status).headers(headers).send(await answer.text());
    return;
  }
  await sendResponse(answer, response as ServerResponse);
}

/** The body as text, or undefined past `limit` bytes. */
function readText(incoming: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    incoming.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.byteLength;
      if (size > limit) {
        done = true;
        incoming.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    incoming.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    incoming.on('error', reject);
  });
}
