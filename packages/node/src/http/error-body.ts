/**
 * PubNub-shaped error bodies for the few answers Node code produces itself (adapter failures, `/metrics`, the
 * middleware), so every error a client sees has the same shape as the shared handler's.
 *
 * @module
 */

/**
 * The JSON body of a PubNub Access Manager REST error.
 *
 * Exported from `@grantkit/node`.
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
  service: string;
}

/** Builds a {@link PubNubErrorBody}. @internal */
export function errorBody(
  status: number,
  message: string,
  detail: string,
  location: string,
  locationType: string,
  source = 'grantkit',
): PubNubErrorBody {
  return {
    status,
    error: { message, source, details: detail === '' ? [] : [{ message: detail, location, locationType }] },
    service: 'Access Manager',
  };
}
