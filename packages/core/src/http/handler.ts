/**
 * The Access Manager REST surface as one handler shared by every runtime. It performs no I/O of its own: keysets,
 * crypto keys and the revocation store are injected. Its routes read a minimal {@link GrantRequest} (method, target,
 * one header at a time, the body as bounded text) and answer a plain {@link GrantReply}, so it comes in two forms
 * over the same code: the web-standard `(request: Request) => Promise<Response>` (Workers, Deno, Bun, tests) and
 * `handler.handle(grantRequest)` for adapters that read a request lazily instead of building web `Request` /
 * `Response` objects with their streams and abort signals (the Node service: profiled under load, those objects
 * cost more than all the token work of a request).
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
import { checkToken, checkVerifiedToken, presentedToken, refusedToken, type CheckTokenOptions, type TokenCheckResult } from '../check-token.js';
import { ConfigInvalidError, LimitExceededError, RequestInvalidError, TokenMalformedError } from '../errors.js';
import { bodyOf, describeError } from './error-response.js';
import { prepareTokenPatterns } from '../authorize/pattern-index.js';
import { patternBudgetExceeded, precompilePatterns } from '../authorize/patterns.js';
import { grantFromRequestBody } from '../grant/rest-body.js';
import { strictFindings, type StrictRule } from '../grant/validate-grant.js';
import { isPromise, type MaybePromise } from '../internal/maybe-promise.js';
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
 * The parts of a request the handler reads. A web `Request` is adapted to it by the handler itself; a runtime
 * adapter may implement it straight over its own request object, reading each part only when asked.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const request: GrantRequest = {
 *   method: 'GET', target: '/health', header: () => undefined, text: async () => '',
 * };
 * const reply = await handler.handle(request);
 * ```
 */
export interface GrantRequest {
  /** Upper-case method. */
  readonly method: string;
  /**
   * The request target as sent: the path, still percent-encoded, and the query (`/v3/pam/sub-c-1/grant?uuid=…`).
   * Signature v2 is checked over this query as received.
   */
  readonly target: string;
  /** A header's value by lower-case name, or undefined. */
  header(name: string): string | undefined;
  /**
   * The whole body as UTF-8 text ('' when there is none), a leading byte order mark kept (the signature covers the
   * bytes as sent). Rejects with `LimitExceededError` `ERR_LIMIT_EXCEEDED` once more than `limit` bytes arrive
   * (reading stops there), and `RequestInvalidError` `ERR_REQUEST_INVALID` for invalid UTF-8 or a body the client
   * aborted.
   */
  text(limit: number): Promise<string>;
}

/**
 * The handler's answer before any runtime turns it into a response: a status, headers and a text body.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const { status, headers, body } = await handler.handle(request);
 * outgoing.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) }).end(body);
 * ```
 */
export interface GrantReply {
  readonly status: number;
  /** Lower-case names. `content-length` is left to the adapter (it knows the encoding). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * The REST handler: a web-standard `(request: Request) => Promise<Response>`, and the same routes over a
 * {@link GrantRequest} for adapters that do not build web objects.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const handler: GrantHandler = createGrantHandler(options);
 * const response = await handler(new Request('http://localhost/health'));
 * const reply = await handler.handle({ method: 'GET', target: '/health', header: () => undefined, text: async () => '' });
 * ```
 */
export interface GrantHandler {
  (request: Request): Promise<Response>;
  /** Answers a {@link GrantRequest} with a {@link GrantReply}: the same code the web form runs. */
  handle(request: GrantRequest): Promise<GrantReply>;
}

const SERVICE = 'Access Manager';
// ignoreBOM keeps a leading byte order mark in the text: the signature covers the bytes as sent, BOM included.
const utf8 = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
// What PubNub's service sends with every grant and revoke answer (the official SDKs accept either content type).
const PUBNUB_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'content-type': 'text/javascript; charset=UTF-8', 'cache-control': 'no-cache, no-store, must-revalidate' });
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

  /** The keyset of a subscribe key: a plain value when the lookup is synchronous (a map), so no await is needed. */
  function keysetFor(subscribeKey: string): MaybePromise<Keyset> {
    let found: MaybePromise<Keyset | undefined>;
    try {
      found = lookup(subscribeKey);
    } catch (cause) {
      throw keysetUnavailable(cause);
    }
    if (isPromise(found)) return found.then(knownKeyset, (cause: unknown) => { throw keysetUnavailable(cause); });
    return knownKeyset(found);
  }

  async function checkSignature(request: GrantRequest, url: RequestTarget, keyset: Keyset, body: string): Promise<void> {
    await verifyRequestSignatureV2(keyset.keys, {
      method: request.method,
      publishKey: keyset.publishKey,
      path: url.path,
      // As received: the SDKs differ in what they send versus what they sign (see signature-v2).
      query: url.search,
      body,
    }, { now: clock(), window });
  }

  async function grant(request: GrantRequest, url: RequestTarget, keyset: Keyset, report: (warnings: HandlerEvent['strictWarnings']) => void): Promise<GrantReply> {
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

  async function revoke(request: GrantRequest, url: RequestTarget, keyset: Keyset, encodedToken: string): Promise<GrantReply> {
    await checkSignature(request, url, keyset, '');
    const token = safeDecode(encodedToken);
    if (token === '') throw new TokenMalformedError('Token is missing.', { field: 'token' });
    await revokeToken(token, { keys: keyset.keys, revocations: options.revocations, now: clock() });
    return pubnubReply(200, { data: { message: 'Success' }, service: SERVICE, status: 200 });
  }

  async function authorizeRoute(request: GrantRequest, url: RequestTarget, keyset: Keyset): Promise<[GrantReply, string]> {
    const parameters = strictQuery(url.search);
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
    const token = presentedToken({ auth: parameters.get('auth'), token: parameters.get('token'), authorization: request.header('authorization') });
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
    // `now` is read when the decision is made, after any pattern compilation.
    const check: CheckTokenOptions = { keys: keyset.keys, revocations: options.revocations, resource, permission, now: 0, uuid };
    let decided: MaybePromise<TokenCheckResult>;
    if (token === undefined || token === '') {
      check.now = clock();
      decided = checkToken(token, check);
    } else {
      // Verified once, ignoring time as checkToken does, and decided on that verification. First sight of a token's
      // patterns compiles them a slice at a time, so other requests do not wait behind it; only once the token
      // verified (a forgery's patterns are never compiled).
      let verified: VerifiedToken | undefined;
      try {
        const pending = verifyToken(token, keyset.keys, { ignoreTime: true });
        verified = isPromise(pending) ? await pending : pending;
      } catch (error) {
        decided = refusedToken(error);
      }
      if (verified !== undefined) {
        const preparing = prepareTokenPatterns(verified);
        if (preparing !== undefined) await preparing;
        check.now = clock();
        decided = checkVerifiedToken(verified, check);
      }
    }
    const result = isPromise(decided!) ? await decided : decided!;
    const body = tokenCheckBody(result);
    return [reply(body.status, body), result.reason];
  }

  async function handle(request: GrantRequest): Promise<GrantReply> {
    const started = now();
    let route: HandlerEvent['route'] = 'not-found';
    // Reported only once it names a configured keyset: clients choose the path, metrics must not grow with it.
    let subscribeKey: string | undefined;
    let outcome = 'success';
    let strictWarnings: HandlerEvent['strictWarnings'];
    let response: GrantReply;
    try {
      const url = splitRequestTarget(request.target);
      const segments = url.path.split('/');
      // ['', 'v3', 'pam', sub, 'grant', token?]
      if (segments[1] === 'v3' && segments[2] === 'pam' && segments[4] === 'grant' && segments.length <= 6) {
        if (segments.length === 5 && request.method === 'POST') {
          route = 'grant';
          const found = keysetFor(safeDecode(segments[3]!));
          const keyset = isPromise(found) ? await found : found;
          subscribeKey = keyset.subscribeKey;
          response = await grant(request, url, keyset, (warnings) => { strictWarnings = warnings; });
        } else if (segments.length === 6 && request.method === 'DELETE') {
          route = 'revoke';
          const found = keysetFor(safeDecode(segments[3]!));
          const keyset = isPromise(found) ? await found : found;
          subscribeKey = keyset.subscribeKey;
          response = await revoke(request, url, keyset, segments[5]!);
        } else {
          response = methodNotAllowed();
          outcome = 'method-not-allowed';
        }
      } else if (segments[1] === 'grantkit' && segments[2] === 'v1' && segments[4] === 'authorize' && segments.length === 5) {
        route = 'authorize';
        if (request.method === 'GET' || request.method === 'POST') {
          const found = keysetFor(safeDecode(segments[3]!));
          const keyset = isPromise(found) ? await found : found;
          subscribeKey = keyset.subscribeKey;
          [response, outcome] = await authorizeRoute(request, url, keyset);
        } else {
          response = methodNotAllowed();
          outcome = 'method-not-allowed';
        }
      } else if (url.path === '/health') {
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
        const event: HandlerEvent = { route, status: response.status, outcome, durationMs: now() - started };
        if (subscribeKey !== undefined) event.subscribeKey = subscribeKey;
        if (strictWarnings !== undefined) event.strictWarnings = strictWarnings;
        options.onEvent(event);
      } catch {
        // A broken metrics hook must not break the request.
      }
    }
    return response;
  }

  const web = (request: Request): Promise<Response> =>
    handle(fromWebRequest(request)).then((answer) => new Response(answer.body, { status: answer.status, headers: answer.headers }));
  return Object.assign(web, { handle });
}

/**
 * A request target split into its path and its raw query, as {@link splitRequestTarget} returns them.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const target: RequestTarget = { path: '/v3/pam/sub-c-1/grant', search: 'uuid=server&timestamp=1700000000' };
 * ```
 */
export interface RequestTarget {
  /** The path, still percent-encoded, dot segments resolved (`url.pathname`). */
  readonly path: string;
  /** The query as received, without the `?` (`url.search.slice(1)`): what signature v2 is checked over. */
  readonly search: string;
}

const BASE = 'http://localhost';
// Characters a target can hold that `new URL` keeps exactly as they are, in the path and in the query (so not `'`,
// which the query encodes): such a target splits without the URL parser, to the same path and query.
const PLAIN_TARGET = /^\/[A-Za-z0-9\-._~!$&()*+,;=:@%/?]*$/;
// Any segment starting with `.` or `%2e` may be a dot segment (`..`, `.%2e`, `%2e.`): left to the URL parser.
const DOT_SEGMENT = /\/(?:\.|%2e)/i;

/**
 * Splits a request target (`/path?query` as an HTTP request line carries it) exactly as `new URL` would: the path
 * with dot segments resolved and the query as `url.search` gives it, without running the URL parser for the common
 * target that has nothing to normalise. Absolute-form targets keep only their path: the origin is never trusted.
 * Used by the handler and by runtime adapters that route a few paths of their own before it.
 *
 * Exported from `@grantkit/core`.
 *
 * @param target - The request target as received.
 * @returns The path and the raw query.
 * @throws {@link RequestInvalidError} `ERR_REQUEST_INVALID` (field `path`) when the target is not a valid URL.
 * @example
 * ```ts
 * splitRequestTarget('/v3/pam/sub-c-1/../sub-c-1/grant?uuid=a'); // { path: '/v3/pam/sub-c-1/grant', search: 'uuid=a' }
 * ```
 */
export function splitRequestTarget(target: string): RequestTarget {
  // A service routes its own paths, then the handler splits the same target again: the last split is kept (the
  // result is frozen, so sharing it is safe).
  if (target === lastTarget) return lastSplit;
  const split = splitTarget(target);
  lastTarget = target;
  lastSplit = split;
  return split;
}

let lastTarget: string | undefined;
let lastSplit: RequestTarget = Object.freeze({ path: '/', search: '' });

function splitTarget(target: string): RequestTarget {
  if (PLAIN_TARGET.test(target) && !DOT_SEGMENT.test(target)) {
    const mark = target.indexOf('?');
    return Object.freeze(mark < 0 ? { path: target, search: '' } : { path: target.slice(0, mark), search: target.slice(mark + 1) });
  }
  let url: URL;
  try {
    // Concatenate rather than resolve, so `//host/path` stays a path instead of becoming another origin.
    url = new URL(target.startsWith('/') ? BASE + target : target);
  } catch (cause) {
    throw new RequestInvalidError('request target is not a valid URL', { field: 'path', cause });
  }
  return Object.freeze({ path: url.pathname, search: url.search.slice(1) });
}

/** A web `Request` as a {@link GrantRequest}. */
function fromWebRequest(request: Request): GrantRequest {
  const url = new URL(request.url);
  return {
    method: request.method,
    target: url.pathname + url.search,
    header: (name) => request.headers.get(name) ?? undefined,
    text: (limit) => readWebBody(request, limit),
  };
}

function keysetUnavailable(cause: unknown): ConfigInvalidError {
  // A broken keyset configuration is the server's fault, not the client's: never blame the request for it.
  return new ConfigInvalidError('the keyset configuration could not be loaded', { field: 'subscribe-key', cause });
}

function knownKeyset(keyset: Keyset | undefined): Keyset {
  if (keyset === undefined) throw new RequestInvalidError('Unknown subscribe key.', { field: 'subscribe-key' });
  return keyset;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

function safeDecode(segment: string): string {
  // Without a `%` there is nothing to decode (a subscribe key, usually).
  if (segment.indexOf('%') < 0) return segment;
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

/**
 * The query parameters, decoded strictly: `URLSearchParams` turns invalid percent-encoded UTF-8 (`%FF`, an encoded
 * lone surrogate) into U+FFFD, so `uuid=al%ED%A0%80` would be compared as `al\ufffd`. Refused instead, naming the
 * parameter. Later repeats of a name win, as with `new Map(url.searchParams)`.
 */
function strictQuery(search: string): Map<string, string> {
  const parameters = new Map<string, string>();
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
  // Nothing to decode (a token, most names): the text as it is, which is what decoding it would give.
  if (text.indexOf('%') < 0 && text.indexOf('+') < 0) return text;
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch (cause) {
    throw new RequestInvalidError(`query parameter ${field} is not valid percent-encoded UTF-8`, { field, cause });
  }
}

function reply(status: number, body: unknown): GrantReply {
  return { status, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

function pubnubReply(status: number, body: unknown): GrantReply {
  return { status, headers: PUBNUB_HEADERS, body: JSON.stringify(body) };
}

function methodNotAllowed(): GrantReply {
  return reply(405, { status: 405, error: { message: 'Method Not Allowed', source: 'grantkit', details: [] }, service: SERVICE });
}

/** Reads at most `limit` bytes of body; more is a 413, whatever Content-Length claims. */
function readBody(request: GrantRequest, limit: number): Promise<string> {
  const declared = Number(request.header('content-length') ?? '0');
  if (declared > limit) return Promise.reject(new LimitExceededError(`request body is larger than ${limit} bytes`, { field: 'body' }));
  return request.text(limit);
}

/** A web request's body as text, at most `limit` bytes (counted as they stream in). */
async function readWebBody(request: Request, limit: number): Promise<string> {
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
    return utf8.decode(bytes);
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
