/**
 * Remote mode's wire: signed (v2) REST calls to a PubNub-compatible Access Manager (a grantkit service, or PubNub),
 * exactly as the official SDKs make them.
 *
 * @internal
 * @module
 */
import { randomUUID } from 'node:crypto';
import { percentEncode, signRequestV2, type Clock } from '@grantkit/core';
import { AccessManagerError, fromResponse, type AccessManagerOperation } from './access-manager-error.js';
import type { NodeHmacKey } from '../crypto.js';
import { VERSION } from '../version.js';

/** Options of {@link RemoteTransport}. @internal */
export interface RemoteTransportOptions {
  baseUrl: string;
  subscribeKey: string;
  publishKey: string;
  key: NodeHmacKey;
  userId: string;
  fetch: typeof fetch;
  timeoutMs: number;
  clock: Clock;
}

/** Largest response body read from the remote service. */
const MAX_RESPONSE_BYTES = 1_048_576;

/** Signed calls to one keyset on one remote service. @internal */
export class RemoteTransport {
  constructor(private readonly options: RemoteTransportOptions) {}

  /** `POST /v3/pam/{sub}/grant` → the token. */
  async grant(body: string): Promise<string> {
    const path = `/v3/pam/${percentEncode(this.options.subscribeKey)}/grant`;
    const { status, json } = await this.#call('POST', path, body, 'PNAccessManagerGrantToken', true);
    const token = (json as { data?: { token?: unknown } } | undefined)?.data?.token;
    if (status !== 200 || typeof token !== 'string') throw fromResponse(status, json, 'PNAccessManagerGrantToken');
    return token;
  }

  /** `DELETE /v3/pam/{sub}/grant/{token}`. */
  async revoke(token: string): Promise<void> {
    const path = `/v3/pam/${percentEncode(this.options.subscribeKey)}/grant/${percentEncode(token)}`;
    const { status, json } = await this.#call('DELETE', path, '', 'PNAccessManagerRevokeToken', true);
    if (status !== 200) throw fromResponse(status, json, 'PNAccessManagerRevokeToken');
  }

  /** `POST /grantkit/v1/{sub}/authorize` (grantkit services only) → the raw answer; 200 and 403 are decisions. */
  async authorize(parameters: Record<string, string>): Promise<{ status: number; json: unknown }> {
    const path = `/grantkit/v1/${percentEncode(this.options.subscribeKey)}/authorize`;
    return this.#call('POST', path, JSON.stringify(parameters), 'GrantkitAuthorize', false);
  }

  async #call(
    method: string,
    path: string,
    body: string,
    operation: AccessManagerOperation,
    signed: boolean,
  ): Promise<{ status: number; json: unknown }> {
    const query: Record<string, string> = {
      uuid: this.options.userId,
      requestid: randomUUID(),
      pnsdk: `grantkit-node/${VERSION}`,
    };
    if (signed) {
      query.timestamp = String(this.options.clock());
      query.signature = signRequestV2(this.options.key, {
        method, publishKey: this.options.publishKey, path, query, body,
      });
    }
    const search = Object.entries(query).map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join('&');
    let response: Response;
    try {
      response = await this.options.fetch(`${this.options.baseUrl}${path}?${search}`, {
        method,
        headers: body === '' ? {} : { 'content-type': 'application/json' },
        ...(body === '' ? {} : { body }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (cause) {
      const timedOut = (cause as Error)?.name === 'TimeoutError';
      throw new AccessManagerError(timedOut ? 'Request timeout' : 'Network error', {
        code: 'ERR_NETWORK', statusCode: 0, operation, cause,
      });
    }
    const text = await readText(response, operation);
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: response.status, json };
  }
}

/** The body as text, at most {@link MAX_RESPONSE_BYTES}: a failed read is a network error, a larger body unreadable. */
async function readText(response: Response, operation: AccessManagerOperation): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch (cause) {
      throw new AccessManagerError('Network error while reading the response', { code: 'ERR_NETWORK', statusCode: 0, operation, cause });
    }
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new AccessManagerError(`Response is larger than ${MAX_RESPONSE_BYTES} bytes`, {
        code: 'ERR_RESPONSE_INVALID', statusCode: response.status, operation,
      });
    }
    text += decoder.decode(chunk.value, { stream: true });
  }
  return text + decoder.decode();
}

/**
 * `origin` as the SDK takes it (`'ps.pndsn.com'` plus `ssl`), or a full URL (`'http://127.0.0.1:8080'`).
 *
 * @internal
 */
export function baseUrlOf(origin: string, ssl: boolean | undefined): string {
  const url = origin.includes('://') ? origin : `${ssl === false ? 'http' : 'https'}://${origin}`;
  return url.replace(/\/+$/, '');
}
