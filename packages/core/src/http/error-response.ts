/**
 * grantkit error codes ↔ PubNub error bodies, as one two-way table: the REST handler writes bodies from it, anything
 * reporting an error the service's way (the Node SDK's local mode, the route guard) does too, and the Node SDK's
 * remote mode reads a service's answer back into a code through the same rows.
 *
 * @module
 */
import {
  HTTP_STATUS_BY_CODE, isGrantkitError, type GrantInvalidError, type GrantkitError, type GrantkitErrorCode,
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

/** What one error looks like on the wire, before `source` is known. */
interface WireError {
  status: number;
  title: string;
  detail: string;
  location: string;
  locationType: string;
}

/**
 * One row per code. `title` is PubNub's `error.message`; a fixed `detail` is part of the row's identity (the five
 * token codes share the title `Invalid token`), otherwise the detail is the error's own message. `reads` lists other
 * titles that mean this code in answers we read: PubNub's own wording and the titles grant validation uses.
 */
interface Row {
  status?: number;
  title: string | ((error: GrantkitError) => string);
  detail?: string;
  location: (field: string) => string;
  locationType: string | ((field: string) => string);
  reads?: RegExp;
}

const token = (detail: string): Row => ({ title: 'Invalid token', detail, location: () => 'token', locationType: 'path' });
const server = (title: string, detail: string, location: string, status?: number): Row => ({
  ...(status === undefined ? {} : { status }), title, detail, location: () => location, locationType: 'server',
});

const ROWS: Readonly<Record<GrantkitErrorCode, Row>> = {
  ERR_TOKEN_MALFORMED: token('Token is malformed.'),
  ERR_TOKEN_SIGNATURE_INVALID: token('Token was not issued for this keyset.'),
  ERR_TOKEN_EXPIRED: token('Token is expired.'),
  ERR_TOKEN_NOT_YET_VALID: token('Token is not yet valid.'),
  ERR_TOKEN_REVOKED: token('Token is revoked.'),
  ERR_GRANT_INVALID: {
    title: (error) => (error as GrantInvalidError).title ?? 'Invalid grant',
    location: bodyLocation,
    locationType: 'body',
    reads: /^Invalid (ttl|permissions|meta|authorized uuid|resource name|grant)\b|contains no permissions/i,
  },
  ERR_PATTERN_INVALID: { title: 'Invalid RegExp', location: bodyLocation, locationType: 'body' },
  ERR_LIMIT_EXCEEDED: {
    title: 'Request Entity Too Large',
    location: (field) => (field === 'body' ? 'body' : bodyLocation(field)),
    locationType: 'body',
  },
  ERR_REQUEST_SIGNATURE_INVALID: { title: 'Signature does not match', location: (field) => field, locationType: 'query', reads: /^Signature/i },
  ERR_REQUEST_INVALID: {
    title: (error) => (error.field === 'timestamp' ? 'Invalid timestamp' : error.field === 'subscribe-key' ? 'Invalid subscribe key' : 'Invalid request'),
    location: (field) => field,
    locationType: (field) => (field === 'body' ? 'body' : field === 'subscribe-key' ? 'path' : 'query'),
    reads: /^Invalid (timestamp|subscribe key|request)\b/i,
  },
  ERR_KEY_INVALID: { title: 'Invalid key', location: (field) => field, locationType: 'body' },
  ERR_FEATURE_DISABLED: { title: 'Feature disabled', location: () => 'subscribe-key', locationType: 'path' },
  ERR_STORE_UNAVAILABLE: { title: 'Service Unavailable', location: () => 'store', locationType: 'server' },
  // The rest never name the request: their details are fixed, so nothing internal (paths, hosts) reaches a client.
  ERR_CONFIG_INVALID: server('Internal Server Error', 'The keyset configuration could not be loaded.', 'subscribe-key'),
  ERR_NETWORK: server('Service Unavailable', 'The Access Manager service could not be reached.', 'upstream'),
  ERR_RESPONSE_INVALID: server('Bad Gateway', 'The Access Manager service sent an answer that could not be read.', 'upstream'),
  ERR_TOKEN_REFRESH_FAILED: server('Service Unavailable', 'No token could be obtained.', 'token-endpoint'),
};

const CODES = Object.keys(ROWS) as GrantkitErrorCode[];
/** What a revoke answers with 400 `Invalid token`: the token codes, and a token too large to be one. */
const REVOKE_REFUSALS: ReadonlySet<GrantkitErrorCode> = new Set([
  'ERR_TOKEN_MALFORMED', 'ERR_TOKEN_SIGNATURE_INVALID', 'ERR_TOKEN_EXPIRED', 'ERR_TOKEN_NOT_YET_VALID', 'ERR_TOKEN_REVOKED',
  'ERR_LIMIT_EXCEEDED',
]);
const UNKNOWN: WireError = { status: 500, title: 'Internal Server Error', detail: 'The request could not be processed.', location: 'server', locationType: 'server' };

/** How `error` goes on the wire, and the outcome it is counted as. @internal */
export function describeError(error: unknown, source: string): WireError & { outcome: string } {
  // Not a grantkit error: a bug or a broken dependency. Say nothing specific.
  if (!isGrantkitError(error)) return { ...UNKNOWN, outcome: 'internal' };
  const code = error.code;
  // Revoking a token that cannot be revoked is a 400 naming the token, as PubNub answers it; an oversized token there
  // is just a malformed one.
  if (source === 'revoke' && REVOKE_REFUSALS.has(code)) {
    const row = ROWS[code === 'ERR_LIMIT_EXCEEDED' ? 'ERR_TOKEN_MALFORMED' : code];
    return { ...wire(row, error), status: 400, outcome: code };
  }
  return { ...wire(ROWS[code] ?? ROWS.ERR_REQUEST_INVALID, error), outcome: code };
}

function wire(row: Row, error: GrantkitError): WireError {
  const field = error.field ?? 'body';
  return {
    status: row.status ?? HTTP_STATUS_BY_CODE[error.code] ?? 400,
    title: typeof row.title === 'function' ? row.title(error) : row.title,
    detail: row.detail ?? ((error as GrantInvalidError).detail ?? error.message),
    location: row.location(field),
    locationType: typeof row.locationType === 'function' ? row.locationType(field) : row.locationType,
  };
}

/** PubNub names body locations from the top of the JSON body: `ttl`, `permissions.resources.channels.a`. */
function bodyLocation(field: string): string {
  if (field === 'authorizedUuid') return 'permissions.uuid';
  return field === 'ttl' || field === 'body' || field.startsWith('permissions') ? field : `permissions.${field}`;
}

/**
 * The status and PubNub-shaped body the REST handler answers for an error, so other code (the Node SDK's local mode,
 * the route guard) reports the same error in the same shape. Non-grantkit errors become a 500 that reveals nothing.
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
  return bodyOf(describeError(error, source), source);
}

/**
 * The body for a described error. Keys come in the order PubNub's service writes them, which differs by operation
 * (recorded 2025): grant errors list `message`, `source`, `details`; revoke errors are in alphabetical order.
 *
 * @internal
 */
export function bodyOf(described: WireError, source: string): PubNubErrorBody {
  if (source === 'revoke') {
    return {
      error: { details: [{ location: described.location, locationType: described.locationType, message: described.detail }], message: described.title, source },
      service: 'Access Manager',
      status: described.status,
    };
  }
  return {
    error: { message: described.title, source, details: [{ message: described.detail, location: described.location, locationType: described.locationType }] },
    service: 'Access Manager',
    status: described.status,
  };
}

/**
 * Reads an error answer of a PubNub-compatible service (a grantkit service, or PubNub itself) back into a grantkit
 * code, through the same table {@link errorResponseBody} writes from: the title (and, where the title is shared, the
 * detail) picks the row; an answer no row describes falls back on its status (413 `ERR_LIMIT_EXCEEDED`, 503
 * `ERR_STORE_UNAVAILABLE`, other 4xx `ERR_REQUEST_INVALID`, anything else `ERR_RESPONSE_INVALID`).
 *
 * Exported from `@grantkit/core`.
 *
 * @param status - The HTTP status of the answer.
 * @param body - The parsed JSON body, or whatever came back (text, nothing).
 * @returns The code, and the message to report: the body's title, or `HTTP <status>` when it has none.
 * @example
 * ```ts
 * readErrorResponseBody(400, { status: 400, error: { message: 'Invalid ttl', source: 'grant', details: [] }, service: 'Access Manager' });
 * // { code: 'ERR_GRANT_INVALID', message: 'Invalid ttl' }
 * ```
 */
export function readErrorResponseBody(status: number, body: unknown): { code: GrantkitErrorCode; message: string } {
  const error = (body as { error?: { message?: unknown; details?: Array<{ message?: unknown }> } } | undefined)?.error;
  const title = typeof error?.message === 'string'
    ? error.message
    : typeof (body as { message?: unknown } | undefined)?.message === 'string' ? (body as { message: string }).message : undefined;
  const message = title ?? `HTTP ${status}`;
  if (title !== undefined) {
    const detail = Array.isArray(error?.details) ? error.details[0]?.message : undefined;
    // Rows with a fixed detail first: it tells apart the codes that share a title.
    const code = CODES.find((candidate) => ROWS[candidate].detail !== undefined && ROWS[candidate].detail === detail && sameTitle(candidate, title))
      ?? CODES.find((candidate) => ROWS[candidate].detail === undefined && sameTitle(candidate, title));
    if (code !== undefined) return { code, message };
    // `Invalid token` with a detail worded otherwise (PubNub's own service) still names a token problem.
    if (/^Invalid token\b/i.test(title)) {
      const text = typeof detail === 'string' ? detail : '';
      return { code: /expired/i.test(text) ? 'ERR_TOKEN_EXPIRED' : /keyset/i.test(text) ? 'ERR_TOKEN_SIGNATURE_INVALID' : 'ERR_TOKEN_MALFORMED', message };
    }
  }
  if (status === 413) return { code: 'ERR_LIMIT_EXCEEDED', message };
  if (status === 503) return { code: 'ERR_STORE_UNAVAILABLE', message };
  if (status >= 400 && status < 500) return { code: 'ERR_REQUEST_INVALID', message };
  return { code: 'ERR_RESPONSE_INVALID', message };
}

function sameTitle(code: GrantkitErrorCode, title: string): boolean {
  const row = ROWS[code];
  if (row.reads?.test(title) === true) return true;
  // A prefix, case-insensitively: PubNub's service words some titles with more after them.
  return typeof row.title === 'string' && title.toLowerCase().startsWith(row.title.toLowerCase());
}
