/**
 * The OpenAPI 3.1 document of the service's REST surface. The document itself is `openapi.json` at the package root
 * (published as `@grantkit/node/openapi.json`, linted in CI, and the contract every response of the test suite is
 * validated against); a route added to the service gets its path there.
 *
 * @module
 */
import document from '../../openapi.json' with { type: 'json' };

/**
 * The OpenAPI 3.1 document `grantkit serve` answers at `/openapi.json`: grant, revoke, authorize, health, ready,
 * metrics, and itself. Frozen.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * import { openApiDocument } from '@grantkit/node';
 * app.get('/openapi.json', (_request, response) => response.json(openApiDocument));
 * ```
 */
export const openApiDocument: Readonly<Record<string, unknown>> & { openapi: string; paths: Readonly<Record<string, unknown>> } = deepFreeze(document);

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
