/**
 * Typed errors. Every failure grantkit reports carries a stable `code`; switch on it, never on messages.
 * Messages name the field that failed and never contain a token, a secret or a signature input.
 *
 * @module
 */

/**
 * Every stable error code grantkit throws, in every package: core's own, plus `ERR_CONFIG_INVALID` (a bad setting of
 * the Node service or a route guard), `ERR_NETWORK` (a remote call got no answer), `ERR_RESPONSE_INVALID` (an answer
 * grantkit cannot read) and `ERR_TOKEN_REFRESH_FAILED` (the browser client could not obtain a token).
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * import { isGrantkitError } from '@grantkit/core';
 * try { parseToken(input) } catch (error) {
 *   if (isGrantkitError(error) && error.code === 'ERR_TOKEN_MALFORMED') console.warn(error.field);
 * }
 * ```
 */
export type GrantkitErrorCode =
  | 'ERR_TOKEN_MALFORMED'
  | 'ERR_TOKEN_SIGNATURE_INVALID'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_NOT_YET_VALID'
  | 'ERR_TOKEN_REVOKED'
  | 'ERR_GRANT_INVALID'
  | 'ERR_PATTERN_INVALID'
  | 'ERR_LIMIT_EXCEEDED'
  | 'ERR_REQUEST_SIGNATURE_INVALID'
  | 'ERR_REQUEST_INVALID'
  | 'ERR_KEY_INVALID'
  | 'ERR_FEATURE_DISABLED'
  | 'ERR_STORE_UNAVAILABLE'
  | 'ERR_CONFIG_INVALID'
  | 'ERR_NETWORK'
  | 'ERR_RESPONSE_INVALID'
  | 'ERR_TOKEN_REFRESH_FAILED';

const MARKER = Symbol.for('grantkit.error');

/**
 * Options shared by every grantkit error constructor.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * new TokenMalformedError('token field t is missing', { field: 'token.t' });
 * ```
 */
export interface GrantkitErrorOptions {
  /** Dotted path of the input field that failed, e.g. `ttl` or `resources.channels.room-1`. */
  field?: string;
  /** The underlying error (from re2js, a store client, a JSON parser...). */
  cause?: unknown;
}

/**
 * Base class of every grantkit error, in every package (`@grantkit/node`'s `AccessManagerError` and
 * `@grantkit/client`'s `TokenRefreshError` extend it too).
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * if (error instanceof GrantkitError) console.log(error.code, error.field);
 * ```
 */
export class GrantkitError extends Error {
  /** The code of this class; the same value as the instance's `code`. */
  static code: GrantkitErrorCode = 'ERR_REQUEST_INVALID';
  /** Stable, machine-readable identity of the failure. */
  readonly code: GrantkitErrorCode;
  /** Dotted path of the input field that failed, when one did. */
  readonly field: string | undefined;
  /** Marks grantkit errors across duplicate installs; see `isGrantkitError`. */
  readonly [MARKER] = true;

  constructor(code: GrantkitErrorCode, message: string, options: GrantkitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    // Names are spelled out in every class: bundlers minify class names, and error names appear in logs.
    this.name = 'GrantkitError';
    this.code = code;
    this.field = options.field;
  }
}

/**
 * A token could not be decoded: bad base64url, bad or unsupported CBOR, missing or mistyped fields.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * expect(() => parseToken('garbage')).toThrow(TokenMalformedError);
 * ```
 */
export class TokenMalformedError extends GrantkitError {
  static override code = 'ERR_TOKEN_MALFORMED' as const;
  declare readonly code: 'ERR_TOKEN_MALFORMED';
  override name = 'TokenMalformedError';
  constructor(message: string, options?: GrantkitErrorOptions) {
    super('ERR_TOKEN_MALFORMED', message, options);
  }
}

/**
 * A token's signature does not match any of the configured secret keys.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * if (error instanceof TokenSignatureInvalidError) return forbidden();
 * ```
 */
export class TokenSignatureInvalidError extends GrantkitError {
  static override code = 'ERR_TOKEN_SIGNATURE_INVALID' as const;
  declare readonly code: 'ERR_TOKEN_SIGNATURE_INVALID';
  override name = 'TokenSignatureInvalidError';
  constructor(message = 'Token signature does not match', options?: GrantkitErrorOptions) {
    super('ERR_TOKEN_SIGNATURE_INVALID', message, options);
  }
}

/**
 * A token is past its expiry (`t + ttl * 60`).
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * if (error instanceof TokenExpiredError) await refreshToken();
 * ```
 */
export class TokenExpiredError extends GrantkitError {
  static override code = 'ERR_TOKEN_EXPIRED' as const;
  declare readonly code: 'ERR_TOKEN_EXPIRED';
  override name = 'TokenExpiredError';
  constructor(message = 'Token is expired.', options?: GrantkitErrorOptions) {
    super('ERR_TOKEN_EXPIRED', message, options);
  }
}

/**
 * A token's issue time lies in the future beyond the allowed clock skew.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * if (error instanceof TokenNotYetValidError) console.warn('clock skew between issuer and verifier');
 * ```
 */
export class TokenNotYetValidError extends GrantkitError {
  static override code = 'ERR_TOKEN_NOT_YET_VALID' as const;
  declare readonly code: 'ERR_TOKEN_NOT_YET_VALID';
  override name = 'TokenNotYetValidError';
  constructor(message = 'Token is not yet valid.', options?: GrantkitErrorOptions) {
    super('ERR_TOKEN_NOT_YET_VALID', message, options);
  }
}

/**
 * A token was revoked.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * throw new TokenRevokedError();
 * ```
 */
export class TokenRevokedError extends GrantkitError {
  static override code = 'ERR_TOKEN_REVOKED' as const;
  declare readonly code: 'ERR_TOKEN_REVOKED';
  override name = 'TokenRevokedError';
  constructor(message = 'Token is revoked', options?: GrantkitErrorOptions) {
    super('ERR_TOKEN_REVOKED', message, options);
  }
}

/**
 * A grant request is invalid: ttl out of range, non-scalar meta, no permissions, a permission the resource type does
 * not have. `title` is PubNub's short message (`Invalid ttl`), `message` the detail naming the field.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * try { normalizeGrant({ ttl: 0, channels: [Channel.id('a').read()] }) }
 * catch (error) { if (error instanceof GrantInvalidError) console.log(error.field) } // 'ttl'
 * ```
 */
export class GrantInvalidError extends GrantkitError {
  static override code = 'ERR_GRANT_INVALID' as const;
  declare readonly code: 'ERR_GRANT_INVALID';
  override name = 'GrantInvalidError';
  /** PubNub's short error message for this failure, e.g. `Invalid ttl` or `Invalid permissions`. */
  readonly title: string;
  /** The detail, as PubNub puts it in `error.details[0].message`, e.g. `Range should be 1 to 43200 minute(s).` */
  readonly detail: string;
  constructor(title: string, detail: string, options?: GrantkitErrorOptions) {
    super('ERR_GRANT_INVALID', `${title}${options?.field ? ` (${options.field})` : ''}: ${detail}`, options);
    this.title = title;
    this.detail = detail;
  }
}

/**
 * A RegEx pattern is not valid RE2 syntax, uses a capturing group, or exceeds the pattern cost cap.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * expect(() => compilePattern('(a)')).toThrow(PatternInvalidError);
 * ```
 */
export class PatternInvalidError extends GrantkitError {
  static override code = 'ERR_PATTERN_INVALID' as const;
  declare readonly code: 'ERR_PATTERN_INVALID';
  override name = 'PatternInvalidError';
  constructor(message: string, options?: GrantkitErrorOptions) {
    super('ERR_PATTERN_INVALID', message, options);
  }
}

/**
 * An input exceeds one of grantkit's documented caps (token length, entries, name length, body size).
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * if (error instanceof LimitExceededError) return new Response(null, { status: 413 });
 * ```
 */
export class LimitExceededError extends GrantkitError {
  static override code = 'ERR_LIMIT_EXCEEDED' as const;
  declare readonly code: 'ERR_LIMIT_EXCEEDED';
  override name = 'LimitExceededError';
  constructor(message: string, options?: GrantkitErrorOptions) {
    super('ERR_LIMIT_EXCEEDED', message, options);
  }
}

/**
 * A signed REST request (signature v2) has a missing or wrong signature, or a timestamp outside the allowed window.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * if (error instanceof RequestSignatureInvalidError) return forbidden();
 * ```
 */
export class RequestSignatureInvalidError extends GrantkitError {
  static override code = 'ERR_REQUEST_SIGNATURE_INVALID' as const;
  declare readonly code: 'ERR_REQUEST_SIGNATURE_INVALID';
  override name = 'RequestSignatureInvalidError';
  constructor(message = 'Signature does not match', options?: GrantkitErrorOptions) {
    super('ERR_REQUEST_SIGNATURE_INVALID', message, options);
  }
}

/**
 * A REST request is malformed (bad JSON, missing parameter, unknown keyset...).
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * throw new RequestInvalidError('Invalid JSON', { field: 'body' });
 * ```
 */
export class RequestInvalidError extends GrantkitError {
  static override code = 'ERR_REQUEST_INVALID' as const;
  declare readonly code: 'ERR_REQUEST_INVALID';
  override name = 'RequestInvalidError';
  constructor(message: string, options?: GrantkitErrorOptions) {
    super('ERR_REQUEST_INVALID', message, options);
  }
}

/**
 * A key is unusable: an empty secret, or a secret key handed to a component that must never hold one.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * throw new KeyInvalidError('secretKey must not be empty', { field: 'secretKey' });
 * ```
 */
export class KeyInvalidError extends GrantkitError {
  static override code = 'ERR_KEY_INVALID' as const;
  declare readonly code: 'ERR_KEY_INVALID';
  override name = 'KeyInvalidError';
  constructor(message: string, options?: GrantkitErrorOptions) {
    super('ERR_KEY_INVALID', message, options);
  }
}

/**
 * A feature is not enabled for the keyset: revoking without a revocation store (PubNub: 403 `Feature disabled`).
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * if (error instanceof FeatureDisabledError) console.warn('configure a revocation store');
 * ```
 */
export class FeatureDisabledError extends GrantkitError {
  static override code = 'ERR_FEATURE_DISABLED' as const;
  declare readonly code: 'ERR_FEATURE_DISABLED';
  override name = 'FeatureDisabledError';
  constructor(message = 'Token revocation is disabled.', options?: GrantkitErrorOptions) {
    super('ERR_FEATURE_DISABLED', message, options);
  }
}

/**
 * A revocation store could not be reached. Authorization fails closed with this error; grants keep working.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * throw new StoreUnavailableError('redis: connection refused', { cause });
 * ```
 */
export class StoreUnavailableError extends GrantkitError {
  static override code = 'ERR_STORE_UNAVAILABLE' as const;
  declare readonly code: 'ERR_STORE_UNAVAILABLE';
  override name = 'StoreUnavailableError';
  constructor(message: string, options?: GrantkitErrorOptions) {
    super('ERR_STORE_UNAVAILABLE', message, options);
  }
}

/**
 * A setting is unusable: a bad flag or config file of the Node service, a route guard given the wrong options, or a
 * server whose keyset configuration cannot be loaded (the REST handler answers that with a generic 500).
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * throw new ConfigInvalidError('port must be an integer from 0 to 65535', { field: 'port' });
 * ```
 */
export class ConfigInvalidError extends GrantkitError {
  static override code = 'ERR_CONFIG_INVALID' as const;
  declare readonly code: 'ERR_CONFIG_INVALID';
  override name = 'ConfigInvalidError';
  constructor(message: string, options?: GrantkitErrorOptions) {
    super('ERR_CONFIG_INVALID', message, options);
  }
}

/**
 * Union of the error classes `@grantkit/core` throws; `switch (error.code)` narrows it. Errors of the other packages
 * (`AccessManagerError`, `TokenRefreshError`) are `GrantkitError`s outside this union: an
 * `AccessManagerError` may carry `ERR_GRANT_INVALID` without being a `GrantInvalidError`.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * function status(error: AnyGrantkitError) {
 *   switch (error.code) { case 'ERR_GRANT_INVALID': return error.title; default: return error.message; }
 * }
 * ```
 */
export type AnyGrantkitError =
  | TokenMalformedError
  | TokenSignatureInvalidError
  | TokenExpiredError
  | TokenNotYetValidError
  | TokenRevokedError
  | GrantInvalidError
  | PatternInvalidError
  | LimitExceededError
  | RequestSignatureInvalidError
  | RequestInvalidError
  | KeyInvalidError
  | FeatureDisabledError
  | StoreUnavailableError
  | ConfigInvalidError;

/**
 * HTTP status for each error code, as PubNub's Access Manager answers: 400 bad input, 403 signature or token refused,
 * 413 too large, 503 store (or, behind a proxy, the upstream service) unavailable; 500 for a server misconfiguration
 * and 502 for an upstream answer that cannot be read.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const status = HTTP_STATUS_BY_CODE[error.code]; // 400 | 403 | 413 | 500 | 502 | 503
 * ```
 */
export const HTTP_STATUS_BY_CODE: Readonly<Record<GrantkitErrorCode, 400 | 403 | 413 | 500 | 502 | 503>> = /* @__PURE__ */ Object.freeze({
  ERR_TOKEN_MALFORMED: 400,
  ERR_TOKEN_SIGNATURE_INVALID: 403,
  ERR_TOKEN_EXPIRED: 403,
  ERR_TOKEN_NOT_YET_VALID: 403,
  ERR_TOKEN_REVOKED: 403,
  ERR_GRANT_INVALID: 400,
  ERR_PATTERN_INVALID: 400,
  ERR_LIMIT_EXCEEDED: 413,
  ERR_REQUEST_SIGNATURE_INVALID: 403,
  ERR_REQUEST_INVALID: 400,
  ERR_KEY_INVALID: 400,
  ERR_FEATURE_DISABLED: 403,
  ERR_STORE_UNAVAILABLE: 503,
  ERR_CONFIG_INVALID: 500,
  ERR_NETWORK: 503,
  ERR_RESPONSE_INVALID: 502,
  ERR_TOKEN_REFRESH_FAILED: 503,
});

/**
 * True for any grantkit error from any grantkit package, even one thrown by a second copy of the package (it checks
 * a `Symbol.for` marker, not `instanceof`).
 *
 * Exported from `@grantkit/core`.
 *
 * @param error - Anything caught.
 * @returns Whether `error` is a {@link GrantkitError}; switch on its `code`.
 * @example
 * ```ts
 * catch (error) { if (isGrantkitError(error)) log(error.code) }
 * ```
 */
export function isGrantkitError(error: unknown): error is GrantkitError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
}
