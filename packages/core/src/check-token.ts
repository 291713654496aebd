/**
 * The token check: everything between "a request presented a token" and "allowed, or denied for this reason". The
 * REST handler's authorize route, `@grantkit/edge`'s `authorizeRequest` and `@grantkit/node`'s `AccessManager` and
 * route guard all decide through {@link checkToken}, so they read the token from the same places, refuse the same
 * tokens for the same reasons, and behave the same when the revocation store is down.
 *
 * @module
 */
import { authorize } from './authorize/authorize.js';
import type { AuthorizationDecision, AuthorizationRequest, GrantMatchInfo } from './authorize/decision.js';
import { isGrantkitError, StoreUnavailableError } from './errors.js';
import { isPromise, type MaybePromise } from './internal/maybe-promise.js';
import type { HmacKey, RevocationStore } from './ports.js';
import { verifyToken, type VerifiedToken } from './token/verify.js';

/**
 * Why a presented token was allowed or denied: the decision's reasons (`granted`, `revoked`, `expired`,
 * `not-yet-valid`, `uuid-mismatch`, `no-grant`, `permission-missing`) plus the three a token can fail on before any
 * decision: `missing` (none was sent), `malformed` (it does not decode), `signature-invalid` (no key of the keyset
 * signed it).
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * if (result.reason === 'missing') return new Response('Unauthorized', { status: 401 });
 * ```
 */
export type TokenCheckReason = AuthorizationDecision['reason'] | 'missing' | 'malformed' | 'signature-invalid';

/**
 * The answer of {@link checkToken}: allowed or not, why, and on what.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const { allowed, reason, message, token } = await checkToken(presented, options);
 * if (allowed) console.log(token?.authorizedUuid);
 * ```
 */
export interface TokenCheckResult {
  allowed: boolean;
  reason: TokenCheckReason;
  /** One sentence, safe to log and to show (never the token). */
  message: string;
  /** The grant entry the decision rests on, when one matched. */
  match?: GrantMatchInfo;
  /**
   * The token, once its signature checked out (so also on denials such as `expired` or `revoked`). Absent for
   * `missing`, `malformed` and `signature-invalid`, and when a remote service decided.
   */
  token?: VerifiedToken;
}

/**
 * Where a request may carry its token, as text: what {@link presentedToken} reads.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const sources: TokenSources = { auth: url.searchParams.get('auth'), authorization: request.headers.get('authorization') };
 * ```
 */
export interface TokenSources {
  /** The `auth` query parameter: where the PubNub SDKs put the token. */
  auth?: string | null | undefined;
  /** A `token` parameter (query, or the authorize endpoint's JSON body). */
  token?: string | null | undefined;
  /** The `Authorization` header's value; only `Bearer <token>` counts. */
  authorization?: string | null | undefined;
}

/**
 * The token a request presents: the `auth` query parameter (what the PubNub SDKs send), else a `token` parameter,
 * else an `Authorization: Bearer <token>` header. Empty values count as absent; any other `Authorization` scheme is
 * ignored.
 *
 * Exported from `@grantkit/core`.
 *
 * @param source - A web `Request` (its query and headers are read), or the sources already picked out of one.
 * @returns The token, or `undefined` when the request carries none.
 * @example
 * ```ts
 * presentedToken(new Request('https://app.example/x?auth=p0F2...')); // 'p0F2...'
 * presentedToken({ authorization: 'Bearer p0F2...' });               // 'p0F2...'
 * ```
 */
export function presentedToken(source: Request | TokenSources): string | undefined {
  const sources = isRequest(source) ? sourcesOfRequest(source) : source;
  return nonEmpty(sources.auth) ?? nonEmpty(sources.token) ?? bearerToken(sources.authorization);
}

/** `Authorization: Bearer <token>`, the scheme case-insensitive (RFC 9110), one token, no spaces inside. */
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

function bearerToken(header: string | null | undefined): string | undefined {
  return typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
}

function nonEmpty(value: string | null | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isRequest(source: Request | TokenSources): source is Request {
  return typeof (source as Request).url === 'string' && typeof (source as Request).headers?.get === 'function';
}

function sourcesOfRequest(request: Request): TokenSources {
  const query = new URL(request.url).searchParams;
  return { auth: query.get('auth'), token: query.get('token'), authorization: request.headers.get('authorization') };
}

/**
 * Options of {@link checkToken}: the keyset's keys, its revocation store, and the question (who wants which
 * permission on which resource, and when).
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const options: CheckTokenOptions = { keys: keyset.keys, revocations: store, uuid: 'alice', resource: { channel: 'room-1' }, permission: 'read' };
 * ```
 */
export interface CheckTokenOptions extends Omit<AuthorizationRequest, 'revoked'> {
  /** The keyset's keys, current first: a token must be signed by one of them. */
  keys: HmacKey | readonly HmacKey[];
  /** The revocation denylist. Without one, no token counts as revoked. */
  revocations?: RevocationStore | undefined;
}

/**
 * Decides a presented token, in this order:
 * 1. none presented: `missing`;
 * 2. it must decode (`malformed`) and be signed by one of the keys (`signature-invalid`), checked ignoring time;
 * 3. an expired token is denied as `expired` without asking the revocation store, so it gets the same answer when
 *    the store is down;
 * 4. otherwise the store is asked, failing closed: a store that cannot answer makes this throw, never allow;
 * 5. then `authorize` decides: revocation, issue time, the bound uuid, the grants.
 *
 * A denial is a value, never a throw. With synchronous keys and a synchronous store (or none) the result is a plain
 * value, so Node's hot path never awaits; otherwise a Promise.
 *
 * Exported from `@grantkit/core`.
 *
 * @param token - The token as presented (see {@link presentedToken}); `undefined` or `''` when none was.
 * @param options - Keys, revocation store, and the question.
 * @returns The result, with the verified token once its signature checked out.
 * @throws {@link StoreUnavailableError} `ERR_STORE_UNAVAILABLE` when the revocation store cannot answer.
 * @example
 * ```ts
 * const result = await checkToken(presentedToken(request), {
 *   keys: keyset.keys, revocations: store, uuid: 'alice', resource: { channel: 'room-1' }, permission: 'write',
 * });
 * if (!result.allowed) return new Response(result.message, { status: 403 });
 * ```
 */
export function checkToken(token: string | undefined, options: CheckTokenOptions): MaybePromise<TokenCheckResult> {
  if (token === undefined || token === '') {
    return { allowed: false, reason: 'missing', message: 'No token: send it as the auth parameter, a token parameter or a Bearer token' };
  }
  let verified: MaybePromise<VerifiedToken>;
  try {
    verified = verifyToken(token, options.keys, { ignoreTime: true });
  } catch (error) {
    return refusedToken(error);
  }
  if (isPromise(verified)) return verified.then((value) => checkVerifiedToken(value, options), refusedToken);
  return checkVerifiedToken(verified, options);
}

/**
 * The result for a token that failed verification: `signature-invalid` or `malformed`; anything but a grantkit error
 * is rethrown. What {@link checkToken} answers when `verifyToken` throws, for callers that verified the token first.
 *
 * @internal
 */
export function refusedToken(error: unknown): TokenCheckResult {
  if (!isGrantkitError(error)) throw error;
  return error.code === 'ERR_TOKEN_SIGNATURE_INVALID'
    ? { allowed: false, reason: 'signature-invalid', message: 'Token is not signed by this keyset' }
    : { allowed: false, reason: 'malformed', message: 'Token is malformed' };
}

/**
 * Steps 3–5 of {@link checkToken} for a token already verified (ignoring time) against `options.keys`: what
 * `checkToken` does once `verifyToken` returned, for callers that verified the token themselves (the REST handler
 * verifies it once, to precompile its patterns, and decides on that same verification).
 *
 * @internal
 */
export function checkVerifiedToken(verified: VerifiedToken, options: CheckTokenOptions): MaybePromise<TokenCheckResult> {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const finish = (revoked: boolean): TokenCheckResult => {
    // One object shape for every call (no conditional spreads): `authorize` reads an absent and an undefined `uuid`
    // or `clockSkew` alike.
    const decision = authorize(verified, {
      uuid: options.uuid,
      resource: options.resource,
      permission: options.permission,
      now,
      clockSkew: options.clockSkew,
      revoked,
    });
    // Field by field rather than a spread (this runs on every check), in the spread's key order.
    return decision.match === undefined
      ? { allowed: decision.allowed, reason: decision.reason, message: decision.message, token: verified }
      : { allowed: decision.allowed, reason: decision.reason, message: decision.message, match: decision.match, token: verified };
  };
  // Expired is denied whatever the denylist says: spare the store the lookup, and the 503 when it is down.
  if (options.revocations === undefined || now >= verified.expiresAt) return finish(false);
  let revoked: MaybePromise<boolean>;
  try {
    revoked = options.revocations.isRevoked(verified.id);
  } catch (cause) {
    throw storeUnavailable(cause);
  }
  if (isPromise(revoked)) {
    return revoked.then(finish, (cause: unknown) => {
      throw storeUnavailable(cause);
    });
  }
  return finish(revoked);
}

/** Fail closed: an unreachable denylist must not let a revoked token through. */
function storeUnavailable(cause: unknown): StoreUnavailableError {
  if (isGrantkitError(cause) && cause.code === 'ERR_STORE_UNAVAILABLE') return cause as StoreUnavailableError;
  return new StoreUnavailableError('revocation store is unavailable; denying', { cause });
}
