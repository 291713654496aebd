/**
 * The error `AccessManager` throws, shaped like the official SDK's `PubNubError` (`error.status.statusCode`,
 * `error.status.errorData` holding PubNub's error body) so migrated error handling keeps working, plus a grantkit
 * `code` to switch on. Local and remote modes throw the same thing for the same mistake.
 *
 * @module
 */
import { errorResponseBody, isGrantkitError, type GrantkitErrorCode } from '@grantkit/core';
import { errorBody, type PubNubErrorBody } from '../service/error-body.js';

/**
 * Codes of {@link AccessManagerError}: grantkit's, plus `ERR_NETWORK` (no answer; retryable),
 * `ERR_FEATURE_DISABLED` (revocation is off: no store configured) and `ERR_RESPONSE_INVALID` (an answer grantkit
 * cannot map).
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * if (error.code === 'ERR_NETWORK') retryLater();
 * ```
 */
export type AccessManagerErrorCode = GrantkitErrorCode | 'ERR_NETWORK' | 'ERR_RESPONSE_INVALID' | 'ERR_FEATURE_DISABLED';

/**
 * The operations, named as the official SDK names them in `status.operation`.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const operation: AccessManagerOperation = 'PNAccessManagerGrantToken';
 * ```
 */
export type AccessManagerOperation = 'PNAccessManagerGrantToken' | 'PNAccessManagerRevokeToken' | 'GrantkitAuthorize';

/**
 * The SDK-shaped `status` of an {@link AccessManagerError}.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const { statusCode, errorData } = error.status;
 * ```
 */
export interface AccessManagerErrorStatus {
  error: true;
  /** `PNBadRequestCategory`, `PNAccessDeniedCategory`, `PNServerErrorCategory`, `PNNetworkIssuesCategory`... */
  category: string;
  operation: AccessManagerOperation;
  /** HTTP status; 0 when no answer came back. */
  statusCode: number;
  /** PubNub's error body (`{ status, error: { message, source, details }, service }`) when there is one. */
  errorData?: PubNubErrorBody | unknown;
}

const CATEGORY_BY_STATUS: Record<number, string> = {
  400: 'PNBadRequestCategory',
  403: 'PNAccessDeniedCategory',
  413: 'PNBadRequestCategory',
};

/**
 * A failed Access Manager call, in either mode.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * try { await accessManager.grantToken({ ttl: 0, resources: { channels: { a: { read: true } } } }) }
 * catch (error) {
 *   if (error instanceof AccessManagerError) {
 *     error.code;               // 'ERR_GRANT_INVALID'
 *     error.status.statusCode;  // 400
 *     error.details[0]?.message // 'Range should be 1 to 43200 minute(s).'
 *   }
 * }
 * ```
 */
export class AccessManagerError extends Error {
  /** What failed, to switch on. */
  readonly code: AccessManagerErrorCode;
  /** HTTP status (0: no answer). Same as `status.statusCode`. */
  readonly statusCode: number;
  /** The official SDK's error status shape. */
  readonly status: AccessManagerErrorStatus;
  /** Whether trying again may succeed (network failures, 503). */
  readonly retryable: boolean;

  constructor(
    message: string,
    init: { code: AccessManagerErrorCode; statusCode: number; operation: AccessManagerOperation; errorData?: unknown; cause?: unknown },
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'AccessManagerError';
    this.code = init.code;
    this.statusCode = init.statusCode;
    this.retryable = init.statusCode === 0 || init.statusCode === 503 || init.statusCode === 429;
    this.status = {
      error: true,
      category: init.statusCode === 0
        ? 'PNNetworkIssuesCategory'
        : (CATEGORY_BY_STATUS[init.statusCode] ?? (init.statusCode >= 500 ? 'PNServerErrorCategory' : 'PNUnknownCategory')),
      operation: init.operation,
      statusCode: init.statusCode,
      ...(init.errorData === undefined ? {} : { errorData: init.errorData }),
    };
  }

  /** PubNub's error details (`[{ message, location, locationType }]`), empty when there are none. */
  get details(): Array<{ message: string; location: string; locationType: string }> {
    const data = this.status.errorData as Partial<PubNubErrorBody> | undefined;
    return Array.isArray(data?.error?.details) ? data.error.details : [];
  }
}

/**
 * Converts a grantkit error raised locally into the error the service would have answered with.
 * Non-grantkit errors (bugs) are returned unchanged.
 *
 * @internal
 */
export function fromLocalError(error: unknown, operation: AccessManagerOperation): unknown {
  if (!isGrantkitError(error)) return error;
  const source = operation === 'PNAccessManagerRevokeToken' ? 'revoke' : operation === 'PNAccessManagerGrantToken' ? 'grant' : 'authorize';
  // The same mapping the service answers with, so local and remote mode report one error the same way.
  const body = errorResponseBody(error, source);
  return new AccessManagerError(body.error.message, {
    code: error.code, statusCode: body.status, operation, errorData: body, cause: error,
  });
}

const CODE_BY_TITLE: Array<[RegExp, AccessManagerErrorCode]> = [
  [/^Invalid RegExp/i, 'ERR_PATTERN_INVALID'],
  [/^Invalid (ttl|permissions|meta|authorized uuid|resource name)|contains no permissions/i, 'ERR_GRANT_INVALID'],
  [/^Invalid timestamp/i, 'ERR_REQUEST_INVALID'],
  [/^Signature/i, 'ERR_REQUEST_SIGNATURE_INVALID'],
  [/^Invalid token/i, 'ERR_TOKEN_MALFORMED'],
  [/^Feature disabled/i, 'ERR_FEATURE_DISABLED'],
];

/**
 * Builds the error for a non-2xx answer from a PubNub-compatible service.
 *
 * @internal
 */
export function fromResponse(statusCode: number, body: unknown, operation: AccessManagerOperation): AccessManagerError {
  const title = typeof (body as PubNubErrorBody | undefined)?.error?.message === 'string'
    ? (body as PubNubErrorBody).error.message
    : typeof (body as { message?: unknown } | undefined)?.message === 'string'
      ? (body as { message: string }).message
      : `HTTP ${statusCode}`;
  let code: AccessManagerErrorCode = 'ERR_RESPONSE_INVALID';
  if (statusCode === 413) code = 'ERR_LIMIT_EXCEEDED';
  else if (statusCode === 503) code = 'ERR_STORE_UNAVAILABLE';
  else {
    for (const [pattern, candidate] of CODE_BY_TITLE) {
      if (pattern.test(title)) {
        code = candidate;
        break;
      }
    }
    if (code === 'ERR_TOKEN_MALFORMED') {
      const detail = (body as PubNubErrorBody).error.details?.[0]?.message ?? '';
      if (/expired/i.test(detail)) code = 'ERR_TOKEN_EXPIRED';
      else if (/keyset/i.test(detail)) code = 'ERR_TOKEN_SIGNATURE_INVALID';
    }
    if (code === 'ERR_RESPONSE_INVALID' && statusCode === 400) code = 'ERR_REQUEST_INVALID';
  }
  return new AccessManagerError(title, { code, statusCode, operation, ...(body === undefined ? {} : { errorData: body }) });
}
