/**
 * Route guards for app servers. `requirePermission({ channel: (request) => ..., permission: 'write' })` works as
 * Express middleware, as a Fastify `preHandler`/`onRequest` hook, and in plain `node:http`; `@grantkit/node/express`,
 * `@grantkit/node/fastify` and `@grantkit/node/hono` add each framework's own idiom (typed request state, a plugin
 * with decorators, a Hono middleware) over the same decision.
 *
 * The token is read where `@grantkit/core`'s `presentedToken` reads it (the `auth` query parameter, as PubNub clients
 * send it, a `token` parameter, or an `Authorization: Bearer` header); the requesting uuid from the `uuid` query
 * parameter unless you say otherwise. Bodies are the authorize endpoint's. Statuses follow RFC 6750: 401 with
 * `WWW-Authenticate: Bearer` when the token is missing or unusable (malformed, foreign, expired, revoked: get a new
 * one), 403 when a usable token does not grant this, 503 when revocations cannot be checked (fail closed).
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ConfigInvalidError, errorResponseBody, isGrantkitError, presentedToken, tokenCheckBody, type MaybePromise, type Permission,
  type PubNubErrorBody, type ResourceRef, type TokenCheckReason, type TokenCheckResult,
} from '@grantkit/core';
import type { Authorizer } from './authorizer.js';
import { asGuard } from './guard-callback.js';

/**
 * Why a guard refused: the token check's reason (`missing` when no token came), or `unavailable` (revocations could
 * not be checked).
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const reason: DenialReason = 'missing';
 * ```
 */
export type DenialReason = TokenCheckReason | 'unavailable';

/**
 * A refusal, as the guard hands it to `onDenied` before answering.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const onDenied = (denial: PermissionDenial) => void log.warn('denied', { status: denial.status, reason: denial.reason });
 * ```
 */
export interface PermissionDenial {
  /** 401 (missing or unusable token), 403 (usable token, no grant for this), 503 (revocations unavailable). */
  status: 401 | 403 | 503;
  reason: DenialReason;
  /** One sentence, safe to log and to show (never the token). */
  message: string;
  /** The token check's result, when it got that far. */
  decision?: TokenCheckResult;
  /** The `WWW-Authenticate` challenge the default answer carries (none for 503). */
  challenge?: string;
}

/**
 * What `onDenied` may return to shape the answer. Anything left out keeps the default: the denial's status, its
 * `WWW-Authenticate` challenge, and the authorize endpoint's JSON body (`{ error, allowed, reason, message, match?,
 * status, service }`; PubNub's error shape for a 503).
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const answer: DenialAnswer = { body: { message: 'Please sign in again' } };
 * ```
 */
export interface DenialAnswer {
  status?: number;
  /** Merged over the default headers. */
  headers?: Record<string, string>;
  /** Sent as JSON (a string is sent as it is). */
  body?: unknown;
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
  /** Reads the channel from the framework's request (Express `req`, Fastify `request`, Hono `c`, `IncomingMessage`). */
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
  /**
   * Called on every refusal before the answer goes out: log it, or return a {@link DenialAnswer} to shape the answer.
   * If it throws, the error goes to the framework's error handling (Express `next(error)`, Fastify's error handler).
   */
  onDenied?: (denial: PermissionDenial, request: R) => MaybePromise<DenialAnswer | void>;
  /** The `realm` of the `WWW-Authenticate` challenge. Default `grantkit`. */
  realm?: string;
}

/**
 * What a passed guard leaves on the request: `request.grantkit` (Express, Fastify, `node:http`) or
 * `c.get('grantkit')` (Hono).
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * import '@grantkit/node/express';
 * app.post('/rooms/:channel', guard, (request, response) => response.json(request.grantkit?.decision));
 * ```
 */
export interface GrantkitRequestState {
  /** The decision, with the verified token (`decision.token`) when the authorizer checked it locally. */
  decision: TokenCheckResult;
  userId: string | undefined;
}

/**
 * The guard: `(request, response, next?)`. With `next` (Express, Fastify callback hooks) it calls `next()` when
 * allowed; without, it returns a Promise of whether the request may continue. Denials are answered here (see
 * {@link PermissionDenial}).
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

/** The outcome of one check, before any framework answers it. @internal */
export type PermissionOutcome = { allowed: true; state: GrantkitRequestState } | { allowed: false; answer: Required<DenialAnswer> };

const RESOURCES = [['channel', 'channel'], ['group', 'group'], ['space', 'space'], ['user', 'user'], ['targetUuid', 'uuid']] as const;
/** Reasons meaning "no usable token": the client must get (another) one. 401, RFC 6750's `invalid_token` (or no code). */
const INVALID_TOKEN = new Set<DenialReason>(['missing', 'malformed', 'signature-invalid', 'expired', 'not-yet-valid', 'revoked']);

/**
 * The framework-neutral part of every guard: reads the resource, asks the authorizer, turns a refusal into an
 * answer (through `onDenied`). Adapters only read the token and uuid and write the answer.
 *
 * @internal
 */
export function createPermissionCheck<R>(options: RequirePermissionOptions<R>):
  (request: R, token: string | undefined, userId: string | undefined) => Promise<PermissionOutcome> {
  const given = RESOURCES.filter(([option]) => typeof options[option] === 'function');
  if (given.length !== 1) {
    throw new ConfigInvalidError('requirePermission needs exactly one of channel, group, space, user or targetUuid', { field: 'resource' });
  }
  const [option, kind] = given[0]!;
  const resolveResource = options[option]!;
  const realm = (options.realm ?? 'grantkit').replace(/["\\]/g, '');

  async function refuse(request: R, denial: Omit<PermissionDenial, 'challenge'>, body: { status: number }): Promise<PermissionOutcome> {
    const challenge = challengeFor(denial, realm);
    const full: PermissionDenial = { ...denial, ...(challenge === undefined ? {} : { challenge }) };
    const custom = (await options.onDenied?.(full, request)) ?? undefined;
    const headers: Record<string, string> = challenge === undefined ? {} : { 'www-authenticate': challenge };
    return {
      allowed: false,
      answer: {
        status: custom?.status ?? denial.status,
        headers: { ...headers, ...lowerCaseKeys(custom?.headers ?? {}) },
        // The authorize endpoint's body, its `status` the answer's (401 where the endpoint, a decision service, says 403).
        body: custom?.body === undefined ? { ...body, status: denial.status } : custom.body,
      },
    };
  }

  const denied = (request: R, decision: TokenCheckResult) => {
    const status = INVALID_TOKEN.has(decision.reason) ? 401 : 403;
    return refuse(request, { status, reason: decision.reason, message: decision.message, decision }, tokenCheckBody(decision));
  };

  return async function check(request, token, userId) {
    const name = resolveResource(request);
    if (token !== undefined && token !== '' && (typeof name !== 'string' || name === '')) {
      return denied(request, { allowed: false, reason: 'no-grant', message: `No ${kind} given` });
    }
    let decision: TokenCheckResult;
    try {
      // No token is left to the authorizer (`missing`, before anything else), so it is answered as the endpoint does.
      decision = await options.accessManager.authorize(token ?? '', {
        ...(userId === undefined ? {} : { uuid: userId }),
        resource: { [kind]: name ?? '' } as ResourceRef,
        permission: options.permission,
      });
    } catch (error) {
      if (isGrantkitError(error) && (error.code === 'ERR_STORE_UNAVAILABLE' || error.code === 'ERR_NETWORK')) {
        // Fail closed, with the body the authorize endpoint answers (an AccessManagerError carries it already).
        const body = carriedBody(error) ?? errorResponseBody(error, 'authorize');
        return refuse(request, { status: 503, reason: 'unavailable', message: body.error.message }, { ...body, status: 503 });
      }
      throw error;
    }
    if (!decision.allowed) return denied(request, decision);
    return { allowed: true, state: { decision, userId } };
  };
}

function challengeFor(denial: Omit<PermissionDenial, 'challenge'>, realm: string): string | undefined {
  if (denial.status === 503) return undefined;
  // RFC 6750 §3: no error code when no token was sent; quoted-string values carry no quotes or backslashes.
  if (denial.reason === 'missing') return `Bearer realm="${realm}"`;
  const description = denial.message.replace(/["\\]/g, "'");
  const error = denial.status === 401 ? 'invalid_token' : 'insufficient_scope';
  return `Bearer realm="${realm}", error="${error}", error_description="${description}"`;
}

/** The PubNub error body an `AccessManagerError` carries as `status.errorData`, when it carries one. */
function carriedBody(error: unknown): PubNubErrorBody | undefined {
  const data = (error as { status?: { errorData?: unknown } }).status?.errorData as PubNubErrorBody | undefined;
  return typeof data?.status === 'number' && typeof data.error?.message === 'string' ? data : undefined;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/**
 * Creates a route guard requiring `permission` on one resource, for `node:http`, Express and Fastify alike.
 *
 * Exported from `@grantkit/node`.
 *
 * @param options - Who decides, what is needed, how to read the resource (and optionally uuid and token), `onDenied`.
 * @returns The guard.
 * @throws `ConfigInvalidError` `ERR_CONFIG_INVALID` unless exactly one resource resolver is given.
 * @example
 * ```ts
 * // Express (import '@grantkit/node/express' for a typed request.grantkit)
 * app.post('/rooms/:channel/messages', requirePermission({ accessManager, channel: (request) => request.params.channel, permission: 'write' }), send);
 * // Fastify (or register the plugin from '@grantkit/node/fastify')
 * fastify.post('/rooms/:channel/messages', { preHandler: requirePermission({ accessManager, channel: (request) => request.params.channel, permission: 'write' }) }, send);
 * // node:http
 * const guard = requirePermission({ accessManager, channel: (request) => new URL(request.url, 'http://x').searchParams.get('channel') ?? undefined, permission: 'read' });
 * ```
 */
export function requirePermission<R = any>(options: RequirePermissionOptions<R>): PermissionGuard {
  const check = createPermissionCheck(options);
  const resolveToken = options.token ?? defaultToken;
  const resolveUserId = options.userId ?? ((request: R) => queryOf(request).get('uuid') ?? undefined);

  async function run(request: any, response: any): Promise<boolean> {
    const outcome = await check(request, resolveToken(request), resolveUserId(request));
    if (!outcome.allowed) {
      send(response, outcome.answer);
      return false;
    }
    (request as { grantkit?: GrantkitRequestState }).grantkit = outcome.state;
    return true;
  }

  return asGuard(run);
}

/** Writes a denial to a Fastify reply or a `node:http` (Express) response. @internal */
export function send(response: any, answer: Required<DenialAnswer>): void {
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...answer.headers };
  if (typeof answer.body === 'string' && answer.headers['content-type'] === undefined) headers['content-type'] = 'text/plain; charset=utf-8';
  if (typeof response?.code === 'function' && typeof response?.send === 'function' && response.raw !== undefined) {
    // Fastify reply.
    response.code(answer.status).headers(headers).send(text);
    return;
  }
  const outgoing = response as ServerResponse;
  if (outgoing.headersSent) return;
  outgoing.statusCode = answer.status;
  for (const [name, value] of Object.entries(headers)) outgoing.setHeader(name, value);
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
