/**
 * The Access Manager REST surface as one web-standard handler, `(request: Request) => Promise<Response>`, shared by
 * the Node service (through a thin `node:http` adapter) and the Workers endpoint. It performs no I/O of its own:
 * keysets, crypto keys and the revocation store are injected.
 *
 * Routes (PubNub-compatible unless noted):
 * - `POST /v3/pam/{subscribeKey}/grant`: signature v2; JSON body as the official SDKs send it → `{status, data: {message, token}, service}`.
 * - `DELETE /v3/pam/{subscribeKey}/grant/{token}`: signature v2 → `{status, data: {message}, service}`.
 * - `GET|POST /grantkit/v1/{subscribeKey}/authorize` (ours): token + uuid + resource + permission → 200 or 403 with
 *   the reason (`checkToken`, the check every runtime makes), for gateways (nginx `auth_request`, service meshes)
 *   and other services.
 * - `GET /health` (ours): 200 once the handler exists (405 for other methods).
 *
 * @module
 */
import type { ResourceRef } from '../authorize/decision.js';
import { checkToken, presentedToken } from '../check-token.js';
import { ConfigInvalidError, LimitExceededError, RequestInvalidError, TokenMalformedError } from '../errors.js';
import { bodyOf, describeError } from './error-response.js';
import { patternBudgetExceeded, precompilePatterns } from '../authorize/patterns.js';
import { grantFromRequestBody } from '../grant/rest-body.js';
import { strictFindings, type StrictRule } from '../grant/validate-grant.js';
import type { MaybePromise } from '../internal/maybe-promise.js';
import { isWellFormed } from '../internal/well-formed.js';
import type { Keyset } from '../keysets.js';
import { LIMITS } from '../limits.js';
import { mintToken } from '../token/mint.js';
import { verifyToken, type VerifiedToken } from '../token/verify.js';
import type { Permission } from '../permissions.js';
import type { Clock, RevocationStore } from '../ports.js';
import { verifyRequestSignatureV2 } from '../signature-v2.js';
import { revokeToken } from '../revoke-token.js';
import { tokenCheckBody } from './token-check-body.js';

/**
 * What the handler reports after each request, for metrics and logs. Never contains a token or a secret.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * onEvent: (event) => histogram.observe({ route: event.route, outcome: event.outcome }, event.durationMs)
 * ```
 */
export interface HandlerEvent {
  route: 'grant' | 'revoke' | 'authorize' | 'health' | 'not-found';
  status: number;
  /** `success`, a deny reason for authorize (`granted`, `expired`, ...), or the error code. */
  outcome: string;
  durationMs: number;
  subscribeKey?: string;
  /**
   * A grant that was accepted but that `strict` validation would refuse: which rules, at which fields (for the
   * service log; names of resources, never a token).
   */
  strictWarnings?: ReadonlyArray<{ rule: StrictRule; field: string }>;
}

/**
 * Options of {@link createGrantHandler}.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const options: GrantHandlerOptions = { keysets: new Map([[keyset.subscribeKey, keyset]]), revocations: store };
 * ```
 */
export interface GrantHandlerOptions {
  /** Subscribe key → keyset, as a map or a (possibly async) lookup. */
  keysets: ReadonlyMap<string, Keyset> | ((subscribeKey: string) => MaybePromise<Keyset | undefined>);
  /** The revocation denylist. Without one, revoke answers 403 `Feature disabled`, as PubNub does. */
  revocations?: RevocationStore;
  /** Unix seconds. Default: `Date.now()`. */
  clock?: Clock;
  /** Allowed request timestamp distance, seconds. Default 60. */
  requestWindow?: number;
  /** Largest accepted request body in bytes; larger gets 413. Default `LIMITS.maxRequestBodyBytes` (32 KiB). */
  maxBodyBytes?: number;
  /** Called after every request. Must not throw. */
  onEvent?: (event: HandlerEvent) => void;
}

/**
 * A web-standard request handler.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const handler: GrantHandler = createGrantHandler(options);
 * const response = await handler(new Request('http://localhost/health'));
 * ```
 */
export type GrantHandler = (request: Request) => Promise<Response>;

const SERVICE = 'Access Manager';
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
// What PubNub's service sends with every grant and revoke answer (the official SDKs accept either content type).
const PUBNUB_HEADERS = { 'content-type': 'text/javascript; charset=UTF-8', 'cache-control': 'no-cache, no-store, must-revalidate' };
const PERMISSIONS: readonly Permission[] = ['read', 'write', 'manage', 'delete', 'get', 'update', 'join'];
const RESOURCE_PARAMETERS = [['channel', 'channel'], ['group', 'group'], ['space', 'space'], ['user', 'user'], ['target-uuid', 'uuid']] as const;

/**
 * Creates the Access Manager REST handler. Bad input always gets a PubNub-style JSON 400/403/413, never a 500.
 *
 * Exported from `@grantkit/core`.
 *
 * @param options - Keysets, revocation store, clock, limits, event hook.
 * @returns The handler.
 * @example
 * ```ts
 * const handler = createGrantHandler({ keysets: new Map([['sub-c-1', keyset]]), revocations: store });
 * export default { fetch: (request: Request) => handler(request) };
 * ```
 */
export function createGrantHandler(options: GrantHandlerOptions): GrantHandler {
  const clock = options.clock ?? (() => Math.floor(Date.now() / 1000));
  const lookup = typeof options.keysets === 'function'
    ? options.keysets
    : (subscribeKey: string) => (options.keysets as ReadonlyMap<string, Keyset>).get(subscribeKey);
  const maxBodyBytes = options.maxBodyBytes ?? LIMITS.maxRequestBodyBytes;
  const window = options.requestWindow ?? 60;

  async function keysetFor(subscribeKey: string): Promise<Keyset> {
    let keyset: Keyset | undefined;
    try {
      keyset = await lookup(subscribeKey);
    } catch (cause) {
      // A broken keyset configuration is the server's fault, not the client's: never blame the request for it.
      throw new ConfigInvalidError('the keyset configuration could not be loaded', { field: 'subscribe-key', cause });
    }
    if (keyset === undefined) throw new RequestInvalidError('Unknown subscribe key.', { field: 'subscribe-key' });
    return keyset;
  }

  async function checkSignature(request: Request, url: URL, keyset: Keyset, body: string): Promise<void> {
    await verifyRequestSignatureV2(keyset.keys, {
      method: request.method,
      publishKey: keyset.publishKey,
      path: url.pathname,
      // As received: the SDKs differ in what they send versus what they sign (see signature-v2).
      query: url.search.slice(1),
      body,
    }, { now: clock(), window });
  }

  async function grant(request: Request, url: URL, keyset: Keyset, report: (warnings: HandlerEvent['strictWarnings']) => void): Promise<Response> {
    const body = await readBody(request, maxBodyBytes);
    await checkSignature(request, url, keyset, body);
    const json = parseJsonBody(body);
    // Patterns over the budget are refused before validation compiles the rest of them synchronously.
    if (!(await precompilePatterns(bodyPatterns(json)))) throw patternBudgetExceeded();
    const validGrant = grantFromRequestBody(json, { validation: keyset.validation ?? 'pubnub' });
    const token = await mintToken(validGrant, keyset.keys[0]!, { timestamp: clock() });
    if (options.onEvent !== undefined && keyset.validation !== 'strict') {
      const findings = strictFindings(validGrant);
      if (findings.length > 0) report(findings.map(({ rule, field }) => ({ rule, field })));
    }
    // PubNub's key order, byte for byte.
    return pubnubReply(200, { data: { message: 'Success', token }, service: SERVICE, status: 200 });
  }

  async function revoke(request: Request, url: URL, keyset: Keyset, encodedToken: string): Promise<Response> {
    await checkSignature(request, url, keyset, '');
    const token = safeDecode(encodedToken);
    if (token === '') throw new TokenMalformedError('Token is missing.', { field: 'token' });
    await revokeToken(token, { keys: keyset.keys, revocations: options.revocations, now: clock() });
    return pubnubReply(200, { data: { message: 'Success' }, service: SERVICE, status: 200 });
  }

  async function authorizeRoute(request: Request, url: URL, keyset: Keyset): Promise<[Response, string]> {
    const parameters = strictQuery(url);
    if (request.method === 'POST') {
      const json = parseJsonBody(await readBody(request, maxBodyBytes));
      if (typeof json !== 'object' || json === null || Array.isArray(json)) {
        throw new RequestInvalidError('Request body must be a JSON object', { field: 'body' });
      }
      for (const [name, value] of Object.entries(json)) {
        if (typeof value !== 'string') continue;
        if (!isWellFormed(value)) throw new RequestInvalidError(`${name} must be well-formed Unicode`, { field: name });
        parameters.set(name, value);
      }
    }
    const token = presentedToken({ auth: parameters.get('auth'), token: parameters.get('token'), authorization: request.headers.get('authorization') });
    const permission = parameters.get('permission') as Permission | undefined;
    if (permission === undefined || !PERMISSIONS.includes(permission)) {
      throw new RequestInvalidError(`permission must be one of ${PERMISSIONS.join(', ')}`, { field: 'permission' });
    }
    const resources = RESOURCE_PARAMETERS.filter(([parameter]) => parameters.has(parameter));
    if (resources.length !== 1) {
      throw new RequestInvalidError('exactly one of channel, group, space, user or target-uuid is required', { field: 'resource' });
    }
    const [parameter, kind] = resources[0]!;
    const name = parameters.get(parameter)!;
    const uuid = parameters.get('uuid');
    // Capped like granted names: no token can grant a longer one, and the cap bounds every pattern search.
    for (const [field, value] of [[parameter, name], ['uuid', uuid]] as const) {
      if (value !== undefined && value.length > LIMITS.maxNameLength) {
        throw new RequestInvalidError(`${field} is longer than ${LIMITS.maxNameLength} characters`, { field });
      }
    }
    const resource = { [kind]: name } as ResourceRef;
    // First sight of a token's patterns compiles them a slice at a time, so other requests do not wait behind it;
    // only once the token verified (a forgery's patterns are never compiled).
    const verified = await verifiedOrUndefined(token, keyset);
    if (verified !== undefined) await precompilePatterns(tokenPatterns(verified));
    const result = await checkToken(token, {
      keys: keyset.keys, revocations: options.revocations, resource, permission, now: clock(), ...(uuid === undefined ? {} : { uuid }),
    });
    const body = tokenCheckBody(result);
    return [reply(body.status, body), result.reason];
  }

  return async function handle(request: Request): Promise<Response> {
    const started = now();
    let route: HandlerEvent['route'] = 'not-found';
    // Reported only once it names a configured keyset: clients choose the path, metrics must not grow with it.
    let subscribeKey: string | undefined;
    let outcome = 'success';
    let strictWarnings: HandlerEvent['strictWarnings'];
    let response: Response;
    try {
      const url = new URL(request.url);
      const segments = url.pathname.split('/');
      // ['', 'v3', 'pam', sub, 'grant', token?]
      if (segments[1] === 'v3' && segments[2] === 'pam' && segments[4] === 'grant' && segments.length <= 6) {
        if (segments.length === 5 && request.method === 'POST') {
          route = 'grant';
          const keyset = await keysetFor(safeDecode(segments[3]!));
          subscribeKey = keyset.subscribeKey;
          response = await grant(request, url, keyset, (warnings) => { strictWarnings = warnings; });
        } else if (segments.length === 6 && request.method === 'DELETE') {
          route = 'revoke';
          const keyset = await keysetFor(safeDecode(segments[3]!));
          subscribeKey = keyset.subscribeKey;
          response = await revoke(request, url, keyset, segments[5]!);
        } else {
          response = methodNotAllowed();
          outcome = 'method-not-allowed';
        }
      } else if (segments[1] === 'grantkit' && segments[2] === 'v1' && segments[4] === 'authorize' && segments.length === 5) {
        route = 'authorize';
        if (request.method === 'GET' || request.method === 'POST') {
          const keyset = await keysetFor(safeDecode(segments[3]!));
          subscribeKey = keyset.subscribeKey;
          [response, outcome] = await authorizeRoute(request, url, keyset);
        } else {
          response = methodNotAllowed();
          outcome = 'method-not-allowed';
        }
      } else if (url.pathname === '/health') {
        route = 'health';
        if (request.method === 'GET' || request.method === 'HEAD') {
          response = reply(200, { status: 200, message: 'OK', service: SERVICE });
        } else {
          response = methodNotAllowed();
          outcome = 'method-not-allowed';
        }
      } else {
        response = reply(404, { status: 404, error: { message: 'Not Found', source: 'grantkit', details: [] }, service: SERVICE });
        outcome = 'not-found';
      }
    } catch (error) {
      const failure = describeError(error, route);
      outcome = failure.outcome;
      const body = bodyOf(failure, route);
      response = route === 'grant' || route === 'revoke' ? pubnubReply(failure.status, body) : reply(failure.status, body);
    }
    if (options.onEvent !== undefined) {
      try {
        options.onEvent({
          route, status: response.status, outcome, durationMs: now() - started,
          ...(subscribeKey === undefined ? {} : { subscribeKey }),
          ...(strictWarnings === undefined ? {} : { strictWarnings }),
        });
      } catch {
        // A broken metrics hook must not break the request.
      }
    }
    return response;
  };
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch (cause) {
    throw new RequestInvalidError('path segment is not valid percent-encoding', { field: 'path', cause });
  }
}

/** Pattern sources in a grant body (`permissions.patterns.<type>.<source>`), for {@link precompilePatterns}. */
function* bodyPatterns(json: unknown): Generator<string> {
  const patterns = (json as { permissions?: { patterns?: unknown } } | null)?.permissions?.patterns;
  if (typeof patterns !== 'object' || patterns === null) return;
  for (const slot of Object.values(patterns)) if (typeof slot === 'object' && slot !== null) yield* Object.keys(slot);
}

async function verifiedOrUndefined(token: string | undefined, keyset: Keyset): Promise<VerifiedToken | undefined> {
  if (token === undefined || token === '') return undefined;
  try {
    return await verifyToken(token, keyset.keys, { ignoreTime: true });
  } catch {
    return undefined; // checkToken reports why
  }
}

function* tokenPatterns(token: VerifiedToken): Generator<string> {
  for (const slot of Object.values(token.patterns)) yield* Object.keys(slot);
}

/**
 * The query parameters, decoded strictly: `URLSearchParams` turns invalid percent-encoded UTF-8 (`%FF`, an encoded
 * lone surrogate) into U+FFFD, so `uuid=al%ED%A0%80` would be compared as `al\ufffd`. Refused instead, naming the
 * parameter. Later repeats of a name win, as with `new Map(url.searchParams)`.
 */
function strictQuery(url: URL): Map<string, string> {
  const parameters = new Map<string, string>();
  const search = url.search.slice(1);
  if (search === '') return parameters;
  for (const pair of search.split('&')) {
    if (pair === '') continue;
    const split = pair.indexOf('=');
    const rawName = split < 0 ? pair : pair.slice(0, split);
    const rawValue = split < 0 ? '' : pair.slice(split + 1);
    const name = strictDecode(rawName, 'query');
    parameters.set(name, strictDecode(rawValue, name));
  }
  return parameters;
}

function strictDecode(text: string, field: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch (cause) {
    throw new RequestInvalidError(`query parameter ${field} is not valid percent-encoded UTF-8`, { field, cause });
  }
}

function reply(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: JSON_HEADERS });
}

function pubnubReply(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: PUBNUB_HEADERS });
}

function methodNotAllowed(): Response {
  return reply(405, { status: 405, error: { message: 'Method Not Allowed', source: 'grantkit', details: [] }, service: SERVICE });
}

/** Reads at most `limit` bytes of body; more is a 413, whatever Content-Length claims. */
async function readBody(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) throw new LimitExceededError(`request body is larger than ${limit} bytes`, { field: 'body' });
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new LimitExceededError(`request body is larger than ${limit} bytes`, { field: 'body' });
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    // ignoreBOM keeps a leading byte order mark in the text: the signature covers the bytes as sent, BOM included.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (cause) {
    throw new RequestInvalidError('request body is not valid UTF-8', { field: 'body', cause });
  }
}

/** JSON.parse of a body; a leading byte order mark is allowed (RFC 8259 §8.1 lets parsers ignore it). */
function parseJsonBody(body: string): unknown {
  try {
    return JSON.parse(body.charCodeAt(0) === 0xfeff ? body.slice(1) : body);
  } catch (cause) {
    throw new RequestInvalidError('Request body is not valid JSON', { field: 'body', cause });
  }
}
