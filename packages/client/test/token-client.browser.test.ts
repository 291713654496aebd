// TokenClient in the browser (Chromium and Firefox) with fake timers (and a fake Date): when refreshes happen, how
// failures are retried or given up on, what dispose() stops. Tokens are minted in the browser with WebCrypto at the
// fake time.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  TokenClient, TokenRefreshError, type FetchToken, type RefreshErrorEvent, type TokenEvent,
} from '@grantkit/client';
import { deferred } from './support/deferred.js';
import { mint } from './support/browser-mint.js';

const T0 = 1_750_000_000;

/** Advances fake time by `seconds`, running timers and the promise callbacks they start. */
async function advance(seconds: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(seconds * 1000);
}

/** Lets pending promise callbacks run without moving time. */
async function settle(): Promise<void> {
  await vi.advanceTimersByTimeAsync(0);
}

function record<K extends 'token' | 'refresh-error' | 'expired'>(client: TokenClient, type: K) {
  const events: unknown[] = [];
  client.on(type, (event) => events.push(event));
  return events;
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0 * 1000);
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('refresh timing', () => {
  it('refreshes refreshMargin + jitter before expiry, then again for the new token', async () => {
    const first = await mint(T0, 10);
    const second = await mint(T0 + 530, 10);
    const third = await mint(T0 + 1060, 10);
    const fetchToken = vi.fn<FetchToken>().mockResolvedValueOnce(second).mockResolvedValueOnce({ token: third });
    const client = new TokenClient({ token: first, fetchToken, refreshMargin: 60, jitter: 20, random: () => 0.5 });
    const tokens = record(client, 'token') as TokenEvent[];
    expect(client.expiresAt).toBe(T0 + 600);

    await advance(529.9);
    expect(fetchToken).not.toHaveBeenCalled();
    await advance(0.1); // 600 - (60 + 0.5 * 20) = 530 s after issue
    expect(fetchToken).toHaveBeenCalledTimes(1);
    expect(fetchToken.mock.calls[0]![0].signal).toBeInstanceOf(AbortSignal);
    expect(client.getToken()).toBe(second);
    expect(tokens).toEqual([{ token: second, expiresAt: T0 + 530 + 600, source: 'refresh' }]);

    await advance(529.9);
    expect(fetchToken).toHaveBeenCalledTimes(1);
    await advance(0.1);
    expect(fetchToken).toHaveBeenCalledTimes(2);
    expect(client.getToken()).toBe(third);
    client.dispose();
  });

  it('spreads clients that got their tokens together, by the random jitter', async () => {
    const token = await mint(T0, 10);
    const early = vi.fn<FetchToken>(() => mint(T0 + 525, 10));
    const late = vi.fn<FetchToken>(() => mint(T0 + 540, 10));
    const clients = [
      new TokenClient({ token, fetchToken: early, random: () => 0.999_999 }),
      new TokenClient({ token, fetchToken: late, random: () => 0 }),
    ];
    await advance(524.9);
    expect([early.mock.calls.length, late.mock.calls.length]).toEqual([0, 0]);
    await advance(0.2); // default margin 60 + jitter 15 · 0.999999
    expect([early.mock.calls.length, late.mock.calls.length]).toEqual([1, 0]);
    await advance(14.9); // default margin 60 + jitter 15 · 0
    expect([early.mock.calls.length, late.mock.calls.length]).toEqual([1, 1]);
    for (const client of clients) client.dispose();
  });

  it('never refreshes earlier than halfway through the remaining lifetime', async () => {
    const fetchToken = vi.fn<FetchToken>(() => mint(T0 + 30, 1));
    const client = new TokenClient({ token: await mint(T0, 1), fetchToken, refreshMargin: 120, random: () => 0 });
    await advance(29.9);
    expect(fetchToken).not.toHaveBeenCalled();
    await advance(0.1);
    expect(fetchToken).toHaveBeenCalledTimes(1);
    client.dispose();
  });

  it('keeps long-lived tokens (beyond setTimeout\'s 24.8-day range) until their refresh is due', async () => {
    const ttl = 43_200; // 30 days, PubNub's maximum
    const fetchToken = vi.fn<FetchToken>(() => mint(T0 + ttl * 60 - 60, ttl));
    const client = new TokenClient({ token: await mint(T0, ttl), fetchToken, jitter: 0 });
    const expired = record(client, 'expired');
    await advance(25 * 86_400);
    expect(fetchToken).not.toHaveBeenCalled();
    await advance(ttl * 60 - 60 - 25 * 86_400 - 0.5);
    expect(fetchToken).not.toHaveBeenCalled();
    await advance(0.5);
    expect(fetchToken).toHaveBeenCalledTimes(1);
    expect(expired).toEqual([]);
    client.dispose();
  });

  it('emits expired once a token without a token source runs out, and at once for a token already expired', async () => {
    const client = new TokenClient({ token: await mint(T0, 1) });
    const expired = record(client, 'expired');
    await advance(59.9);
    expect(expired).toEqual([]);
    await advance(0.1);
    expect(expired).toEqual([{ expiresAt: T0 + 60 }]);
    expect(client.expiresIn).toBe(0);
    expect(client.can({ channel: 'room-1' }, 'read').reason).toBe('expired');

    client.setToken(await mint(T0 - 3600, 1));
    await settle();
    expect(expired).toEqual([{ expiresAt: T0 + 60 }, { expiresAt: T0 - 3600 + 60 }]);
    client.dispose();
  });

  it('schedules by the issuer\'s clock when the device clock is hours off', async () => {
    for (const skew of [7200, -7200]) {
      vi.setSystemTime((T0 + skew) * 1000); // the device clock is wrong; the issuer's "now" is T0
      const fetchToken = vi.fn<FetchToken>(() => mint(T0, 10));
      const client = new TokenClient({ fetchToken, jitter: 0 });
      const expired = record(client, 'expired');
      await client.refresh();
      await advance(1);
      // Without the correction the token would look expired on arrival (or valid for 2 hours more).
      expect(fetchToken).toHaveBeenCalledTimes(1);
      expect(expired).toEqual([]);
      expect(client.expiresIn).toBeCloseTo(599, 0);
      expect(client.can({ channel: 'room-1' }, 'write').allowed).toBe(true);
      await advance(539);
      expect(fetchToken).toHaveBeenCalledTimes(2);
      client.dispose();
    }
  });
});

describe('concurrent refreshes', () => {
  it('share one request: refresh() calls, the scheduled refresh and fetch() all wait for the same token', async () => {
    const pending = deferred<string>();
    const fetchToken = vi.fn<FetchToken>(() => pending.promise);
    const apiFetch = vi.fn(async (_input: string | URL | Request, _init?: RequestInit) => new Response('ok'));
    const client = new TokenClient({ token: await mint(T0, 1), fetchToken, fetch: apiFetch, random: () => 0 });
    const calls = [client.refresh(), client.refresh(), client.refresh()];
    await advance(30); // the scheduled refresh comes due while the first is still in flight
    await advance(31); // ...and the token expires: fetch() must wait for the refresh too
    const response = client.fetch('https://api.example/history');
    const next = await mint(T0 + 61, 10);
    pending.resolve(next);
    expect(await Promise.all(calls)).toEqual([next, next, next]);
    await response;
    expect(fetchToken).toHaveBeenCalledTimes(1);
    expect(String(apiFetch.mock.calls[0]![0])).toBe(`https://api.example/history?auth=${encodeURIComponent(next)}`);

    // Once it settled, the next refresh is a new request.
    fetchToken.mockImplementation(() => mint(T0 + 62, 10));
    await client.refresh();
    expect(fetchToken).toHaveBeenCalledTimes(2);
    client.dispose();
  });
});

describe('failures', () => {
  it('retries retryable failures with exponential backoff, reporting each attempt', async () => {
    const token = await mint(T0, 10);
    const fetchToken = vi.fn<FetchToken>()
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockResolvedValueOnce(token);
    const client = new TokenClient({ fetchToken, random: () => 0, retry: { initialDelay: 1 } });
    const errors = record(client, 'refresh-error') as RefreshErrorEvent[];
    const result = client.refresh();
    await settle();
    expect(fetchToken).toHaveBeenCalledTimes(1);
    expect(errors.map(({ attempt, willRetry, retryIn }) => ({ attempt, willRetry, retryIn }))).toEqual([
      { attempt: 1, willRetry: true, retryIn: 0.5 },
    ]);
    expect(errors[0]!.error).toBeInstanceOf(TokenRefreshError);
    expect(errors[0]!.error).toMatchObject({ retryable: true, cause: expect.any(TypeError) });
    await advance(0.499);
    expect(fetchToken).toHaveBeenCalledTimes(1);
    await advance(0.001);
    expect(fetchToken).toHaveBeenCalledTimes(2);
    expect(errors.at(-1)).toMatchObject({ attempt: 2, willRetry: true, retryIn: 1 });
    await advance(1);
    expect(fetchToken).toHaveBeenCalledTimes(3);
    await expect(result).resolves.toBe(token);
    client.dispose();
  });

  it('gives up after `attempts`, rejecting with the last retryable error; the expiry starts another round', async () => {
    const fetchToken = vi.fn<FetchToken>(() => Promise.reject(new TypeError('Failed to fetch')));
    const client = new TokenClient({
      token: await mint(T0, 1), fetchToken, random: () => 0, retry: { attempts: 3, initialDelay: 1, maxDelay: 1.5 },
    });
    const errors = record(client, 'refresh-error') as RefreshErrorEvent[];
    const expired = record(client, 'expired');
    const result = client.refresh().catch((error: unknown) => error);
    await advance(0.5 + 0.75);
    expect(await result).toMatchObject({ code: 'ERR_TOKEN_REFRESH_FAILED', retryable: true });
    expect(fetchToken).toHaveBeenCalledTimes(3);
    expect(errors.map(({ willRetry, retryIn }) => [willRetry, retryIn])).toEqual([[true, 0.5], [true, 0.75], [false, undefined]]);

    await advance(60); // the scheduled refresh (at 30 s) fails another 3 times, then the token expires
    expect(fetchToken).toHaveBeenCalledTimes(9);
    expect(expired).toEqual([{ expiresAt: T0 + 60 }]);
    client.dispose();
  });

  it('stops on a permanent failure (token endpoint 401) until refresh() is called', async () => {
    let status = 401;
    const next = await mint(T0 + 100, 10);
    const endpoint = vi.fn(async (_input: string | URL | Request, _init?: RequestInit) =>
      status === 200 ? Response.json({ token: next }) : new Response('{"error":"signed out"}', { status }));
    const client = new TokenClient({ token: await mint(T0, 1), authUrl: '/session/token', fetch: endpoint, random: () => 0 });
    const errors = record(client, 'refresh-error') as RefreshErrorEvent[];
    const expired = record(client, 'expired');

    await advance(30);
    expect(endpoint).toHaveBeenCalledTimes(1);
    expect(String(endpoint.mock.calls[0]![0])).toBe('/session/token');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ attempt: 1, willRetry: false, retryIn: undefined });
    expect(errors[0]!.error).toMatchObject({ code: 'ERR_TOKEN_REFRESH_FAILED', retryable: false, status: 401 });

    await advance(3600); // no retries, not even at expiry
    expect(endpoint).toHaveBeenCalledTimes(1);
    expect(expired).toHaveLength(1);
    await expect(client.fetch('https://api.example/x')).rejects.toMatchObject({ retryable: false, status: 401 });
    expect(endpoint).toHaveBeenCalledTimes(1);

    status = 200; // the user signed in again; the app asks for a token explicitly
    await expect(client.refresh()).resolves.toBe(next);
    expect(endpoint).toHaveBeenCalledTimes(2);
    expect(client.getToken()).toBe(next);
    client.dispose();
  });

  it('treats a fetchToken that says retryable: false as permanent, and a thrown 403 Response too', async () => {
    for (const failure of [new TokenRefreshError('revoked session', { retryable: false }), new Response(null, { status: 403 })]) {
      const fetchToken = vi.fn<FetchToken>(() => Promise.reject(failure));
      const client = new TokenClient({ fetchToken });
      await expect(client.refresh()).rejects.toMatchObject({ retryable: false });
      await advance(120);
      expect(fetchToken).toHaveBeenCalledTimes(1);
      client.dispose();
    }
  });

  it('rejects a token source that returns no token, retryably', async () => {
    const fetchToken = vi.fn<FetchToken>(async () => ({}) as { token: string });
    const client = new TokenClient({ fetchToken, retry: { attempts: 2, initialDelay: 0.01 } });
    const result = client.refresh().catch((error: unknown) => error);
    await advance(1);
    expect(await result).toMatchObject({ retryable: true, message: 'Token source returned no token' });
    expect(fetchToken).toHaveBeenCalledTimes(2);
    client.dispose();
  });

  it('without fetchToken or authUrl, refresh() rejects permanently', async () => {
    await expect(new TokenClient().refresh()).rejects.toMatchObject({ retryable: false });
  });
});

describe('setToken, events and dispose', () => {
  it('a token set while a refresh is in flight wins, and a sign-out is not undone by it', async () => {
    for (const replacement of [await mint(T0, 5), undefined]) {
      const pending = deferred<string>();
      const client = new TokenClient({ token: await mint(T0, 10), fetchToken: () => pending.promise });
      const refreshed = client.refresh();
      client.setToken(replacement);
      const late = await mint(T0, 10, { meta: { late: true } });
      pending.resolve(late);
      await expect(refreshed).resolves.toBe(late);
      expect(client.getToken()).toBe(replacement);
      client.dispose();
    }
  });

  it('a permanent failure of a refresh overtaken by setToken does not stop the new token\'s refreshes', async () => {
    const pending = deferred<string>();
    const fetchToken = vi.fn<FetchToken>()
      .mockImplementationOnce(() => pending.promise)
      .mockImplementation(() => mint(T0 + 30, 1));
    const client = new TokenClient({ fetchToken, random: () => 0 });
    const stale = client.refresh().catch((error: unknown) => error);
    client.setToken(await mint(T0, 1));
    pending.reject(new TokenRefreshError('signed out', { retryable: false }));
    expect(await stale).toMatchObject({ retryable: false });
    await advance(30);
    expect(fetchToken).toHaveBeenCalledTimes(2);
    client.dispose();
  });

  it('setToken emits token, replaces the schedule, and clears a permanent failure', async () => {
    const client = new TokenClient();
    const tokens = record(client, 'token') as TokenEvent[];
    const first = await mint(T0, 1);
    const second = await mint(T0, 10);
    client.setToken(first);
    client.setToken(second);
    expect(tokens).toEqual([
      { token: first, expiresAt: T0 + 60, source: 'set' },
      { token: second, expiresAt: T0 + 600, source: 'set' },
    ]);
    const expired = record(client, 'expired');
    await advance(61);
    expect(expired).toEqual([]); // the first token's expiry timer went with it
    expect(() => client.setToken('not a token')).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_MALFORMED' }));
    expect(client.getToken()).toBe(second);
    client.dispose();
  });

  it('on() returns an unsubscribe function; off() removes; a throwing listener does not stop the others', async () => {
    const reported: Array<() => void> = [];
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((callback) => reported.push(callback));
    const client = new TokenClient();
    const seen: string[] = [];
    const stop = client.on('token', () => seen.push('a'));
    const b = (): void => {
      seen.push('b');
    };
    client.on('token', () => {
      throw new Error('listener bug');
    });
    client.on('token', b);
    client.setToken(await mint(T0, 10));
    expect(seen).toEqual(['a', 'b']);
    expect(reported).toHaveLength(1);
    expect(() => reported[0]!()).toThrow('listener bug');
    stop();
    client.off('token', b);
    client.setToken(await mint(T0, 10));
    expect(seen).toEqual(['a', 'b']);
    client.dispose();
  });

  it('dispose() clears every timer and aborts a refresh in flight with an AbortError', async () => {
    const fetchToken = vi.fn<FetchToken>(({ signal }) => new Promise((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason));
    }));
    const client = new TokenClient({ token: await mint(T0, 1), fetchToken, random: () => 0 });
    const events = [...(['token', 'expired', 'refresh-error'] as const).map((type) => record(client, type))];
    const inFlight = client.refresh().catch((error: unknown) => error);
    client.dispose();
    const error = await inFlight;
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
    expect(fetchToken.mock.calls[0]![0].signal.aborted).toBe(true);

    await advance(3600);
    expect(fetchToken).toHaveBeenCalledTimes(1);
    expect(events.flat()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    expect(client.getToken()).toBeUndefined();
    await expect(client.refresh()).rejects.toMatchObject({ name: 'AbortError' });
    await expect(client.fetch('https://api.example/x')).rejects.toMatchObject({ name: 'AbortError' });
    expect(() => client.setToken(undefined)).toThrow(expect.objectContaining({ name: 'AbortError' }));
    client.dispose(); // idempotent
  });

  it('dispose() during a retry wait rejects at once instead of after the wait', async () => {
    const fetchToken = vi.fn<FetchToken>(() => Promise.reject(new TypeError('offline')));
    const client = new TokenClient({ fetchToken, retry: { initialDelay: 30 } });
    const result = client.refresh().catch((error: unknown) => error);
    await settle();
    client.dispose();
    expect(await result).toMatchObject({ name: 'AbortError' });
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });
});

describe('state', () => {
  it('expiresAt is Unix seconds; expiresIn follows the clock; can() uses the client uuid', async () => {
    const client = new TokenClient({ uuid: 'bob' });
    expect([client.expiresAt, client.expiresIn, client.getToken()]).toEqual([undefined, undefined, undefined]);
    expect(client.can({ channel: 'room-1' }, 'read')).toEqual({ allowed: false, reason: 'no-grant', message: 'No token set' });
    client.setToken(await mint(T0, 10));
    expect(client.expiresAt).toBe(T0 + 600);
    await advance(100);
    expect(client.expiresIn).toBe(500);
    expect(client.can({ channel: 'room-1' }, 'read').reason).toBe('uuid-mismatch');
    const alice = new TokenClient({ uuid: 'alice', token: client.getToken() });
    expect(alice.can({ channel: 'room-1' }, 'write')).toMatchObject({ allowed: true, reason: 'granted' });
    expect(alice.can({ channel: 'room-2' }, 'write')).toMatchObject({ allowed: false, reason: 'no-grant' });
    client.dispose();
    alice.dispose();
  });
});
