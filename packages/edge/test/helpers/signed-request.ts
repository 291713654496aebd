/**
 * Builds requests the way the official PubNub SDKs send them: `uuid`, `requestid`, `pnsdk` and `timestamp` query
 * parameters, signed with signature v2 by a secret key.
 */
import { percentEncode, signRequestV2 } from '@grantkit/core';
import { importHmacKey } from '@grantkit/edge';

export interface SignedRequestInput {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path as sent on the wire, already percent-encoded. */
  path: string;
  publishKey: string;
  secretKey: string;
  body?: string;
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Extra query parameters. */
  query?: Record<string, string>;
  /** Replace the computed signature (to send a forged one). */
  signature?: string;
}

export async function signedRequest(input: SignedRequestInput): Promise<Request> {
  const query: Record<string, string> = {
    uuid: 'server-1',
    requestid: crypto.randomUUID(),
    pnsdk: 'PubNub-JS-Nodejs/11.0.2',
    timestamp: String(input.timestamp ?? Math.floor(Date.now() / 1000)),
    ...input.query,
  };
  const body = input.body ?? '';
  const key = await importHmacKey(input.secretKey);
  const signature = input.signature
    ?? await signRequestV2(key, { method: input.method, publishKey: input.publishKey, path: input.path, query, body });
  const search = Object.entries({ ...query, signature }).map(([name, value]) => `${name}=${percentEncode(value)}`).join('&');
  return new Request(`http://grantkit.test${input.path}?${search}`, {
    method: input.method,
    ...(input.method === 'POST' ? { body, headers: { 'content-type': 'application/json' } } : {}),
  });
}

/** A grant body exactly as pubnub@11 `grantToken` sends it. */
export function grantBody(options: {
  ttl?: number;
  channels?: Record<string, number>;
  channelPatterns?: Record<string, number>;
  groups?: Record<string, number>;
  uuids?: Record<string, number>;
  authorizedUuid?: string;
  meta?: Record<string, string | number | boolean | null>;
} = {}): string {
  return JSON.stringify({
    ttl: options.ttl ?? 15,
    permissions: {
      resources: { channels: options.channels ?? {}, groups: options.groups ?? {}, uuids: options.uuids ?? {}, users: {}, spaces: {} },
      patterns: { channels: options.channelPatterns ?? {}, groups: {}, uuids: {}, users: {}, spaces: {} },
      meta: options.meta ?? {},
      ...(options.authorizedUuid === undefined ? {} : { uuid: options.authorizedUuid }),
    },
  });
}
