/**
 * The error `AccessManager` throws: a `GrantkitError` (so `isGrantkitError` and `error.code` work as everywhere)
 * shaped like the official SDK's `PubNubError` (`error.status.statusCode`, `error.status.errorData` holding PubNub's
 * error body) so migrated error handling keeps working. Local and remote modes throw the same thing for the same
 * mistake: local errors are written, and remote answers read, through core's one code ↔ body table.
 *
 * @module
 */
import {
  errorResponseBody, GrantkitError, isGrantkitError, readErrorResponseBody, type GrantkitErrorCode, type PubNubErrorBody,
} from '@grantkit/core';

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
export class AccessManagerError extends GrantkitError {
  override name = 'AccessManagerError';
  /** HTTP status (0: no answer). Same as `status.statusCode`. */
  readonly statusCode: number;
  /** The official SDK's error status shape. */
  readonly status: AccessManagerErrorStatus;
  /** Whether trying again may succeed (network failures, 503). */
  readonly retryable: boolean;

  constructor(
    message: string,
    init: {
      code: GrantkitErrorCode; statusCode: number; operation: AccessManagerOperation; errorData?: unknown; field?: string; cause?: unknown;
    },
  ) {
    super(init.code, message, {
      ...(init.field === undefined ? {} : { field: init.field }),
      ...(init.cause === undefined ? {} : { cause: init.cause }),
    });
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
    ...(error.field === undefined ? {} : { field: error.field }),
  });
}

/**
 * Builds the error for a non-2xx answer from a PubNub-compatible service, read through core's code ↔ body table.
 *
 * @internal
 */
export function fromResponse(statusCode: number, body: unknown, operation: AccessManagerOperation): AccessManagerError {
  const { code, message } = readErrorResponseBody(statusCode, body);
  return new AccessManagerError(message, { code, statusCode, operation, ...(body === undefined ? {} : { errorData: body }) });
}
