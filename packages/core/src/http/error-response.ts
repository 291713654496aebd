/**
 * How errors become PubNub-shaped responses: one mapping, used by the REST handler and by anything that must
 * report the same error the same way (the Node SDK's local mode, for one).
 *
 * @module
 */
import {
  HTTP_STATUS_BY_CODE, isGrantkitError, type AnyGrantkitError, type GrantInvalidError,
} from '../errors.js';

/**
 * PubNub's error body for grant and revoke calls.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const body: PubNubErrorBody = {
 *   status: 400, service: 'Access Manager',
 *   error: { message: 'Invalid ttl', source: 'grant', details: [{ message: 'Range should be 1 to 43200 minute(s).', location: 'ttl', locationType: 'body' }] },
 * };
 * ```
 */
export interface PubNubErrorBody {
  status: number;
  error: {
    message: string;
    source: string;
    details: Array<{ message: string; location: string; locationType: string }>;
  };
  service: 'Access Manager';
}

/** A PubNub-shaped error ready to send. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly location: string,
    readonly locationType: string,
    readonly outcome: string,
  ) {
    super(title);
  }

  /** The PubNub-shaped body; `source` is the operation (`grant`, `revoke`, `authorize`). */
  body(source: string): PubNubErrorBody {
    return {
      error: { message: this.title, source, details: [{ message: this.detail, location: this.location, locationType: this.locationType }] },
      service: 'Access Manager',
      status: this.status,
    };
  }
}


/** The HTTP error for anything thrown while serving a request; unknown errors become a 500 that says nothing. @internal */
export function toHttpError(error: unknown, source = ''): HttpError {
  if (error instanceof HttpError) return error;
  if (!isGrantkitError(error)) {
    // Not bad input: a bug or a broken dependency. Say nothing specific.
    return new HttpError(500, 'Internal Server Error', 'The request could not be processed.', 'server', 'server', 'internal');
  }
  const known = error as AnyGrantkitError;
  const status = HTTP_STATUS_BY_CODE[known.code];
  const field = known.field ?? 'body';
  // Revoking a token that cannot be revoked is a bad request naming the token, as PubNub answers it.
  const revokeDetail = source === 'revoke' ? REVOKE_DETAILS[known.code] : undefined;
  if (revokeDetail !== undefined) return new HttpError(400, 'Invalid token', revokeDetail, 'token', 'path', known.code);
  switch (known.code) {
    case 'ERR_FEATURE_DISABLED':
      return new HttpError(status, 'Feature disabled', known.message, 'subscribe-key', 'path', known.code);
    case 'ERR_GRANT_INVALID':
      return new HttpError(status, (known as GrantInvalidError).title, (known as GrantInvalidError).detail, bodyLocation(field), 'body', known.code);
    case 'ERR_PATTERN_INVALID':
      return new HttpError(status, 'Invalid RegExp', known.message, bodyLocation(field), 'body', known.code);
    case 'ERR_LIMIT_EXCEEDED':
      return new HttpError(status, 'Request Entity Too Large', known.message, field === 'body' ? 'body' : bodyLocation(field), 'body', known.code);
    case 'ERR_REQUEST_SIGNATURE_INVALID':
      return new HttpError(status, 'Signature does not match', known.message, field, 'query', known.code);
    case 'ERR_REQUEST_INVALID':
      return field === 'timestamp'
        ? new HttpError(status, 'Invalid timestamp', known.message, 'timestamp', 'query', known.code)
        : new HttpError(status, 'Invalid request', known.message, field, field === 'body' ? 'body' : 'query', known.code);
    case 'ERR_STORE_UNAVAILABLE':
      return new HttpError(status, 'Service Unavailable', known.message, 'store', 'server', known.code);
    default:
      return new HttpError(status, 'Invalid request', known.message, field, 'body', known.code);
  }
}

const REVOKE_DETAILS: Partial<Record<string, string>> = {
  ERR_TOKEN_MALFORMED: 'Token is malformed.',
  ERR_LIMIT_EXCEEDED: 'Token is malformed.',
  ERR_TOKEN_SIGNATURE_INVALID: 'Token was not issued for this keyset.',
  ERR_TOKEN_EXPIRED: 'Token is expired.',
};

/** PubNub names body locations from the top of the JSON body: `ttl`, `permissions.resources.channels.a`. */
function bodyLocation(field: string): string {
  if (field === 'authorizedUuid') return 'permissions.uuid';
  return field === 'ttl' || field === 'body' || field.startsWith('permissions') ? field : `permissions.${field}`;
}

/**
 * The status and PubNub-shaped body the REST handler answers for an error, so other code (the Node SDK's local mode)
 * reports the same error in the same shape. Non-grantkit errors become a 500 that reveals nothing.
 *
 * Exported from `@grantkit/core`.
 *
 * @param error - Anything thrown while granting, revoking or authorizing.
 * @param source - `grant`, `revoke` or `authorize`: PubNub's `error.source`.
 * @returns The PubNub error body; its `status` is the HTTP status.
 * @example
 * ```ts
 * try { normalizeGrant({ ttl: 0, channels: [Channel.id('a').read()] }) }
 * catch (error) { errorResponseBody(error, 'grant').error.message } // 'Invalid ttl'
 * ```
 */
export function errorResponseBody(error: unknown, source: string): PubNubErrorBody {
  return toHttpError(error, source).body(source);
}
