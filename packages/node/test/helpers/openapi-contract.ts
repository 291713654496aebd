/**
 * The OpenAPI document as a contract the test suite holds the service to. `checkResponse` validates one answer
 * (status documented for the route and method, media type documented, JSON body valid against the schema);
 * `installContractCheck` wraps the global `fetch` so every response a test receives from a documented route is
 * checked before the test sees it (installed for the whole node suite by `vitest.config.ts`). Paths the document
 * does not describe (a test's own Express app) are left alone.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import document from '../../openapi.json' with { type: 'json' };

interface MediaType { schema?: unknown }
interface ResponseObject { $ref?: string; content?: Record<string, MediaType> }
interface Operation { responses: Record<string, ResponseObject> }

const ajv = new Ajv2020({ strict: false, allErrors: true });
// The whole document under one id, so `#/components/...` references resolve inside it.
ajv.addSchema(document, 'openapi.json');
const compiled = new Map<string, ValidateFunction>();

const routes = Object.entries(document.paths as Record<string, Record<string, Operation>>).map(([template, operations]) => ({
  template,
  operations,
  pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

/** Counts of what was checked, for the suite's own sanity test. */
export const contractStats = { checked: 0 };

function pointer(...parts: string[]): string {
  return parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

function resolveResponse(response: ResponseObject, path: string): [ResponseObject, string] {
  if (response.$ref === undefined) return [response, path];
  const name = response.$ref.replace('#/components/responses/', '');
  return [(document.components.responses as Record<string, ResponseObject>)[name]!, `components/responses/${pointer(name)}`];
}

/**
 * Checks one response against the document.
 *
 * @returns `undefined` when the path is not a documented route; otherwise the list of violations (empty: valid).
 */
export function checkResponse(method: string, url: string, status: number, contentType: string | null, body: string): string[] | undefined {
  const { pathname } = new URL(url);
  const route = routes.find((candidate) => candidate.pattern.test(pathname));
  if (route === undefined) return undefined;
  contractStats.checked++;
  const where = `${method} ${route.template} → ${status}`;
  const operationKey = method.toLowerCase();
  const operation = route.operations[operationKey];
  let response: ResponseObject | undefined;
  let responsePath: string;
  if (operation === undefined) {
    // A method the route does not have must be refused the documented way.
    if (status !== 405) return [`${where}: the route has no ${method} operation, so the answer must be 405`];
    [response, responsePath] = resolveResponse({ $ref: '#/components/responses/MethodNotAllowed' }, '');
  } else {
    const declared = operation.responses[String(status)] ?? operation.responses.default;
    if (declared === undefined) return [`${where}: status ${status} is not documented (documented: ${Object.keys(operation.responses).join(', ')})`];
    [response, responsePath] = resolveResponse(declared, `paths/${pointer(route.template)}/${operationKey}/responses/${String(status) in operation.responses ? status : 'default'}`);
  }
  if (method === 'HEAD' || response.content === undefined) return [];
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const content = response.content[mediaType];
  if (content === undefined) return [`${where}: content type '${contentType}' is not documented (documented: ${Object.keys(response.content).join(', ')})`];
  if (content.schema === undefined || !mediaType.endsWith('json')) return [];
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return [`${where}: the body is not JSON: ${body.slice(0, 200)}`];
  }
  const reference = `openapi.json#/${responsePath}/content/${pointer(mediaType)}/schema`;
  let validate = compiled.get(reference);
  if (validate === undefined) {
    validate = ajv.compile({ $ref: reference });
    compiled.set(reference, validate);
  }
  if (validate(json)) return [];
  return (validate.errors ?? []).map((error) => `${where}: ${error.instancePath || '(body)'} ${error.message} ${JSON.stringify(error.params)}; body ${body.slice(0, 300)}`);
}

/** Wraps the global `fetch`: every answer of a documented route is checked; a violation rejects the call. */
export function installContractCheck(): void {
  const original = globalThis.fetch;
  if ((original as { contractChecked?: boolean }).contractChecked) return;
  const checked = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]): Promise<Response> => {
    const response = await original(input, init);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const url = input instanceof Request ? input.url : String(input);
    const body = method === 'HEAD' ? '' : await response.clone().text();
    const violations = checkResponse(method, url, response.status, response.headers.get('content-type'), body);
    if (violations !== undefined && violations.length > 0) {
      throw new Error(`response breaks openapi.json:\n  ${violations.join('\n  ')}`);
    }
    return response;
  };
  globalThis.fetch = Object.assign(checked, { contractChecked: true }) as typeof fetch;
}
