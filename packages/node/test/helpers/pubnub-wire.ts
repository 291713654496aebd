/**
 * Raw signed requests, byte for byte as an official SDK puts them on the wire, for the requests the `pubnub` npm
 * package cannot send (another SDK's body, another SDK's query encoding).
 *
 * The Python SDK (pubnub/python `pubnub/utils.py` `sign_request`, `pubnub/structures.py` `query_string`) signs the
 * canonical encoding of every parameter but sends most values as they are: `uuid=a+b` goes out raw while its
 * signature covers `a%2Bb`; only `pnsdk` is sent encoded. httpx then percent-encodes what a URL cannot hold raw
 * (space, non-ASCII). {@link pythonQuery} reproduces that.
 */
import { request as httpRequest } from 'node:http';
import { signRequestV2 } from '@grantkit/core';
import { importKey } from '../../src/crypto.js';

export interface WireKeyset {
  subscribeKey: string;
  publishKey: string;
  secretKey: string;
}

/** What httpx leaves raw in a query; everything else is percent-encoded as UTF-8 (uppercase hex). */
const HTTPX_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:/?@[\]%]/;

function httpxQueryValue(value: string): string {
  let out = '';
  for (const char of value) out += HTTPX_SAFE.test(char) ? char : encodeURIComponent(char);
  return out;
}

/** The query string the Python SDK sends for `params` (signature included), in its order. */
export function pythonQuery(keyset: WireKeyset, method: string, path: string, params: Record<string, string>, body: string): string {
  const signed: Record<string, string> = { ...params, timestamp: params.timestamp ?? String(Math.floor(Date.now() / 1000)) };
  const signature = signRequestV2(importKey(keyset.secretKey), { method, publishKey: keyset.publishKey, path, query: signed, body });
  const sent: Record<string, string> = { ...signed, signature };
  return Object.entries(sent)
    .map(([name, value]) => `${name}=${name === 'pnsdk' ? encodeURIComponent(value) : httpxQueryValue(value)}`)
    .join('&');
}

/** The revoke path as the Python SDK builds it: the token through `url_encode` (`=` → `%3D`, `~` kept). */
export function pythonRevokePath(subscribeKey: string, token: string): string {
  return `/v3/pam/${subscribeKey}/grant/${encodeURIComponent(token).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

export interface WireAnswer {
  status: number;
  contentType: string | null;
  text: string;
}

/**
 * Sends one request with the Python SDK's headers and query encoding through `node:http`, so the request target goes
 * out exactly as built (fetch would re-encode it); resolves to the raw answer.
 */
export function sendAsPython(
  baseUrl: string,
  keyset: WireKeyset,
  method: 'POST' | 'DELETE',
  path: string,
  body: string,
  params: Record<string, string> = {},
): Promise<WireAnswer> {
  const query = pythonQuery(keyset, method, path, { pnsdk: 'PubNub-Python/10.7.1', uuid: 'python-sdk', ...params }, body);
  return sendRaw(baseUrl, method, `${path}?${query}`, body);
}

/** One HTTP request with the target sent byte for byte as given. */
export function sendRaw(baseUrl: string, method: string, target: string, body = ''): Promise<WireAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const request = httpRequest({
      host: hostname, port: Number(port), method, path: target,
      headers: {
        'user-agent': 'PubNub-Python/10.7.1',
        ...(body === '' ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
      },
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({
        status: response.statusCode ?? 0,
        contentType: response.headers['content-type'] ?? null,
        text: Buffer.concat(chunks).toString('utf8'),
      }));
      response.on('error', reject);
    });
    request.setTimeout(10_000, () => request.destroy(new Error(`${method} ${target} timed out`)));
    request.on('error', reject);
    request.end(body === '' ? undefined : body);
  });
}
