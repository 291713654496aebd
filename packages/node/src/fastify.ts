/**
 * `@grantkit/node/fastify`: a Fastify plugin. Registering it decorates every request with `grantkit` (`null` until a
 * guard lets the request through) and the instance with `requirePermission(...)`, which builds a `preHandler` hook;
 * both are typed by declaration merging. The plugin is not encapsulated, so sibling and child plugins see the
 * decorators.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { grantkitPlugin } from '@grantkit/node/fastify';
 *
 * const fastify = Fastify();
 * await fastify.register(grantkitPlugin, { accessManager });
 * fastify.post<{ Params: { channel: string } }>('/rooms/:channel/messages', {
 *   preHandler: fastify.requirePermission({ permission: 'write', channel: (request) => (request.params as { channel: string }).channel }),
 * }, async (request) => ({ by: request.grantkit?.userId }));
 * ```
 *
 * @module
 */
import { presentedToken } from '@grantkit/core';
import type { FastifyPluginCallback, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Authorizer } from './sdk/authorizer.js';
import { createPermissionCheck, type GrantkitRequestState, type RequirePermissionOptions } from './sdk/middleware.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** A `preHandler` hook requiring a permission; the plugin's options are the defaults. */
    requirePermission(options: FastifyPermissionOptions): preHandlerAsyncHookHandler;
  }
  interface FastifyRequest {
    /** Set by a `requirePermission` hook that let the request through; `null` before. */
    grantkit: GrantkitRequestState | null;
  }
}

/**
 * Options of `fastify.requirePermission(...)`: {@link RequirePermissionOptions} for a `FastifyRequest`, with the
 * access manager (and `onDenied`, `realm`) defaulting to the plugin's.
 *
 * Exported from `@grantkit/node/fastify`.
 *
 * @example
 * ```ts
 * const options: FastifyPermissionOptions = { permission: 'read', channel: (request) => (request.params as { channel: string }).channel };
 * ```
 */
export type FastifyPermissionOptions = Omit<RequirePermissionOptions<FastifyRequest>, 'accessManager'> & { accessManager?: Authorizer };

/**
 * Options of {@link grantkitPlugin}.
 *
 * Exported from `@grantkit/node/fastify`.
 *
 * @example
 * ```ts
 * await fastify.register(grantkitPlugin, { accessManager, onDenied: (denial) => void fastify.log.warn(denial.reason) });
 * ```
 */
export type GrantkitPluginOptions = Pick<RequirePermissionOptions<FastifyRequest>, 'accessManager' | 'onDenied' | 'realm'>;

/**
 * Creates a Fastify `preHandler` (or `onRequest`) hook requiring `permission` on one resource: 401 with
 * `WWW-Authenticate: Bearer` for a missing or unusable token, 403 for one that does not grant it, 503 when
 * revocations cannot be checked; otherwise `request.grantkit` is set.
 *
 * Exported from `@grantkit/node/fastify`.
 *
 * @param options - Who decides, the permission, exactly one resource resolver; optionally uuid and token readers,
 *   `onDenied`, `realm`.
 * @returns The hook.
 * @throws `TypeError` unless exactly one resource resolver is given.
 * @example
 * ```ts
 * fastify.get('/rooms/:channel', { preHandler: requirePermission({ accessManager, permission: 'read', channel: (request) => (request.params as { channel: string }).channel }) }, read);
 * ```
 */
export function requirePermission(options: RequirePermissionOptions<FastifyRequest>): preHandlerAsyncHookHandler {
  const check = createPermissionCheck(options);
  const readToken = options.token ?? ((request: FastifyRequest) => presentedToken({ auth: queryValue(request, 'auth'), token: queryValue(request, 'token'), authorization: request.headers.authorization }));
  const readUserId = options.userId ?? ((request: FastifyRequest) => queryValue(request, 'uuid'));
  return async function grantkitPermission(request: FastifyRequest, reply: FastifyReply) {
    const outcome = await check(request, readToken(request), readUserId(request));
    if (!outcome.allowed) {
      const { status, headers, body } = outcome.answer;
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      await reply.code(status)
        .headers({ 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers })
        .send(text);
      return reply;
    }
    request.grantkit = outcome.state;
    return undefined;
  };
}

function queryValue(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

const plugin: FastifyPluginCallback<GrantkitPluginOptions> = (fastify, options, done) => {
  fastify.decorateRequest('grantkit', null);
  fastify.decorate('requirePermission', (routeOptions: FastifyPermissionOptions) => requirePermission({
    ...(options.onDenied === undefined ? {} : { onDenied: options.onDenied }),
    ...(options.realm === undefined ? {} : { realm: options.realm }),
    ...routeOptions,
    accessManager: routeOptions.accessManager ?? options.accessManager,
  }));
  done();
};
// What `fastify-plugin` does, without the dependency: skip encapsulation so the decorators reach the parent scope.
Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: '@grantkit/node/fastify' });

/**
 * The plugin: `await fastify.register(grantkitPlugin, { accessManager })`.
 *
 * Exported from `@grantkit/node/fastify`.
 *
 * @example
 * ```ts
 * await fastify.register(grantkitPlugin, { accessManager });
 * fastify.get('/rooms/:channel', { preHandler: fastify.requirePermission({ permission: 'read', channel: (request) => (request.params as { channel: string }).channel }) }, read);
 * ```
 */
export const grantkitPlugin = plugin;
