/**
 * PubNub request signatures, version 2: how the official SDKs sign REST calls made with a secret key
 * (grant, revoke...), and how a server checks them.
 *
 * `signature = "v2." + base64url_nopad(HMAC-SHA256(secretKey, M))` with
 * `M = METHOD + "\n" + publishKey + "\n" + path + "\n" + canonicalQuery + "\n" + body`, where `path` is the request
 * path exactly as sent (still percent-encoded), `canonicalQuery` is every query parameter except `signature`,
 * sorted by name, as `name=value` joined by `&` with values percent-encoded by {@link percentEncode}, and `body` is the
 * raw body text (empty for GET and DELETE).
 *
 * ## As the SDKs really send it
 * The SDKs do not all send the query they sign. The JS SDK sends exactly the canonical encoding; the Python SDK sends
 * some values unencoded (`uuid=a+b`, `~`, `*`) but signs their canonical encoding (`a%2Bb`). So a server given the
 * query as received ({@link verifyRequestSignatureV2} with a query string) accepts the signature when it matches any
 * of: the canonical re-encoding of its values percent-decoded with `+` kept literal (the RFC 3986 reading, which the
 * Python case needs); the query as received (pairs sorted by name, bytes untouched); or the canonical re-encoding
 * with `+` read as a space (the HTML form reading). Identical candidates are checked once, and each is built only
 * when the ones before it did not match, so a request costs at most three HMACs per configured key, each compared in
 * constant time by the key, and a request signed as the SDKs sign it costs one.
 *
 * @module
 */
import { base64UrlDecode, base64UrlEncode } from './token/base64url.js';
import { RequestInvalidError, RequestSignatureInvalidError } from './errors.js';
import { andThen } from './internal/maybe-promise.js';
import type { HmacKey, KeyResult } from './ports.js';

const encoder = new TextEncoder();
/** What {@link percentEncode} leaves as it is, and nothing else. */
const UNRESERVED = /^[A-Za-z0-9\-_.]*$/;

/**
 * The parts of a request that signature v2 covers.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const parts: SignatureV2Parts = {
 *   method: 'POST', publishKey: 'pub-c-1', path: '/v3/pam/sub-c-1/grant',
 *   query: { uuid: 'server', timestamp: '1700000000' }, body: '{"ttl":15,...}',
 * };
 * ```
 */
export interface SignatureV2Parts {
  method: string;
  publishKey: string;
  /** The path as sent on the wire (percent-encoded as the client encoded it). */
  path: string;
  /**
   * Decoded query parameters (`signature` is ignored if present), or, when verifying, the query string exactly as
   * received (without `?`), which also lets the raw and both decoded readings match (see the module comment).
   */
  query: Record<string, string> | Iterable<readonly [string, string]> | string;
  /** Raw body text; omit or `''` for GET and DELETE. */
  body?: string;
}

/**
 * Percent-encodes a query value as signature v2 needs: UTF-8, uppercase hex, only `A-Z a-z 0-9 - _ .` left as they
 * are (so `~`, `*`, `!`, `'`, `(`, `)` and space are escaped too).
 *
 * Exported from `@grantkit/core`.
 *
 * @param value - Decoded value.
 * @returns Encoded value.
 * @example
 * ```ts
 * percentEncode('PubNub-JS-Nodejs/11.0.2'); // 'PubNub-JS-Nodejs%2F11.0.2'
 * ```
 */
export function percentEncode(value: string): string {
  // Most values (timestamps, uuids, SDK names without a slash) have nothing to escape.
  if (UNRESERVED.test(value)) return value;
  return encodeURIComponent(value).replace(/[!'()*~]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The canonical query string: all parameters but `signature`, sorted by name (code-unit order, stable for repeated
 * names), `name=value` with encoded values, joined by `&`.
 *
 * Exported from `@grantkit/core`.
 *
 * @param query - Decoded parameters.
 * @returns The canonical query.
 * @example
 * ```ts
 * canonicalQuery({ uuid: 'u', timestamp: '1', pnsdk: 'a/b' }); // 'pnsdk=a%2Fb&timestamp=1&uuid=u'
 * ```
 */
export function canonicalQuery(query: SignatureV2Parts['query']): string {
  const entries: Array<readonly [string, string]> = [];
  const source = typeof query === 'string'
    ? decodeQuery(query, false)
    : Symbol.iterator in query ? (query as Iterable<readonly [string, string]>) : Object.entries(query);
  for (const [name, value] of source) if (name !== 'signature') entries.push([name, value]);
  entries.sort((left, right) => (left[0] < right[0] ? -1 : left[0] > right[0] ? 1 : 0));
  return entries.map(([name, value]) => `${name}=${percentEncode(value)}`).join('&');
}

/**
 * The exact string signature v2 signs.
 *
 * Exported from `@grantkit/core`.
 *
 * @param parts - Method, publish key, path, query, body.
 * @returns The string to sign.
 * @example
 * ```ts
 * signatureV2Message(parts); // 'POST\npub-c-1\n/v3/pam/sub-c-1/grant\ntimestamp=...&uuid=server\n{...}'
 * ```
 */
export function signatureV2Message(parts: SignatureV2Parts): string {
  return `${parts.method.toUpperCase()}\n${parts.publishKey}\n${parts.path}\n${canonicalQuery(parts.query)}\n${parts.body ?? ''}`;
}

/**
 * Signs a request: `v2.` + unpadded base64url HMAC-SHA256 of {@link signatureV2Message}.
 *
 * Exported from `@grantkit/core`.
 *
 * @param key - The keyset's secret key.
 * @param parts - The request parts.
 * @returns The `signature` query value; a Promise for async keys.
 * @example
 * ```ts
 * const signature = signRequestV2(key, parts); // 'v2.A1ldFjcf...'
 * ```
 */
export function signRequestV2<K extends HmacKey>(key: K, parts: SignatureV2Parts): KeyResult<K, string> {
  return andThen(key.sign(encoder.encode(signatureV2Message(parts))), (tag) => `v2.${base64UrlEncode(tag, false)}`) as KeyResult<
    K,
    string
  >;
}

/**
 * Options for {@link verifyRequestSignatureV2}.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const options: VerifyRequestOptions = { now: 1_700_000_000, window: 60 };
 * ```
 */
export interface VerifyRequestOptions {
  /** Current Unix time in seconds (default: now). */
  now?: number;
  /** Allowed distance between the request's `timestamp` and now, in seconds. Default 60, as PubNub. */
  window?: number;
}

/**
 * Checks a signed request: a `timestamp` within the window, and a `v2.` signature matching one of `keys` (current
 * secret first, then previous ones), compared in constant time by the key.
 *
 * Exported from `@grantkit/core`.
 *
 * @param keys - One key, or the current key followed by previous ones.
 * @param parts - The request as received; `query` must include `timestamp` and `signature`.
 * @param options - Clock and window.
 * @returns Nothing (or a Promise of nothing for async keys) when the request is authentic.
 * @throws {@link RequestInvalidError} `ERR_REQUEST_INVALID` (field `timestamp`, HTTP 400 as PubNub) for a missing or
 *   stale timestamp; {@link RequestSignatureInvalidError} `ERR_REQUEST_SIGNATURE_INVALID` (field `signature`, 403).
 * @example
 * ```ts
 * verifyRequestSignatureV2([key], { method: 'POST', publishKey, path, query, body });
 * ```
 */
export function verifyRequestSignatureV2<K extends HmacKey>(
  keys: K | readonly K[],
  parts: SignatureV2Parts,
  options: VerifyRequestOptions = {},
): KeyResult<K, void> {
  const given = parts.query;
  const raw = typeof given === 'string' ? given : undefined;
  const query = typeof given === 'string'
    ? new Map(decodeQuery(given, false))
    : Symbol.iterator in given
      ? new Map(given as Iterable<readonly [string, string]>)
      : new Map(Object.entries(given));
  const timestamp = query.get('timestamp');
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (timestamp === undefined || !/^[0-9]{1,12}$/.test(timestamp)) {
    throw new RequestInvalidError('Invalid timestamp: missing or not Unix seconds', { field: 'timestamp' });
  }
  if (Math.abs(now - Number(timestamp)) > (options.window ?? 60)) {
    throw new RequestInvalidError('Invalid timestamp: outside the allowed window', { field: 'timestamp' });
  }
  const signature = query.get('signature');
  if (signature === undefined || !signature.startsWith('v2.') || signature.length !== 46) {
    throw new RequestSignatureInvalidError('Signature is missing or not a v2 signature', { field: 'signature' });
  }
  let tag: Uint8Array;
  try {
    tag = base64UrlDecode(signature.slice(3), 'signature');
  } catch (cause) {
    throw new RequestSignatureInvalidError('Signature is not valid base64url', { field: 'signature', cause });
  }
  const head = `${parts.method.toUpperCase()}\n${parts.publishKey}\n${parts.path}\n`;
  const tail = `\n${parts.body ?? ''}`;
  // The candidate queries (see the module comment) are built only as far as the keys need them: a request signed
  // as received matches on the first, and the other readings are never computed. Identical ones are checked once,
  // in the order they are listed; keys are tried current first, each against every candidate.
  const readings: ReadonlyArray<() => string> = raw === undefined
    ? [() => canonicalQuery(parts.query)]
    : [() => canonicalQuery(raw), () => rawSortedQuery(raw), () => canonicalQuery(decodeQuery(raw, true))];
  const seen: string[] = [];
  const messages: Uint8Array[] = [];
  let read = 0;
  const message = (index: number): Uint8Array | undefined => {
    while (messages.length <= index && read < readings.length) {
      const candidate = readings[read++]!();
      if (seen.includes(candidate)) continue;
      seen.push(candidate);
      messages.push(encoder.encode(head + candidate + tail));
    }
    return messages[index];
  };
  const list: readonly K[] = Array.isArray(keys) ? keys : [keys as K];
  const check = (keyIndex: number, messageIndex: number): unknown => {
    if (keyIndex >= list.length) throw new RequestSignatureInvalidError('Signature does not match', { field: 'signature' });
    const candidate = message(messageIndex);
    if (candidate === undefined) return check(keyIndex + 1, 0);
    return andThen(list[keyIndex]!.verify(candidate, tag), (ok) => (ok ? undefined : check(keyIndex, messageIndex + 1)));
  };
  return check(0, 0) as KeyResult<K, void>;
}

/** The query's `name=value` pairs exactly as received, without `signature`, sorted by name (stable). */
function rawSortedQuery(raw: string): string {
  const pairs: Array<readonly [string, string]> = [];
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = equals < 0 ? pair : pair.slice(0, equals);
    if (name === 'signature') continue;
    pairs.push([name, equals < 0 ? `${pair}=` : pair]);
  }
  pairs.sort((left, right) => (left[0] < right[0] ? -1 : left[0] > right[0] ? 1 : 0));
  return pairs.map(([, pair]) => pair).join('&');
}

/**
 * Splits and percent-decodes a query string. Malformed escapes stay as they are (as URLSearchParams keeps them);
 * `+` is a space only when `plusIsSpace`.
 */
function decodeQuery(raw: string, plusIsSpace: boolean): Array<readonly [string, string]> {
  const pairs: Array<readonly [string, string]> = [];
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = equals < 0 ? pair : pair.slice(0, equals);
    const value = equals < 0 ? '' : pair.slice(equals + 1);
    pairs.push([percentDecode(name, plusIsSpace), percentDecode(value, plusIsSpace)]);
  }
  return pairs;
}

const utf8 = /* @__PURE__ */ new TextDecoder();

function percentDecode(text: string, plusIsSpace: boolean): string {
  const spaced = plusIsSpace ? text.replace(/\+/g, ' ') : text;
  if (!spaced.includes('%')) return spaced;
  // Runs of escapes decode as UTF-8 together (invalid sequences become U+FFFD, as URLSearchParams does).
  return spaced.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let index = 0; index < bytes.length; index++) bytes[index] = Number.parseInt(run.slice(index * 3 + 1, index * 3 + 3), 16);
    return utf8.decode(bytes);
  });
}
