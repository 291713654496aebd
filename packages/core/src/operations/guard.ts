/**
 * Enforcement of the operations map for a PubNub-style backend, written against web `Request`/`Response` so the Node
 * proxy and middleware and the Workers fetch wrapper share it: recognise the operation, accept a request signed with
 * the keyset's secret key, otherwise read and verify the token, look revocation up (failing closed), decide every
 * check, and answer a denial in PubNub's shape.
 *
 * @module
 */
import type { ResourceRef } from '../authorize/decision.js';
import { checkToken, presentedToken } from '../check-token.js';
import { isGrantkitError } from '../errors.js';
import type { Keyset } from '../keysets.js';
import type { MaybePromise } from '../internal/maybe-promise.js';
import type { Clock, RevocationStore } from '../ports.js';
import { verifyRequestSignatureV2 } from '../signature-v2.js';
import { decideOperation, type OperationDecision, type PresentedCredential } from './decide-operation.js';
import { DATA_PLANE_HEADERS, operationDenial } from './denial.js';
import { matchOperation, type MatchedOperation, type UnknownOperation } from './match-request.js';

/**
 * Options of {@link createOperationGuard}.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const options: OperationGuardOptions = { keysets: new Map([[keyset.subscribeKey, keyset]]), revocations: store };
 * ```
 */
export interface OperationGuardOptions {
  /** Subscribe key → keyset, as a map or a (possibly async) lookup. */
  keysets: ReadonlyMap<string, Keyset> | ((subscribeKey: string) => MaybePromise<Keyset | undefined>);
  /** The revocation denylist; consulted for every unexpired token, failing closed. */
  revocations?: RevocationStore;
  /** Unix seconds. Default `Date.now()`. */
  clock?: Clock;
  /** Allowed timestamp distance of a request signed with the secret key (signature v2), seconds. Default 60. */
  requestWindow?: number;
  /** PubNub's App Context option "Disallow Get All User Metadata" unchecked. Default false. */
  allowGetAllUuidMetadata?: boolean;
  /** PubNub's App Context option "Disallow Get All Channel Metadata" unchecked. Default false. */
  allowGetAllChannelMetadata?: boolean;
}

/**
 * One request as the guard reads it.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const input: GuardInput = { method: 'GET', url: 'http://localhost/v2/subscribe/sub-c-1/a/0?auth=…', headers: new Headers() };
 * ```
 */
export interface GuardInput {
  method: string;
  /** The request URL (absolute, or a path with its query). */
  url: string;
  headers?: Headers;
  /**
   * The body text: needed for PATCH requests (App Context memberships name their channels in it) and for requests
   * signed with the secret key that carry a body. See {@link guardNeedsBody}.
   */
  body?: string;
}

/**
 * The guard's answer.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const result = await guard.check(input);
 * if (!result.allowed) return result.response;
 * ```
 */
export type GuardResult =
  | { allowed: true; decision: OperationDecision; matched: MatchedOperation }
  | { allowed: false; decision?: OperationDecision; matched?: MatchedOperation | UnknownOperation; response: Response };

/**
 * The guard {@link createOperationGuard} returns.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const guard: OperationGuard = createOperationGuard({ keysets });
 * ```
 */
export interface OperationGuard {
  /** Decides one request; bad input gets a PubNub-style 400/413, an unreachable revocation store a 503. Never throws for client input. */
  check(input: GuardInput): Promise<GuardResult>;
  /** {@link check} for a web `Request`: reads (a clone of) its body only when {@link guardNeedsBody} says so. */
  checkRequest(request: Request): Promise<GuardResult>;
}

/**
 * Whether the guard needs the request body to decide: PATCH requests (App Context) and requests signed with the
 * secret key (signature v2 covers the body). Everything else streams through unread.
 *
 * Exported from `@grantkit/core`.
 *
 * @param method - HTTP method.
 * @param url - The request URL.
 * @returns True when the caller must pass `body`.
 * @example
 * ```ts
 * const body = guardNeedsBody(request.method, request.url) ? await request.clone().text() : undefined;
 * ```
 */
export function guardNeedsBody(method: string, url: string): boolean {
  if (method.toUpperCase() === 'PATCH') return true;
  if (method.toUpperCase() === 'GET' || method.toUpperCase() === 'HEAD') return false;
  return new URL(url, 'http://localhost').searchParams.has('signature');
}

/**
 * Creates the enforcement guard for PubNub data-plane requests.
 *
 * Exported from `@grantkit/core`.
 *
 * @param options - Keysets, revocation store, clock, keyset settings.
 * @returns The guard.
 * @example
 * ```ts
 * const guard = createOperationGuard({ keysets, revocations });
 * const result = await guard.checkRequest(request);
 * return result.allowed ? fetch(upstreamUrl(request), request) : result.response;
 * ```
 */
export function createOperationGuard(options: OperationGuardOptions): OperationGuard {
  const clock = options.clock ?? (() => Math.floor(Date.now() / 1000));
  const lookup = typeof options.keysets === 'function'
    ? options.keysets
    : (subscribeKey: string) => (options.keysets as ReadonlyMap<string, Keyset>).get(subscribeKey);

  async function check(input: GuardInput): Promise<GuardResult> {
    let matched: MatchedOperation | UnknownOperation;
    let url: URL;
    try {
      url = new URL(input.url, 'http://localhost');
      matched = matchOperation({ method: input.method, path: url.pathname, query: url.searchParams, ...(input.body === undefined ? {} : { body: input.body }) });
    } catch (error) {
      return failure(error);
    }
    const settings = {
      now: clock(),
      ...(options.allowGetAllUuidMetadata === undefined ? {} : { allowGetAllUuidMetadata: options.allowGetAllUuidMetadata }),
      ...(options.allowGetAllChannelMetadata === undefined ? {} : { allowGetAllChannelMetadata: options.allowGetAllChannelMetadata }),
    };
    if (!matched.known) return deny(decideOperation(matched, { kind: 'none' }), matched);
    if (matched.operation.access === 'open') {
      // "None required": nothing to verify, whatever credentials came along (a signed `time` has no keyset in its path).
      return { allowed: true, decision: decideOperation(matched, { kind: 'none' }, settings), matched };
    }
    let credential: PresentedCredential;
    try {
      const keyset = matched.subscribeKey === undefined ? undefined : await lookup(matched.subscribeKey);
      if (keyset === undefined) return reply(400, 'Invalid subscribe key', matched);
      credential = await present(input, url, keyset, matched, settings.now);
    } catch (error) {
      return failure(error, matched);
    }
    const decision = decideOperation(matched, credential, settings);
    return decision.allowed ? { allowed: true, decision, matched } : deny(decision, matched);
  }

  async function present(input: GuardInput, url: URL, keyset: Keyset, matched: MatchedOperation, now: number): Promise<PresentedCredential> {
    if (url.searchParams.has('signature')) {
      // A server holding the secret key signs its requests (signature v2) instead of presenting a token.
      await verifyRequestSignatureV2(keyset.keys, {
        method: input.method.toUpperCase(), publishKey: keyset.publishKey, path: url.pathname, query: url.searchParams, body: input.body ?? '',
      }, { now, window: options.requestWindow ?? 60 });
      return { kind: 'secret-key' };
    }
    // Only token operations naming something to check use a token; the others are decided without one.
    const first = matched.checks[0];
    if (matched.operation.access !== 'token' || first === undefined) return { kind: 'none' };
    const text = presentedToken({ auth: url.searchParams.get('auth'), token: url.searchParams.get('token'), authorization: input.headers?.get('authorization') });
    // The first check goes through the one token check (where the token comes from, verification, the expired-token
    // rule, the revocation lookup failing closed); the other checks reuse the token it verified.
    const result = await checkToken(text, {
      keys: keyset.keys,
      revocations: options.revocations,
      now,
      ...(matched.uuid === undefined ? {} : { uuid: matched.uuid }),
      resource: { [first.resource]: first.name } as ResourceRef,
      permission: first.permission,
    });
    if (result.token === undefined) {
      return result.reason === 'malformed' || result.reason === 'signature-invalid' ? { kind: 'invalid', reason: result.reason } : { kind: 'none' };
    }
    return { kind: 'token', token: result.token, signature: 'verified', revoked: result.reason === 'revoked' };
  }

  return {
    check,
    async checkRequest(request: Request): Promise<GuardResult> {
      let body: string | undefined;
      if (guardNeedsBody(request.method, request.url) && request.body !== null) {
        try {
          body = await request.clone().text();
        } catch (error) {
          return failure(error);
        }
      }
      return check({ method: request.method, url: request.url, headers: request.headers, ...(body === undefined ? {} : { body }) });
    },
  };
}

function deny(decision: OperationDecision, matched: MatchedOperation | UnknownOperation): GuardResult {
  const { status, headers, body } = operationDenial(decision);
  return { allowed: false, decision, matched, response: new Response(JSON.stringify(body), { status, headers }) };
}

function reply(status: number, message: string, matched?: MatchedOperation | UnknownOperation): GuardResult {
  const response = new Response(JSON.stringify({ status, error: true, service: 'Access Manager', message }), { status, headers: DATA_PLANE_HEADERS });
  return { allowed: false, ...(matched === undefined ? {} : { matched }), response };
}

function failure(error: unknown, matched?: MatchedOperation | UnknownOperation): GuardResult {
  if (!isGrantkitError(error)) return reply(500, 'Internal Server Error', matched);
  switch (error.code) {
    case 'ERR_STORE_UNAVAILABLE':
      return reply(503, 'Service Unavailable: the revocation list cannot be checked', matched);
    case 'ERR_LIMIT_EXCEEDED':
      return reply(413, error.message, matched);
    case 'ERR_REQUEST_SIGNATURE_INVALID':
      return reply(403, 'Signature does not match', matched);
    default:
      return reply(400, error.field === 'timestamp' ? 'Invalid timestamp' : `Invalid request: ${error.message}`, matched);
  }
}
