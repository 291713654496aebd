/**
 * `@grantkit/node/express`: {@link requirePermission} for Express, and `request.grantkit` typed on every Express
 * request by declaration merging (importing this entry is enough).
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { requirePermission } from '@grantkit/node/express';
 *
 * app.post('/rooms/:channel/messages',
 *   requirePermission({ accessManager, permission: 'write', channel: (request) => request.params.channel }),
 *   (request, response) => response.json({ by: request.grantkit?.userId }));
 * ```
 *
 * @module
 */
import type { Request, RequestHandler } from 'express';
import {
  requirePermission as requirePermissionGuard, type GrantkitRequestState, type RequirePermissionOptions,
} from './sdk/middleware.js';

declare global {
  // Express's own augmentation point (`@types/express-serve-static-core` merges `Express.Request` into `Request`).
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by a `requirePermission` guard that let the request through. */
      grantkit?: GrantkitRequestState;
    }
  }
}

/**
 * Creates an Express middleware requiring `permission` on one resource: 401 with `WWW-Authenticate: Bearer` for a
 * missing or unusable token, 403 for a token that does not grant it, 503 when revocations cannot be checked;
 * otherwise `request.grantkit` is set and `next()` called. Errors (a throwing `onDenied`) go to `next(error)`.
 *
 * Exported from `@grantkit/node/express`.
 *
 * @param options - Who decides, the permission, exactly one resource resolver; optionally uuid and token readers,
 *   `onDenied`, `realm`.
 * @returns The middleware.
 * @throws `TypeError` unless exactly one resource resolver is given.
 * @example
 * ```ts
 * app.get('/rooms/:channel', requirePermission({ accessManager, permission: 'read', channel: (request) => request.params.channel }), read);
 * ```
 */
export function requirePermission<R extends Request = Request>(options: RequirePermissionOptions<R>): RequestHandler {
  const guard = requirePermissionGuard<R>(options);
  return (request, response, next) => void guard(request, response, next);
}
