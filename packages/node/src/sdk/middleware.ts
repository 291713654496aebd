/**
 * Route guards for app servers: `requirePermission({ channel: (request) => ..., permission: 'write' })` works as
 * Express middleware, as a Fastify `preHandler`/`onRequest` hook, and in plain `node:http`. The token is read from
 * the `auth` query parameter (as PubNub clients send it) or an `Authorization: Bearer` header; the requesting uuid
 * from the `uuid` query parameter (as PubNub clients send it) unless you say otherwise.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Permission, ResourceRef } from '@grantkit/core';
import type { AccessDecision, AccessRequest } from './access-manager.js';
import { AccessManagerError } from './access-manager-error.js';

/**
 * Anything that can decide: an `AccessManager`, local or remote.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const authorizer: Authorizer = accessManager;
 * ```
 */
export interface Authorizer {
  authorize(token: string, request: AccessRequest): Promise<AccessDecision>;
}


/**
 * Options of {@link requirePermission}. Give exactly one resource resolver.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const options: RequirePermissionOptions<express.Request> = {
 *   accessManager, permission: 'write', channel: (request) => request.params.channel,
 * };
 * ```
 */
export interface RequirePermissionOptions<R = any> {
  /** Who decides. */
  accessManager: Authorizer;
  /** The permission the route needs. */
  permission: Permission;
  /** Reads the channel from the framework's request (Express `req`, Fastify `request`, or `IncomingMessage`). */
  channel?: (request: R) => string | undefined;
  /** Reads the channel group. */
  group?: (request: R) => string | undefined;
  /** Reads the space (App Context channel). */
  space?: (request: R) => string | undefined;
  /** Reads the user (App Context uuid). */
  user?: (request: R) => string | undefined;
  /** Reads a uuid (user metadata) resource. */
  targetUuid?: (request: R) => string | undefined;
  /** Reads the requesting uuid. Default: the `uuid` query parameter. */
  userId?: (request: R) => string | undefined;
  /** Reads the token. Default: the `auth` query parameter, else `Authorization: Bearer`. */
  token?: (request: R) => string | undefined;
}

/**
 * What a passed guard leaves on the request as `request.grantkit`.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * app.post('/rooms/:channel', guard, (request, response) => response.json((request as any).grantkit.decision));
 * ```
 */
export interface GrantkitRequestState {
  decision: AccessDecision;
  userId: string | undefined;
}

/**
 * The guard: `(request, response, next?)`. With `next` (Express, Fastify callback hooks) it calls `next()` when
 * allowed; without, it returns a Promise of whether the request may continue. Denials are answered here: 403 with
 * `{ error, status, service, reason, message }`, or 503 when revocations cannot be checked (fail closed).
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * http.createServer(async (request, response) => {
 *   if (!(await guard(request, response))) return;
 *   response.end('ok');
 * });
 * ```
 */
export type PermissionGuard = (request: any, response: any, next?: (error?: any) => void) => Promise<boolean> | undefined;

const RESOURCES = [['channel', 'channel'], ['group', 'group'], ['space', 'space'], ['user', 'user'], ['targetUuid', 'uuid']] as const;

/**
 * Creates a route guard requiring `permission` on one resource.
 *
 * Exported from `@grantkit/node`.
 *
 * @param options - Who decides, what is needed, and how to read the resource (and optionally uuid and token).
 * @returns The guard.
 * @throws `TypeError` unless exactly one resource resolver is given.
 * @example
 * ```ts
 * // Express
 * app.post('/rooms/:channel/messages', requirePermission({ accessManager, channel: (request) => request.params.channel, permission: 'write' }), send);
 * // Fastify
 * fastify.post('/rooms/:channel/messages', { preHandler: requirePermission({ accessManager, channel: (request) => request.params.channel, permission: 'write' }) }, send);
 * // node:http
 * const guard = requirePermission({ accessManager, channel: (request) => new URL(request.url, 'http://x').searchParams.get('channel') ?? undefined, permission: 'read' });
 * ```
 */
export function requirePermission<R = any>(options: RequirePermissionOptions<R>): PermissionGuard {
  const given = RESOURCES.filter(([option]) => typeof options[option] === 'function');
  if (given.length !== 1) {
    throw new TypeError('requirePermission needs exactly one of channel, group, space, user or targetUuid');
  }
  const [option, kind] = given[0]!;
  const resolveResource = options[option]!;
  const resolveToken = options.token ?? defaultToken;
  const resolveUserId = options.userId ?? ((request: R) => queryOf(request).get('uuid') ?? undefined);

  async function check(request: any, response: any): Promise<boolean> {
    const token = resolveToken(request);
    if (token === undefined || token === '') {
      deny(response, 403, { allowed: false, reason: 'malformed', message: 'A token is required (auth query parameter or Bearer)' });
      return false;
    }
    const name = resolveResource(request);
    if (typeof name !== 'string' || name === '') {
      deny(response, 403, { allowed: false, reason: 'no-grant', message: `No ${kind} given` });
      return false;
    }
    const userId = resolveUserId(request);
    let decision: AccessDecision;
    try {
      decision = await options.accessManager.authorize(token, {
        ...(userId === undefined ? {} : { uuid: userId }),
        resource: { [kind]: name } as ResourceRef,
        permission: options.permission,
      });
    } catch (error) {
      if (error instanceof AccessManagerError && (error.code === 'ERR_STORE_UNAVAILABLE' || error.code === 'ERR_NETWORK')) {
        sendJson(response, 503, { error: true, status: 503, service: 'Access Manager', message: 'Authorization is unavailable; denying' });
        return false;
      }
      throw error;
    }
    if (!decision.allowed) {
      deny(response, 403, decision);
      return false;
    }
    const state: GrantkitRequestState = { decision, userId };
    (request as { grantkit?: GrantkitRequestState }).grantkit = state;
    return true;
  }

  return function guard(request: any, response: any, next?: (error?: any) => void): Promise<boolean> | undefined {
    const work = check(request, response);
    if (typeof next !== 'function') return work;
    work.then((allowed) => {
      if (allowed) next();
    }, (error: unknown) => next(error));
    return undefined;
  };
}

function deny(response: any, status: number, decision: AccessDecision): void {
  sendJson(response, status, { error: true, status, service: 'Access Manager', ...decision });
}

function sendJson(response: any, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  if (typeof response?.code === 'function' && typeof response?.send === 'function' && response.raw !== undefined) {
    // Fastify reply.
    response.code(status).header('content-type', 'application/json; charset=utf-8').send(text);
    return;
  }
  const outgoing = response as ServerResponse;
  if (outgoing.headersSent) return;
  outgoing.statusCode = status;
  outgoing.setHeader('content-type', 'application/json; charset=utf-8');
  outgoing.setHeader('cache-control', 'no-store');
  outgoing.end(text);
}

function urlOf(request: any): string {
  // Express keeps the full path in originalUrl; Fastify's request.url and IncomingMessage.url are already full.
  const value = request?.originalUrl ?? request?.raw?.url ?? request?.url;
  return typeof value === 'string' ? value : '/';
}

function queryOf(request: any): URLSearchParams {
  const url = urlOf(request);
  const index = url.indexOf('?');
  return new URLSearchParams(index < 0 ? '' : url.slice(index + 1));
}

/**
 * The default token reader: `auth` query parameter, else `Authorization: Bearer <token>`.
 *
 * Exported from `@grantkit/node`.
 *
 * @param request - Express, Fastify or `node:http` request.
 * @returns The token, or `undefined`.
 * @example
 * ```ts
 * const token = tokenFromRequest(request);
 * ```
 */
export function tokenFromRequest(request: IncomingMessage | { headers?: Record<string, unknown>; url?: string }): string | undefined {
  const fromQuery = queryOf(request).get('auth');
  if (fromQuery !== null && fromQuery !== '') return fromQuery;
  const header = (request as { headers?: Record<string, unknown> }).headers?.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

function defaultToken(request: unknown): string | undefined {
  return tokenFromRequest(request as IncomingMessage);
}
