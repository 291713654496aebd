/**
 * `@grantkit/node/hono`: {@link requirePermission} as a Hono middleware. It works wherever Hono runs with an
 * `AccessManager` (Node; a remote `AccessManager` asks a grantkit service). The decision is left in the context as
 * `c.get('grantkit')`, typed through the middleware's `Variables`.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { requirePermission } from '@grantkit/node/hono';
 *
 * const app = new Hono();
 * app.post('/rooms/:channel/messages',
 *   requirePermission({ accessManager, permission: 'write', channel: (c) => c.req.param('channel') }),
 *   (c) => c.json({ by: c.get('grantkit').userId }));
 * ```
 *
 * @module
 */
import { presentedToken } from '@grantkit/core';
import type { Context, MiddlewareHandler } from 'hono';
import { createPermissionCheck, type GrantkitRequestState, type RequirePermissionOptions } from './sdk/middleware.js';

/**
 * The context variables the middleware sets.
 *
 * Exported from `@grantkit/node/hono`.
 *
 * @example
 * ```ts
 * const app = new Hono<{ Variables: GrantkitVariables }>();
 * ```
 */
export interface GrantkitVariables {
  grantkit: GrantkitRequestState;
}

/**
 * Creates a Hono middleware requiring `permission` on one resource: 401 with `WWW-Authenticate: Bearer` for a
 * missing or unusable token, 403 for one that does not grant it, 503 when revocations cannot be checked; otherwise
 * `c.set('grantkit', state)` and `next()`.
 *
 * Exported from `@grantkit/node/hono`.
 *
 * @param options - Who decides, the permission, exactly one resource resolver (given the Hono `Context`); optionally
 *   uuid and token readers, `onDenied`, `realm`.
 * @returns The middleware.
 * @throws `TypeError` unless exactly one resource resolver is given.
 * @example
 * ```ts
 * app.get('/rooms/:channel', requirePermission({ accessManager, permission: 'read', channel: (c) => c.req.param('channel') }), read);
 * ```
 */
export function requirePermission(options: RequirePermissionOptions<Context>): MiddlewareHandler<{ Variables: GrantkitVariables }> {
  const check = createPermissionCheck(options);
  const readToken = options.token ?? ((c: Context) => presentedToken({ auth: c.req.query('auth'), token: c.req.query('token'), authorization: c.req.header('authorization') }));
  const readUserId = options.userId ?? ((c: Context) => c.req.query('uuid'));
  return async (c, next) => {
    const outcome = await check(c, readToken(c), readUserId(c));
    if (!outcome.allowed) {
      const { status, headers, body } = outcome.answer;
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      return new Response(text, {
        status,
        headers: { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
      });
    }
    c.set('grantkit', outcome.state);
    await next();
    return undefined;
  };
}
