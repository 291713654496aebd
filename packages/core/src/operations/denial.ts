/**
 * Data-plane denials in PubNub's own shapes, as its SDKs' recorded exchanges show them, so the official SDKs raise
 * their usual access-denied status (a 403 with `service: "Access Manager"`):
 * - a resource not granted: `{"message":"Forbidden","payload":{"channels":[…],"channel-groups":[":g"],"uuids":[…]},
 *   "error":true,"service":"Access Manager","status":403}` (groups carry PubNub's `:` prefix);
 * - a revoked token: `{"error":true,"status":403,"service":"Access Manager","message":"Token is revoked"}` with
 *   `X-Pn-Cause: 4001`; an expired token: the same with `Token is expired`.
 *
 * @module
 */
import type { OperationDecision } from './decide-operation.js';

/**
 * PubNub's data-plane error body.
 *
 * @internal
 *
 * @example
 * ```ts
 * const body: PubNubDenialBody = { message: 'Forbidden', payload: { channels: ['a'] }, error: true, service: 'Access Manager', status: 403 };
 * ```
 */
export interface PubNubDenialBody {
  message: string;
  payload?: { channels?: string[]; 'channel-groups'?: string[]; uuids?: string[] };
  error: true;
  service: 'Access Manager';
  status: number;
}

/**
 * The status, headers and PubNub-shaped body answering a denied decision. Besides PubNub's headers, `x-grantkit-reason`
 * and `x-grantkit-operation` say why (never the token), for whoever debugs a 403.
 *
 * @internal
 *
 * @param decision - A denial from {@link decideOperation}.
 * @returns `{ status, headers, body }`; `status` is 403.
 * @example
 * ```ts
 * const { status, headers, body } = operationDenial(decision);
 * return new Response(JSON.stringify(body), { status, headers });
 * ```
 */
export function operationDenial(decision: OperationDecision): { status: 403; headers: Record<string, string>; body: PubNubDenialBody } {
  const headers: Record<string, string> = {
    ...DATA_PLANE_HEADERS,
    'x-grantkit-reason': decision.reason,
    'x-grantkit-operation': decision.operation,
  };
  if (decision.reason === 'revoked') {
    headers['x-pn-cause'] = '4001';
    return { status: 403, headers, body: { error: true, status: 403, service: 'Access Manager', message: 'Token is revoked' } };
  }
  if (decision.reason === 'expired') {
    return { status: 403, headers, body: { error: true, status: 403, service: 'Access Manager', message: 'Token is expired' } };
  }
  const channels: string[] = [];
  const groups: string[] = [];
  const uuids: string[] = [];
  for (const failure of decision.failures) {
    const into = failure.resource === 'channel' ? channels : failure.resource === 'group' ? groups : uuids;
    const shown = failure.resource === 'group' ? `:${failure.name}` : failure.name;
    if (!into.includes(shown)) into.push(shown);
  }
  const payload = {
    ...(channels.length === 0 ? {} : { channels }),
    ...(groups.length === 0 ? {} : { 'channel-groups': groups }),
    ...(uuids.length === 0 ? {} : { uuids }),
  };
  return {
    status: 403,
    headers,
    body: { message: 'Forbidden', ...(Object.keys(payload).length === 0 ? {} : { payload }), error: true, service: 'Access Manager', status: 403 },
  };
}

/** PubNub's content type for data-plane answers, and CORS so a browser SDK can read the denial. @internal */
export const DATA_PLANE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/javascript; charset=UTF-8',
  'cache-control': 'no-cache, no-store, must-revalidate',
  'access-control-allow-origin': '*',
  'access-control-expose-headers': '*',
});
