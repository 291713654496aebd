/**
 * One shape for every guard: `(request, response, next?)`. With `next` (Express, Fastify callback hooks) it calls
 * `next()` when allowed and `next(error)` on a failure; without, it returns a Promise of whether to continue.
 *
 * @internal
 * @module
 */

/** Wraps `check` in the `(request, response, next?)` guard shape. @internal */
export function asGuard(check: (request: any, response: any) => Promise<boolean>) {
  return function guard(request: any, response: any, next?: (error?: any) => void): Promise<boolean> | undefined {
    const work = check(request, response);
    if (typeof next !== 'function') return work;
    work.then((allowed) => {
      if (allowed) next();
    }, (error: unknown) => next(error));
    return undefined;
  };
}
