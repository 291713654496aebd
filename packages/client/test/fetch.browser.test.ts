// The request helper, over real HTTP: the vitest dev server plays the app server (test/support/token-server-plugin)
// and only accepts the newest token it minted, so an older one gets the 403 a revoked or expired one would.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenClient, TokenRefreshError, withAuthParameter, type RefreshErrorEvent } from '@grantkit/client';
import { mint, sessionId } from './support/browser-mint.js';

const clients: TokenClient[] = [];

function server(query = '') {
  const base = `/__grantkit/${sessionId()}`;
  const client = new TokenClient({ authUrl: `${base}/token${query}`, uuid: 'alice', retry: { initialDelay: 0.01 } });
  clients.push(client);
  return {
    client,
    api: (channel: string) => `${base}/api/${channel}`,
    /** Mints a newer token server-side, as another tab would: every older token is refused from now on. */
    rotate: () => fetch(`${base}/token`),
    stats: async (): Promise<{ tokenRequests: number; apiRequests: number }> => (await fetch(`${base}/stats`)).json(),
  };
}

afterEach(() => {
  for (const client of clients.splice(0)) client.dispose();
  vi.restoreAllMocks();
});

describe('client.fetch over HTTP', () => {
  it('obtains a token first, then sends it as the auth query parameter', async () => {
    const { client, api, stats } = server();
    const response = await client.fetch(api('room-1'));
    expect(response.status).toBe(200);
    expect(await stats()).toEqual({ tokenRequests: 1, apiRequests: 1 });
    expect(client.can({ channel: 'room-1' }, 'write').allowed).toBe(true);
    expect(client.can({ channel: 'public-news' }, 'read')).toMatchObject({ allowed: true, match: { source: 'patterns' } });
  });

  it('on a 403 refreshes once and retries once with the new token', async () => {
    const { client, api, rotate, stats } = server();
    await client.fetch(api('room-1'));
    const before = client.getToken();
    await rotate();
    const response = await client.fetch(api('room-1'));
    expect(response.status).toBe(200);
    expect(client.getToken()).not.toBe(before);
    expect(await stats()).toEqual({ tokenRequests: 3, apiRequests: 3 });
  });

  it('returns a second 403 as it is: one refresh, one retry, no loop', async () => {
    const { client, api, stats } = server();
    await client.fetch(api('room-1'));
    const response = await client.fetch(api('secret-room'));
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: "Token grants nothing on channel 'secret-room'" });
    expect(await stats()).toEqual({ tokenRequests: 2, apiRequests: 3 });
  });

  it('concurrent 403s share one refresh', async () => {
    const { client, api, rotate, stats } = server();
    await client.fetch(api('room-1'));
    await rotate();
    const responses = await Promise.all(Array.from({ length: 5 }, () => client.fetch(api('room-1'))));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await stats()).tokenRequests).toBe(3);
  });

  it('sends a bearer header instead when attach is bearer', async () => {
    const base = `/__grantkit/${sessionId()}`;
    const client = new TokenClient({ authUrl: `${base}/token`, attach: 'bearer' });
    clients.push(client);
    const spy = vi.spyOn(globalThis, 'fetch');
    expect((await client.fetch(`${base}/api/room-1`)).status).toBe(200);
    const [url, init] = spy.mock.calls.at(-1)!;
    expect(String(url)).toBe(`${base}/api/room-1`);
    expect(new Headers(init?.headers).get('authorization')).toBe(`Bearer ${client.getToken()}`);
  });

  it('a 401 from the token endpoint is a permanent failure: typed, reported once, not retried', async () => {
    const { client, api, stats } = server('?fail=401');
    const errors: RefreshErrorEvent[] = [];
    client.on('refresh-error', (event) => errors.push(event));
    const failure = await client.fetch(api('room-1')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TokenRefreshError);
    expect(failure).toMatchObject({ code: 'ERR_TOKEN_REFRESH_FAILED', retryable: false, status: 401 });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.willRetry).toBe(false);
    await expect(client.fetch(api('room-1'))).rejects.toBe(failure);
    expect(await stats()).toEqual({ tokenRequests: 1, apiRequests: 0 });
  });

  it('503s from the token endpoint are retried with backoff until a token comes', async () => {
    const { client, api, stats } = server('?fail=503,503');
    const errors: RefreshErrorEvent[] = [];
    client.on('refresh-error', (event) => errors.push(event));
    expect((await client.fetch(api('room-1'))).status).toBe(200);
    expect(errors.map(({ attempt, willRetry, error }) => [attempt, willRetry, error.status])).toEqual([
      [1, true, 503], [2, true, 503],
    ]);
    expect(await stats()).toEqual({ tokenRequests: 3, apiRequests: 1 });
  });
});

describe('client.fetch, request shapes', () => {
  it('keeps the caller\'s method, headers and body, replays a string body on the retry, resolves relative URLs', async () => {
    const apiFetch = vi.fn(async (_input: string | URL | Request, _init?: RequestInit) =>
      new Response(null, { status: apiFetch.mock.calls.length === 1 ? 403 : 201 }));
    let issued = 0;
    const client = new TokenClient({ fetchToken: () => mint(Date.now() / 1000 - issued++, 10), fetch: apiFetch });
    clients.push(client);
    const response = await client.fetch('/v1/messages?limit=5', { method: 'POST', headers: { 'x-app': '1' }, body: '{"a":1}' });
    expect(response.status).toBe(201);
    expect(apiFetch).toHaveBeenCalledTimes(2);
    const [[firstUrl], [secondUrl, secondInit]] = apiFetch.mock.calls as unknown as [[URL], [URL, RequestInit]];
    expect(firstUrl.origin).toBe(location.origin);
    expect(secondUrl.searchParams.get('limit')).toBe('5');
    expect(firstUrl.searchParams.get('auth')).not.toBe(secondUrl.searchParams.get('auth'));
    expect(secondUrl.searchParams.get('auth')).toBe(client.getToken());
    expect(secondInit).toMatchObject({ method: 'POST', headers: { 'x-app': '1' }, body: '{"a":1}' });
  });

  it('does not retry a request whose body is a one-shot stream', async () => {
    const apiFetch = vi.fn(async (_input: string | URL | Request, _init?: RequestInit) => new Response(null, { status: 403 }));
    const fetchToken = vi.fn(() => mint(Date.now() / 1000, 10));
    const client = new TokenClient({ fetchToken, fetch: apiFetch });
    clients.push(client);
    const body = new ReadableStream({ start: (controller) => controller.close() });
    const response = await client.fetch('https://api.example/upload', { method: 'POST', body });
    expect(response.status).toBe(403);
    expect(apiFetch).toHaveBeenCalledTimes(1);
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it('sends a set token as it is when there is no token source', async () => {
    const apiFetch = vi.fn(async (_input: string | URL | Request, _init?: RequestInit) => new Response(null, { status: 403 }));
    const token = await mint(Date.now() / 1000, 10);
    const client = new TokenClient({ token, fetch: apiFetch });
    clients.push(client);
    expect((await client.fetch('https://api.example/a')).status).toBe(403);
    expect(apiFetch).toHaveBeenCalledTimes(1);
    await expect(new TokenClient({ fetch: apiFetch }).fetch('https://api.example/a')).rejects.toMatchObject({
      code: 'ERR_TOKEN_REFRESH_FAILED', retryable: false,
    });
  });

  it('withAuthParameter builds URLs for EventSource and WebSocket, relative to the page', () => {
    const url = withAuthParameter('/v2/subscribe/sub-c-1/room-1/0?tt=0', 'abc=');
    expect(url.href).toBe(`${location.origin}/v2/subscribe/sub-c-1/room-1/0?tt=0&auth=abc%3D`);
  });
});
