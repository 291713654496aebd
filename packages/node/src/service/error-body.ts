/**
 * PubNub-shaped error bodies for the few answers Node code produces itself (adapter failures, `/metrics`, the
 * middleware), so every error a client sees has the same shape as the shared handler's.
 *
 * @module
 */

import type { PubNubErrorBody } from '@grantkit/core';

export type { PubNubErrorBody };

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
