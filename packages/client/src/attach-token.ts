/**
 * Putting a token on a request the way PubNub clients do: the `auth` query parameter, or a bearer header.
 *
 * @module
 */

/**
 * Where a request carries the token: `query` adds `auth=<token>` to the URL (what the PubNub SDKs send, and the
 * only option for `EventSource` and `WebSocket` URLs); `bearer` sets `Authorization: Bearer <token>`.
 *
 * Exported from `@grantkit/client`.
 *
 * @example
 * ```ts
 * new TokenClient({ authUrl: '/api/token', attach: 'bearer' });
 * ```
 */
export type TokenPlacement = 'query' | 'bearer';

/**
 * Returns `url` with the token in its `auth` query parameter (replacing any previous one). Relative URLs resolve
 * against the page's location.
 *
 * Exported from `@grantkit/client`.
 *
 * @param url - The request URL.
 * @param token - The token.
 * @returns A new URL; `url` is not modified.
 * @example
 * ```ts
 * const events = new EventSource(withAuthParameter('/v2/subscribe/sub-c-1/room-1/0', client.getToken()!));
 * ```
 */
export function withAuthParameter(url: string | URL, token: string): URL {
  const result = new URL(url, (globalThis as { location?: { href: string } }).location?.href);
  result.searchParams.set('auth', token);
  return result;
}

/**
 * The URL and init of one attempt of a request, with the token placed.
 *
 * @internal
 */
export function attachToken(
  url: string | URL,
  init: RequestInit,
  token: string,
  placement?: TokenPlacement,
): [URL | string, RequestInit] {
  if (placement !== 'bearer') return [withAuthParameter(url, token), init];
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return [url, { ...init, headers }];
}
