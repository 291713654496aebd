/**
 * `AccessManager`: the server SDK. The official SDKs' verbs (`grantToken`, `revokeToken`, `parseToken`) plus
 * `verifyToken` and `authorize`, in two modes behind one API:
 *
 * - **local** (no `origin`): mints and verifies with its own secret through `node:crypto`, synchronously; revocations
 *   go to the store you pass (SQLite, Redis, memory).
 * - **remote** (`origin` set): calls a PubNub-compatible REST endpoint (a grantkit service, or PubNub itself) with
 *   signature v2, as the official SDKs do. `authorize` then asks a grantkit service's authorize endpoint, which
 *   consults the service's shared revocation list.
 *
 * @module
 */
import {
  checkToken, grantToRequestBody, importSecretKeys, KeyInvalidError, mintToken, normalizeGrant, parseToken as parse,
  revokeToken, verifyToken as verify, type Clock, type GrantInput, type MaybePromise, type ParsedToken,
  type RevocationStore, type TokenCheckResult, type ValidationMode, type VerifiedToken, type VerifyTokenOptions,
} from '@grantkit/core';
import { AccessManagerError, fromLocalError, fromResponse } from './access-manager-error.js';
import type { AccessRequest, Authorizer } from './authorizer.js';
import { nodeCrypto, type NodeHmacKey } from '../crypto.js';
import { GrantTokenRequest, type GrantRunner } from './grant-token-request.js';
import { baseUrlOf, RemoteTransport } from './remote-transport.js';
import { requirePermission, type PermissionGuard, type RequirePermissionOptions } from './middleware.js';

/**
 * Options of {@link AccessManager}, named as the official SDK's configuration.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const local: AccessManagerOptions = { subscribeKey: 'sub-c-1', publishKey: 'pub-c-1', secretKey: process.env.SECRET! };
 * const remote: AccessManagerOptions = { ...local, origin: 'http://127.0.0.1:8080' };
 * ```
 */
export interface AccessManagerOptions {
  subscribeKey: string;
  /** Needed in remote mode (signature v2 covers it). */
  publishKey?: string;
  /**
   * The keyset's secret key: signs tokens (local) or requests (remote). Never leaves this process. Trimmed, as every
   * key grantkit reads (so `process.env.GRANTKIT_SECRET_KEY` with a trailing newline is the same secret).
   */
  secretKey: string;
  /** Previous secret keys still accepted when verifying (rotation); trimmed too. */
  previousSecretKeys?: readonly string[];
  /** The uuid this server identifies as in remote calls. Default `grantkit-server`. */
  userId?: string;
  /** Local mode: where revocations go and are looked up. Without one, `revokeToken` fails with 403 `Feature disabled`. */
  revocations?: RevocationStore;
  /** Remote mode: the Access Manager origin, as the SDK takes it (`'localhost:8080'` with `ssl: false`) or a URL. */
  origin?: string;
  /** Remote mode: https (default) or http, when `origin` has no scheme. */
  ssl?: boolean;
  /** Remote mode: per-request timeout, ms. Default 10,000. */
  requestTimeout?: number;
  /** Remote mode: the fetch implementation. Default the global `fetch`. */
  fetch?: typeof fetch;
  /** Unix seconds. Default `Date.now()`. */
  clock?: Clock;
  /**
   * How grants are validated before minting (local) or sending (remote): `pubnub` (default) accepts what PubNub's
   * service accepts; `strict` adds grantkit's documented rules. A remote service applies its own keyset's mode too.
   */
  validation?: ValidationMode;
}

/**
 * What the official SDK passes to a callback as its first argument: the outcome of the call.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * accessManager.grantToken(parameters, (status: AccessManagerStatus, token) => { if (!status.error) use(token!); });
 * ```
 */
export interface AccessManagerStatus {
  error: boolean;
  /** `PNAcknowledgmentCategory` on success; an error category (`PNBadRequestCategory`...) otherwise. */
  category: string;
  operation: 'PNAccessManagerGrantToken' | 'PNAccessManagerRevokeToken';
  /** HTTP status (local mode: what the service would answer); 0 when no answer came. */
  statusCode: number;
  /** On failure: PubNub's error body, as the official SDK reports it. */
  errorData?: unknown;
}

/**
 * The official SDK's callback style: `(status, result)`, with `result` `null` on failure.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const callback: AccessManagerCallback<string> = (status, token) => console.log(status.statusCode, token);
 * ```
 */
export type AccessManagerCallback<T> = (status: AccessManagerStatus, result: T | null) => void;

/**
 * What {@link AccessManager.parseToken} returns on Node: `@grantkit/core`'s `ParsedToken` with the signature as a
 * `Buffer`, exactly as the official SDK's `parseToken` returns it on Node.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const parsed: NodeParsedToken = accessManager.parseToken(token);
 * parsed.signature.toString('hex');
 * ```
 */
export interface NodeParsedToken extends Omit<ParsedToken, 'signature'> {
  signature: Buffer;
}

/**
 * What `revokeToken` resolves to: an empty object, as the official SDK.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const result: RevokeTokenResult = await accessManager.revokeToken(token); // {}
 * ```
 */
export type RevokeTokenResult = Record<string, never>;

/**
 * The server SDK.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * import { Channel } from '@grantkit/core';
 * import { AccessManager, SqliteRevocationStore } from '@grantkit/node';
 *
 * const accessManager = new AccessManager({
 *   subscribeKey: 'sub-c-1', publishKey: 'pub-c-1', secretKey: process.env.GRANTKIT_SECRET_KEY!,
 *   revocations: new SqliteRevocationStore({ dataDir: './.grantkit-data' }),
 * });
 * const { token } = await accessManager.grantToken().ttl(15).authorizedUuid('alice')
 *   .channels([Channel.id('room-1').read().write()]);
 * const same = await accessManager.grantToken({ ttl: 15, authorized_uuid: 'alice', resources: { channels: { 'room-1': { read: true, write: true } } } });
 * (await accessManager.authorize(token, { uuid: 'alice', resource: { channel: 'room-1' }, permission: 'write' })).allowed; // true
 * await accessManager.revokeToken(token);
 * ```
 */
export class AccessManager implements Authorizer {
  /** `local` mints and verifies in-process; `remote` calls an Access Manager REST endpoint. */
  readonly mode: 'local' | 'remote';
  /** The subscribe key of this keyset. */
  readonly subscribeKey: string;
  readonly #keys: readonly NodeHmacKey[];
  readonly #revocations: RevocationStore | undefined;
  readonly #clock: Clock;
  readonly #remote: RemoteTransport | undefined;
  readonly #runner: GrantRunner;
  readonly #validation: ValidationMode;
  #token: string | undefined;

  /**
   * @param options - Keys, and either a revocation store (local) or an origin (remote).
   * @throws `KeyInvalidError` `ERR_KEY_INVALID` for an empty secret, or a remote origin without `publishKey`.
   */
  constructor(options: AccessManagerOptions) {
    // Keys are trimmed, as everywhere grantkit reads them (GRANTKIT_* variables, bindings, config files).
    const subscribeKey = typeof options?.subscribeKey === 'string' ? options.subscribeKey.trim() : '';
    if (subscribeKey === '') throw new KeyInvalidError('subscribeKey is required', { field: 'subscribeKey' });
    this.subscribeKey = subscribeKey;
    this.#keys = importSecretKeys(options, nodeCrypto);
    this.#revocations = options.revocations;
    this.#clock = options.clock ?? (() => Math.floor(Date.now() / 1000));
    this.#validation = options.validation ?? 'pubnub';
    if (options.origin !== undefined) {
      const publishKey = typeof options.publishKey === 'string' ? options.publishKey.trim() : '';
      if (publishKey === '') {
        throw new KeyInvalidError('publishKey is required in remote mode (signature v2 covers it)', { field: 'publishKey' });
      }
      this.mode = 'remote';
      this.#remote = new RemoteTransport({
        baseUrl: baseUrlOf(options.origin, options.ssl),
        subscribeKey,
        publishKey,
        key: this.#keys[0]!,
        userId: options.userId ?? 'grantkit-server',
        fetch: options.fetch ?? globalThis.fetch,
        timeoutMs: options.requestTimeout ?? 10_000,
        clock: this.#clock,
      });
    } else {
      this.mode = 'local';
    }
    this.#runner = {
      run: (input) => this.#grant(input),
      runSync: (input) => this.grantTokenSync(input),
    };
  }

  /**
   * Starts a builder chain: `await accessManager.grantToken().ttl(15).channels([...])` resolves to `{ token }`.
   *
   * @returns The builder.
   * @example
   * ```ts
   * const { token } = await accessManager.grantToken().ttl(15).channels([Channel.id('a').read()]);
   * ```
   */
  grantToken(): GrantTokenRequest;
  /**
   * Grants from named arguments (`{ ttl, authorizedUuid, channels: [Channel.id('a').read()] }`) or the official JS
   * SDK's parameters (`{ ttl, authorized_uuid, resources, patterns, meta }`); resolves to the token string, as the
   * JS SDK.
   *
   * @param input - The grant.
   * @returns The token.
   * @throws {@link AccessManagerError} `ERR_GRANT_INVALID` / `ERR_PATTERN_INVALID` / `ERR_LIMIT_EXCEEDED` (400/413),
   *   and in remote mode `ERR_REQUEST_SIGNATURE_INVALID` (403), `ERR_REQUEST_INVALID` (400), `ERR_NETWORK`.
   * @example
   * ```ts
   * const token = await accessManager.grantToken({ ttl: 15, resources: { channels: { a: { read: true } } } });
   * ```
   */
  grantToken(input: GrantInput): Promise<string>;
  /**
   * The official SDK's callback style: calls `callback(status, token)` on success and `callback(status, null)` on
   * failure (where the promise style rejects); resolves once the callback has run.
   *
   * @param input - The grant.
   * @param callback - Called once with the outcome.
   * @returns Resolves after the callback.
   * @example
   * ```ts
   * accessManager.grantToken({ ttl: 15, resources: { channels: { a: { read: true } } } }, (status, token) => {
   *   if (status.error) console.error(status.statusCode, status.errorData);
   *   else send(token);
   * });
   * ```
   */
  grantToken(input: GrantInput, callback: AccessManagerCallback<string>): Promise<void>;
  grantToken(input?: GrantInput, callback?: AccessManagerCallback<string>): GrantTokenRequest | Promise<string> | Promise<void> {
    if (input === undefined) return new GrantTokenRequest(this.#runner);
    if (callback !== undefined) return withCallback(this.#grant(input), 'PNAccessManagerGrantToken', callback);
    return this.#grant(input);
  }

  /**
   * Mints synchronously: the local fast path (no Promise, one HMAC).
   *
   * @param input - The grant, either style.
   * @returns The token.
   * @throws {@link AccessManagerError} as {@link AccessManager.grantToken}; `ERR_REQUEST_INVALID` in remote mode.
   * @example
   * ```ts
   * const token = accessManager.grantTokenSync({ ttl: 15, channels: [Channel.id('a').read()] });
   * ```
   */
  grantTokenSync(input: GrantInput): string {
    this.#requireLocal('grantTokenSync', 'PNAccessManagerGrantToken');
    try {
      return mintToken(input, this.#keys[0]!, { timestamp: this.#clock(), validation: this.#validation });
    } catch (error) {
      throw fromLocalError(error, 'PNAccessManagerGrantToken');
    }
  }

  /**
   * Revokes a token: every later `authorize` (here, and on every node sharing the store) denies it.
   *
   * @param token - The token.
   * @returns `{}`, as the official SDK.
   * @throws {@link AccessManagerError} 400 `ERR_TOKEN_MALFORMED` / `ERR_TOKEN_EXPIRED` / `ERR_TOKEN_SIGNATURE_INVALID`
   *   (`Invalid token`, with the detail), 403 `ERR_FEATURE_DISABLED` without a store, 503 `ERR_STORE_UNAVAILABLE`.
   * @example
   * ```ts
   * await accessManager.revokeToken(token);
   * ```
   */
  revokeToken(token: string): Promise<RevokeTokenResult>;
  /**
   * The official SDK's callback style: `callback(status, {})` on success, `callback(status, null)` on failure.
   *
   * @param token - The token.
   * @param callback - Called once with the outcome.
   * @returns Resolves after the callback.
   * @example
   * ```ts
   * accessManager.revokeToken(token, (status) => { if (status.error) console.error(status.errorData); });
   * ```
   */
  revokeToken(token: string, callback: AccessManagerCallback<RevokeTokenResult>): Promise<void>;
  revokeToken(token: string, callback?: AccessManagerCallback<RevokeTokenResult>): Promise<RevokeTokenResult> | Promise<void> {
    if (callback !== undefined) return withCallback(this.#revoke(token), 'PNAccessManagerRevokeToken', callback);
    return this.#revoke(token);
  }

  async #revoke(token: string): Promise<RevokeTokenResult> {
    if (this.#remote !== undefined) {
      await this.#remote.revoke(token);
      return {};
    }
    try {
      // The same decision the service makes: one implementation of what may be revoked.
      await revokeToken(token, { keys: this.#keys, revocations: this.#revocations, now: this.#clock() });
    } catch (error) {
      throw fromLocalError(error, 'PNAccessManagerRevokeToken');
    }
    return {};
  }

  /**
   * Describes a token exactly as the official SDK's `parseToken` does on Node (no signature check): the same keys in
   * the same order, the signature as a `Buffer`.
   *
   * @param token - The token.
   * @returns The SDK-shaped description.
   * @throws `TokenMalformedError` `ERR_TOKEN_MALFORMED` from `@grantkit/core`.
   * @example
   * ```ts
   * accessManager.parseToken(token).resources?.channels?.['room-1']?.write;
   * ```
   */
  parseToken(token: string): NodeParsedToken {
    const parsed = parse(token);
    // Rebuilt in place of the one key, so the key order stays the SDK's.
    const out = {} as Record<string, unknown>;
    for (const [name, value] of Object.entries(parsed)) {
      out[name] = name === 'signature' ? Buffer.from(parsed.signature) : value;
    }
    return out as unknown as NodeParsedToken;
  }

  /**
   * Holds a token, as the official SDK's `setToken` does (where it then authenticates the SDK's own data-plane
   * calls; this server SDK makes none, so the token is only kept for {@link AccessManager.getToken}).
   *
   * @param token - The token, or `undefined` to forget it.
   * @example
   * ```ts
   * accessManager.setToken(token);
   * accessManager.getToken() === token; // true
   * ```
   */
  setToken(token: string | undefined): void {
    this.#token = token;
  }

  /**
   * The token given to {@link AccessManager.setToken}, or `undefined`, as the official SDK's `getToken`.
   *
   * @returns The token held.
   * @example
   * ```ts
   * if (accessManager.getToken() === undefined) accessManager.setToken(await accessManager.grantToken(grant));
   * ```
   */
  getToken(): string | undefined {
    return this.#token;
  }

  /**
   * Verifies a token's signature (current or previous secrets) and time window, synchronously. Does not consult
   * revocations: use {@link AccessManager.authorize} for access decisions. In remote mode this still verifies locally
   * with the secret, so it recognises tokens minted by a grantkit service of the same keyset.
   *
   * @param token - The token.
   * @param options - Clock, skew, or `ignoreTime`.
   * @returns The verified token (payload, `expiresAt`, `id`, `keyIndex`).
   * @throws `@grantkit/core` errors: `ERR_TOKEN_MALFORMED`, `ERR_TOKEN_SIGNATURE_INVALID`, `ERR_TOKEN_EXPIRED`,
   *   `ERR_TOKEN_NOT_YET_VALID`, `ERR_LIMIT_EXCEEDED`.
   * @example
   * ```ts
   * const { authorizedUuid, expiresAt } = accessManager.verifyToken(token);
   * ```
   */
  verifyToken(token: string, options: VerifyTokenOptions = {}): VerifiedToken {
    return verify(token, this.#keys, { now: this.#clock(), ...options });
  }

  /**
   * Decides whether `token` lets `request.uuid` use `request.permission` on `request.resource` now, revocations
   * included, with `@grantkit/core`'s `checkToken` (locally) or the service's authorize endpoint (remotely), which
   * decide alike. A bad or missing token is a denial (`malformed`, `signature-invalid`, `missing`), not an
   * exception; an expired token is denied as `expired` without a revocation lookup, even while the store is down.
   *
   * @param token - The token the client sent.
   * @param request - uuid, resource, permission.
   * @returns The decision; in local mode with the verified token (`token`) once its signature checked out.
   * @throws {@link AccessManagerError} 503 `ERR_STORE_UNAVAILABLE` when revocations cannot be checked (fail closed);
   *   remote mode: `ERR_NETWORK`, `ERR_REQUEST_INVALID`.
   * @example
   * ```ts
   * const decision = await accessManager.authorize(token, { uuid: 'alice', resource: { channel: 'room-1' }, permission: 'read' });
   * if (!decision.allowed) return response.status(403).json(decision);
   * ```
   */
  async authorize(token: string, request: AccessRequest): Promise<TokenCheckResult> {
    if (this.#remote !== undefined) return this.#authorizeRemote(token, request);
    return this.#authorizeLocal(token, request);
  }

  /**
   * {@link AccessManager.authorize} without a Promise: local mode with a synchronous store (SQLite, memory) or none.
   *
   * @param token - The token the client sent.
   * @param request - uuid, resource, permission.
   * @returns The decision.
   * @throws {@link AccessManagerError} `ERR_STORE_UNAVAILABLE` (fail closed); `ERR_REQUEST_INVALID` in remote mode
   *   or when the store answered asynchronously (use `authorize`).
   * @example
   * ```ts
   * if (!accessManager.authorizeSync(token, { uuid, resource: { channel }, permission: 'write' }).allowed) deny();
   * ```
   */
  authorizeSync(token: string, request: AccessRequest): TokenCheckResult {
    this.#requireLocal('authorizeSync', 'GrantkitAuthorize');
    const decision = this.#authorizeLocal(token, request);
    if (isThenable(decision)) {
      Promise.resolve(decision).catch(() => undefined);
      throw new AccessManagerError('authorizeSync needs a synchronous revocation store; use authorize()', {
        code: 'ERR_REQUEST_INVALID', statusCode: 400, operation: 'GrantkitAuthorize',
      });
    }
    return decision;
  }

  #authorizeLocal(token: string, request: AccessRequest): MaybePromise<TokenCheckResult> {
    let result: MaybePromise<TokenCheckResult>;
    try {
      result = checkToken(token, { ...request, keys: this.#keys, revocations: this.#revocations, now: request.now ?? this.#clock() });
    } catch (error) {
      throw fromLocalError(error, 'GrantkitAuthorize');
    }
    if (isThenable(result)) {
      return result.catch((error: unknown) => {
        throw fromLocalError(error, 'GrantkitAuthorize');
      });
    }
    return result;
  }

  /**
   * A route guard for Express, Fastify or `node:http` deciding with this access manager; see `requirePermission`.
   *
   * @param options - Permission and exactly one resource resolver (and optionally uuid and token readers).
   * @returns The guard.
   * @example
   * ```ts
   * app.post('/rooms/:channel', accessManager.requirePermission({ channel: (request) => request.params.channel, permission: 'write' }), send);
   * ```
   */
  requirePermission<R = any>(options: Omit<RequirePermissionOptions<R>, 'accessManager'>): PermissionGuard {
    return requirePermission<R>({ ...options, accessManager: this });
  }

  async #authorizeRemote(token: string, request: AccessRequest): Promise<TokenCheckResult> {
    const [kind, name] = Object.entries(request.resource ?? {})[0] ?? [];
    const parameter = kind === 'uuid' ? 'target-uuid' : kind;
    if (parameter === undefined || typeof name !== 'string') {
      throw new AccessManagerError('Invalid request', { code: 'ERR_REQUEST_INVALID', statusCode: 400, operation: 'GrantkitAuthorize' });
    }
    const { status, json } = await this.#remote!.authorize({
      token,
      permission: request.permission,
      [parameter]: name,
      ...(request.uuid === undefined ? {} : { uuid: request.uuid }),
    });
    const answer = json as Partial<TokenCheckResult> | undefined;
    if ((status === 200 || status === 403) && typeof answer?.allowed === 'boolean' && typeof answer.reason === 'string') {
      return {
        allowed: answer.allowed,
        reason: answer.reason,
        message: String(answer.message ?? ''),
        ...(answer.match === undefined ? {} : { match: answer.match }),
      };
    }
    throw fromResponse(status, json, 'GrantkitAuthorize');
  }

  async #grant(input: GrantInput): Promise<string> {
    if (this.#remote === undefined) return this.grantTokenSync(input);
    let body: string;
    try {
      // Validate before sending, so a bad grant fails the same way (and as fast) in both modes.
      body = grantToRequestBody(normalizeGrant(input, { validation: this.#validation }));
    } catch (error) {
      throw fromLocalError(error, 'PNAccessManagerGrantToken');
    }
    return this.#remote.grant(body);
  }

  #requireLocal(method: string, operation: 'PNAccessManagerGrantToken' | 'GrantkitAuthorize'): void {
    if (this.mode === 'remote') {
      throw new AccessManagerError(`${method} is local-mode only; await the asynchronous method in remote mode`, {
        code: 'ERR_REQUEST_INVALID', statusCode: 400, operation,
      });
    }
  }
}

const SUCCESS_STATUS = { error: false, category: 'PNAcknowledgmentCategory', statusCode: 200 } as const;

/** Runs `work` and reports it to `callback` as the official SDK does: `(status, result)` or `(errorStatus, null)`. */
async function withCallback<T>(
  work: Promise<T>,
  operation: AccessManagerStatus['operation'],
  callback: AccessManagerCallback<T>,
): Promise<void> {
  let result: T;
  try {
    result = await work;
  } catch (error) {
    if (!(error instanceof AccessManagerError)) throw error;
    const { category, statusCode, errorData } = error.status;
    callback({ error: true, category, operation, statusCode, ...(errorData === undefined ? {} : { errorData }) }, null);
    return;
  }
  callback({ error: SUCCESS_STATUS.error, operation, category: SUCCESS_STATUS.category, statusCode: SUCCESS_STATUS.statusCode }, result);
}

function isThenable<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
