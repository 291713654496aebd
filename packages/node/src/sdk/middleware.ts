/**
 * Route guards for app servers: `requirePermission({ channel: (request) => ..., permission: 'write' })` works as
 * Express middleware, as a Fastify `preHandler`/`onRequest` hook, and in plain `node:http`. The token is read where
 * `@grantkit/core`'s `presentedToken` reads it (the `auth` query parameter, as PubNub clients send it, a `token`
 * parameter, or an `Authorization: Bearer` header); the requesting uuid from the `uuid` query parameter (as PubNub
 * clients send it) unless you say otherwise. Answers are the authorize endpoint's bodies.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ConfigInvalidError, errorResponseBody, isGrantkitError, presentedToken, tokenCheckBody, type Permission,
  type PubNubErrorBody, type ResourceRef, type TokenCheckResult,
} from '@grantkit/core';
import type { Authorizer } from './authorizer.js';
import { asGuard } from './guard-callback.js';


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
  /** Reads the token. Default: {@link tokenFromRequest} (`auth`, then `token` query parameter, then `Authorization: Bearer`). */
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
  /** The decision, with the verified token (`decision.token`) when the authorizer checked it locally. */
  decision: TokenCheckResult;
  userId: string | undefined;
}

/**
 * The guard: `(request, response, next?)`. With `next` (Express, Fastify callback hooks) it calls `next()` when
 * allowed; without, it returns a Promise of whether the request may continue. Denials are answered here, with the
 * authorize endpoint's bodies: 403 `{ error, allowed, reason, message, match?, status, service }`, or 503 in PubNub's
 * error shape when revocations cannot be checked (fail closed).
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
 * @throws `ConfigInvalidError` `ERR_CONFIG_INVALID` unless exactly one resource resolver is given.
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
    throw new ConfigInvalidError('requirePermission needs exactly one of channel, group, space, user or targetUuid', { field: 'resource' });
  }
  const [option, kind] = given[0]!;
  const resolveResource = options[option]!;
  const resolveToken = options.token ?? defaultToken;
  const resolveUserId = options.userId ?? ((request: R) => queryOf(request).get('uuid') ?? undefined);

  async function check(request: any, response: any): Promise<boolean> {
    // No token is left to the authorizer (`missing`, before anything else), so the guard answers it as the authorize
    // endpoint does.
    const token = resolveToken(request) ?? '';
    const name = resolveResource(request);
    if (token !== '' && (typeof name !== 'string' || name === '')) {
      deny(response, { allowed: false, reason: 'no-grant', message: `No ${kind} given` });
      return false;
    }
    const userId = resolveUserId(request);
    let decision: TokenCheckResult;
    try {
      decision = await options.accessManager.authorize(token, {
        ...(userId === undefined ? {} : { uuid: userId }),
        resource: { [kind]: name ?? '' } as ResourceRef,
        permission: options.permission,
      });
    } catch (error) {
      if (isGrantkitError(error) && (error.code === 'ERR_STORE_UNAVAILABLE' || error.code === 'ERR_NETWORK')) {
        // Fail closed, with the body the authorize endpoint answers (an AccessManagerError carries it already).
        const body = carriedBody(error) ?? errorResponseBody(error, 'authorize');
        sendJson(response, body.status, body);
        return false;
      }
      throw error;
    }
    if (!decision.allowed) {
      deny(response, decision);
      return false;
    }
    const state: GrantkitRequestState = { decision, userId };
    (request as { grantkit?: GrantkitRequestState }).grantkit = state;
    return true;
  }

  return asGuard(check);
}

/** The PubNub error body an `AccessManagerError` carries as `status.errorData`, when it carries one. */
function carriedBody(error: unknown): PubNubErrorBody | undefined {
  const data = (error as { status?: { errorData?: unknown } }).status?.errorData as PubNubErrorBody | undefined;
  return typeof data?.status === 'number' && typeof data.error?.message === 'string' ? data : undefined;
}

function deny(response: any, decision: TokenCheckResult): void {
  const body = tokenCheckBody(decision);
  sendJson(response, body.status, body);
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
 * The default token reader: `@grantkit/core`'s `presentedToken` on a Node request (the `auth` query parameter, else a
 * `token` query parameter, else `Authorization: Bearer <token>`).
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
  const query = queryOf(request);
  const header = (request as { headers?: Record<string, unknown> }).headers?.authorization;
  return presentedToken({ auth: query.get('auth'), token: query.get('token'), authorization: typeof header === 'string' ? header : undefined });
}

function defaultToken(request: unknown): string | undefined {
  return tokenFromRequest(request as IncomingMessage);
}
