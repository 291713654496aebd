/**
 * `TokenClient`: holds the browser's token, refreshes it before it expires, answers permission questions locally and
 * attaches the token to requests.
 *
 * @module
 */
import {
  decodeToken,
  type AuthorizationDecision, type Clock, type ParsedToken, type Permission, type ResourceRef, type TokenPayload,
} from '@grantkit/core';
import { attachToken, type TokenPlacement } from './attach-token.js';
import { checkPermission, deny } from './check-permission.js';
import { TokenRefreshError } from './errors.js';
import { parseToken } from './parse-token.js';
import { retryDelay, toRefreshError, type RetryOptions } from './refresh.js';
import { refuseSecretKey, refuseSecretOptions } from './secret-key.js';
import { endpointTokenSource, type FetchToken } from './token-endpoint.js';

/**
 * Options for {@link TokenClient}. Durations are in seconds. Give `fetchToken` or `authUrl` to let the client obtain
 * and refresh tokens itself; without either it only holds what you pass to `setToken`.
 *
 * Exported from `@grantkit/client`.
 *
 * @example
 * ```ts
 * const options: TokenClientOptions = { authUrl: '/api/pubnub-token', uuid: 'alice', refreshMargin: 120 };
 * ```
 */
export interface TokenClientOptions {
  /** A token to start with (from a previous page load, or rendered into the page). */
  token?: string;
  /** Your token source, called for every refresh. Takes precedence over `authUrl`. */
  fetchToken?: FetchToken;
  /** An app-server endpoint that answers `{ "token": "…" }`; 401/403 from it is a permanent failure. */
  authUrl?: string | URL;
  /** `fetch` options for `authUrl` (method, headers, `credentials`...). Default: a GET with the browser's defaults. */
  authRequest?: RequestInit;
  /** The uuid (PubNub `userId`) this client acts as; `can()` checks a token's uuid binding against it. */
  uuid?: string;
  /** How {@link TokenClient.fetch} attaches the token: `query` (`auth=`, as PubNub, default) or `bearer`. */
  attach?: TokenPlacement;
  /** Refresh this many seconds before expiry. Default 60. Never earlier than halfway through the remaining life. */
  refreshMargin?: number;
  /** Up to this many extra seconds of random lead, so tabs that got tokens together do not refresh together. Default 15. */
  jitter?: number;
  /** Retries of a failing refresh. */
  retry?: RetryOptions;
  /** The `fetch` used for `authUrl` and {@link TokenClient.fetch}. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Unix time in seconds (fractions allowed). Default: `Date.now() / 1000`. For tests. */
  clock?: Clock;
  /** A number in [0, 1) for jitter. Default `Math.random`. For tests. */
  random?: () => number;
}

/**
 * A token was set or refreshed.
 *
 * Exported from `@grantkit/client`.
 *
 * @example
 * ```ts
 * client.on('token', ({ token }) => pubnub.setToken(token));
 * ```
 */
export interface TokenEvent {
  /** The new token. Hand it to your PubNub client; do not log it. */
  token: string;
  /** When it expires, Unix seconds (issuer's clock). */
  expiresAt: number;
  /** `set` for {@link TokenClient.setToken}, `refresh` for a token the client obtained. */
  source: 'set' | 'refresh';
}

/**
 * An attempt to obtain a token failed.
 *
 * Exported from `@grantkit/client`.
 *
 * @example
 * ```ts
 * client.on('refresh-error', ({ error, willRetry }) => { if (!willRetry) showOffline(error.retryable); });
 * ```
 */
export interface RefreshErrorEvent {
  /** What went wrong; `error.retryable === false` means the client has stopped refreshing on its own. */
  error: TokenRefreshError;
  /** Which attempt of this refresh failed, from 1. */
  attempt: number;
  /** Whether the client will try again. */
  willRetry: boolean;
  /** Seconds until the next attempt, when there is one. */
  retryIn: number | undefined;
}

/**
 * The current token has expired (no fresh one arrived in time).
 *
 * Exported from `@grantkit/client`.
 *
 * @example
 * ```ts
 * client.on('expired', () => showBanner('Reconnecting…'));
 * ```
 */
export interface ExpiredEvent {
  /** When it expired, Unix seconds (issuer's clock). */
  expiresAt: number;
}

/**
 * Events of {@link TokenClient} and their payloads.
 *
 * Exported from `@grantkit/client`.
 *
 * @example
 * ```ts
 * const name: keyof TokenClientEvents = 'refresh-error';
 * ```
 */
export interface TokenClientEvents {
  token: TokenEvent;
  'refresh-error': RefreshErrorEvent;
  expired: ExpiredEvent;
}

/**
 * A listener for one {@link TokenClientEvents} type.
 *
 * Exported from `@grantkit/client`.
 *
 * @example
 * ```ts
 * const onToken: TokenClientListener<'token'> = ({ expiresAt }) => console.log('valid until', expiresAt);
 * ```
 */
export type TokenClientListener<K extends keyof TokenClientEvents> = (event: TokenClientEvents[K]) => void;

/** setTimeout's longest delay (about 24.8 days); a token may live 30. Longer waits re-arm when it fires. */
const MAX_TIMER_DELAY = 2_147_483_647;

/**
 * Holds a token in the browser and keeps it fresh.
 *
 * - **Refresh**: with `fetchToken` or `authUrl`, the client refreshes `refreshMargin` seconds (plus up to `jitter`)
 *   before expiry, never earlier than halfway through the remaining lifetime. Concurrent refreshes share one
 *   request. Retryable failures are retried with exponential backoff; a permanent one (the endpoint answers 401 or
 *   403) stops automatic refreshing until you call {@link TokenClient.refresh} or {@link TokenClient.setToken}.
 * - **Clock**: when a freshly obtained token looks expired or issued in the future by the device clock, the client
 *   measures the offset from the token's issue time and schedules by the issuer's clock instead.
 * - **Secrets**: a secret key (`sec-c-…`) passed as a token or option, or an option named `secretKey`, throws
 *   `KeyInvalidError`. Tokens never appear in errors or logs.
 *
 * Exported from `@grantkit/client`.
 *
 * @example
 * ```ts
 * import { TokenClient } from '@grantkit/client';
 * const client = new TokenClient({ authUrl: '/api/pubnub-token', uuid: 'alice' });
 * client.on('token', ({ token }) => pubnub.setToken(token));
 * client.on('refresh-error', ({ error }) => { if (!error.retryable) location.assign('/sign-in'); });
 * await client.refresh();
 * client.can({ channel: 'room-1' }, 'write'); // { allowed: true, reason: 'granted', … }
 * const response = await client.fetch('/v1/history/room-1'); // …?auth=<token>, refreshed and retried once on 403
 * ```
 */
export class TokenClient {
  #token: string | undefined;
  #payload: TokenPayload | undefined;
  /** Issuer clock minus device clock, in seconds; see `measureClock`. */
  #offset = 0;
  #inflight: Promise<string> | undefined;
  /** The last permanent refresh failure; automatic refreshes stop while it is set. */
  #failure: TokenRefreshError | undefined;
  /** Bumped by setToken, so a refresh that started before it cannot overwrite (or resurrect) its token. */
  #generation = 0;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #controller = new AbortController();
  // Listener parameters are contravariant: `never` admits every listener type; `emit` restores it.
  #listeners: Partial<Record<keyof TokenClientEvents, Set<(event: never) => void>>> = {};
  readonly #source: FetchToken | undefined;
  readonly #options: TokenClientOptions;
  readonly #random: () => number;

  /**
   * Creates a client. It does not fetch anything until asked (`refresh()`, `fetch()`) or until the initial token
   * nears expiry.
   *
   * @param options - Token source, uuid, timing. See {@link TokenClientOptions}.
   * @throws `KeyInvalidError` `ERR_KEY_INVALID` for a secret key in any option; `TokenMalformedError`
   *   `ERR_TOKEN_MALFORMED` for a bad initial `token`.
   */
  constructor(options: TokenClientOptions = {}) {
    refuseSecretOptions(options);
    this.#options = options;
    this.#random = options.random ?? Math.random;
    this.#source = options.fetchToken ??
      (options.authUrl === undefined ? undefined : endpointTokenSource(options.authUrl, options.authRequest ?? {}, options.fetch));
    if (options.token !== undefined) this.setToken(options.token);
  }

  /**
   * Sets the token (for example one your page received at sign-in), replacing any other, and schedules its refresh.
   * `undefined` clears it (sign-out): a refresh still in flight will not bring a token back.
   *
   * @param token - Token text, or `undefined` to clear.
   * @throws `TokenMalformedError` `ERR_TOKEN_MALFORMED`; `KeyInvalidError` `ERR_KEY_INVALID` for a secret key;
   *   the `AbortError` `DOMException` after `dispose()`.
   * @example
   * ```ts
   * client.setToken(tokenFromServer);
   * ```
   */
  setToken(token: string | undefined): void {
    this.#controller.signal.throwIfAborted();
    let payload: TokenPayload | undefined;
    if (token !== undefined) {
      refuseSecretKey(token, 'token');
      payload = decodeToken(token);
    }
    this.#generation++;
    this.#failure = undefined;
    this.#apply(token, payload, 'set');
  }

  /**
   * The current token, or `undefined` when none is set.
   *
   * @returns The token text.
   * @example
   * ```ts
   * pubnub.setToken(client.getToken());
   * ```
   */
  getToken(): string | undefined {
    return this.#token;
  }

  /**
   * Parses a token exactly as the official `pubnub` SDK's `parseToken` does; see the standalone `parseToken`.
   *
   * @param token - Token text.
   * @returns The SDK-shaped description.
   * @throws `TokenMalformedError` `ERR_TOKEN_MALFORMED`; `KeyInvalidError` `ERR_KEY_INVALID`.
   * @example
   * ```ts
   * client.parseToken(client.getToken()!).resources?.channels;
   * ```
   */
  parseToken(token: string): ParsedToken {
    return parseToken(token);
  }

  /**
   * When the current token expires, in **Unix seconds** (`timestamp + ttl * 60`, the issuer's clock), or `undefined`
   * without a token. Multiply by 1000 for a `Date`.
   *
   * @example
   * ```ts
   * new Date(client.expiresAt! * 1000).toLocaleTimeString();
   * ```
   */
  get expiresAt(): number | undefined {
    return this.#payload && expiryOf(this.#payload);
  }

  /**
   * Seconds until the current token expires (negative once it has), by the client's clock corrected for any
   * measured skew; `undefined` without a token.
   *
   * @example
   * ```ts
   * label.textContent = `${Math.max(0, Math.floor(client.expiresIn ?? 0))} s left`;
   * ```
   */
  get expiresIn(): number | undefined {
    return this.#payload && expiryOf(this.#payload) - this.#now();
  }

  /**
   * A local hint: would the current token allow `permission` on `resource`? Same reasons as core's `authorize`;
   * `no-grant` with the message `No token set` when there is no token. The server still decides.
   *
   * @param resource - `{ channel }`, `{ group }`, `{ uuid }`, `{ space }` or `{ user }`.
   * @param permission - The permission needed.
   * @returns `{ allowed, reason, message, match? }`.
   * @example
   * ```ts
   * sendButton.disabled = !client.can({ channel: 'room-1' }, 'write').allowed;
   * ```
   */
  can(resource: ResourceRef, permission: Permission): AuthorizationDecision {
    if (this.#payload === undefined) return deny('no-grant', 'No token set');
    return checkPermission(this.#payload, resource, permission, { uuid: this.#options.uuid, now: this.#now() });
  }

  /**
   * Obtains a fresh token now from `fetchToken` / `authUrl`, retrying retryable failures with backoff. Concurrent
   * calls (and automatic refreshes) share one request. Clears a previous permanent failure, so call it after the
   * user signs in again.
   *
   * @returns The new token.
   * @throws {@link TokenRefreshError} `ERR_TOKEN_REFRESH_FAILED` once attempts are exhausted or on a permanent
   *   failure; an `AbortError` `DOMException` when the client is (or gets) disposed.
   * @example
   * ```ts
   * const token = await client.refresh();
   * ```
   */
  refresh(): Promise<string> {
    this.#failure = undefined;
    return this.#obtain();
  }

  /**
   * `fetch` with the token attached (`auth` query parameter or bearer header, per `attach`). Obtains a token first
   * when there is none or it has expired. On a 403 it refreshes once (or picks up a token that was refreshed
   * meanwhile) and retries once; a second 403 is returned as is. A body given as a `ReadableStream` cannot be
   * replayed, so such requests are not retried.
   *
   * @param url - Request URL, absolute or relative to the page.
   * @param init - `fetch` options.
   * @returns The response.
   * @throws {@link TokenRefreshError} `ERR_TOKEN_REFRESH_FAILED` when no usable token can be obtained; whatever
   *   `fetch` throws.
   * @example
   * ```ts
   * const response = await client.fetch(`/publish/${pub}/${sub}/0/room-1/0/${encodeURIComponent('"hi"')}`);
   * ```
   */
  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const placement = this.#options.attach;
    const fetchImpl = this.#options.fetch ?? fetch;
    // The current token while it is valid (or when nothing can replace it), otherwise a new one.
    const used = this.#token !== undefined && (this.#source === undefined || this.#now() < expiryOf(this.#payload!))
      ? this.#token
      : await this.#obtain(true);
    let response = await fetchImpl(...attachToken(url, init, used, placement));
    if (response.status === 403 && this.#source !== undefined && !(init.body instanceof ReadableStream)) {
      void response.body?.cancel().catch(() => {});
      const token = this.#token !== undefined && this.#token !== used ? this.#token : await this.#obtain(true);
      response = await fetchImpl(...attachToken(url, init, token, placement));
    }
    return response;
  }

  /**
   * Subscribes to an event: `token`, `refresh-error` or `expired`. A listener that throws does not disturb the
   * client or other listeners; its error is rethrown asynchronously.
   *
   * @param type - Event name.
   * @param listener - Called with the event payload.
   * @returns A function that unsubscribes.
   * @example
   * ```ts
   * const stop = client.on('expired', () => console.warn('token expired'));
   * stop();
   * ```
   */
  on<K extends keyof TokenClientEvents>(type: K, listener: TokenClientListener<K>): () => void {
    (this.#listeners[type] ??= new Set()).add(listener);
    return () => this.off(type, listener);
  }

  /**
   * Unsubscribes a listener added with {@link TokenClient.on}.
   *
   * @param type - Event name.
   * @param listener - The same function.
   * @example
   * ```ts
   * client.off('token', onToken);
   * ```
   */
  off<K extends keyof TokenClientEvents>(type: K, listener: TokenClientListener<K>): void {
    this.#listeners[type]?.delete(listener);
  }

  /**
   * Stops the client: clears every timer, aborts a refresh in flight (its promise rejects with
   * an `AbortError` `DOMException`), drops listeners and the token. Idempotent.
   *
   * @example
   * ```ts
   * onUnmount(() => client.dispose());
   * ```
   */
  dispose(): void {
    this.#clearTimers();
    this.#controller.abort();
    this.#listeners = {};
    this.#token = this.#payload = undefined;
  }

  /** The clock corrected by the measured offset: Unix seconds on the issuer's clock. */
  #now(): number {
    return (this.#options.clock?.() ?? Date.now() / 1000) + this.#offset;
  }

  /** One shared refresh. Automatic callers give up at once after a permanent failure. */
  #obtain(automatic = false): Promise<string> {
    if (this.#controller.signal.aborted) return Promise.reject(this.#controller.signal.reason);
    if (automatic && this.#failure !== undefined) return Promise.reject(this.#failure);
    const source = this.#source;
    if (source === undefined) {
      return Promise.reject(new TokenRefreshError('No fetchToken or authUrl configured', { retryable: false }));
    }
    return (this.#inflight ??= this.#run(source).finally(() => {
      this.#inflight = undefined;
    }));
  }

  async #run(source: FetchToken): Promise<string> {
    const generation = this.#generation;
    const { signal } = this.#controller;
    const retry = this.#options.retry ?? {};
    for (let attempt = 1; ; attempt++) {
      let error: TokenRefreshError;
      try {
        const result = await source({ signal });
        const token = typeof result === 'string' ? result : result?.token;
        if (typeof token !== 'string') throw new TokenRefreshError('Token source returned no token');
        refuseSecretKey(token, 'token');
        const payload = decodeToken(token);
        if (signal.aborted) throw signal.reason;
        if (generation === this.#generation) {
          this.#measureClock(payload);
          this.#apply(token, payload, 'refresh');
        }
        return token;
      } catch (cause) {
        if (signal.aborted) throw signal.reason;
        error = toRefreshError(cause);
      }
      const willRetry = error.retryable && attempt < (retry.attempts ?? 5);
      const retryIn = willRetry ? retryDelay(attempt, retry, this.#random()) : undefined;
      // A refresh overtaken by setToken must not stop the new token's refreshes.
      if (!error.retryable && generation === this.#generation) this.#failure = error;
      this.#emit('refresh-error', { error, attempt, willRetry, retryIn });
      if (retryIn === undefined) throw error;
      await this.#sleep(retryIn);
    }
  }

  /**
   * A freshly issued token's `timestamp` is the issuer's "now". When the device clock puts it more than a minute in
   * the future or already past expiry, the device clock is wrong: schedule by the issuer's clock instead, or every
   * refresh would look expired on arrival and refresh again at once.
   */
  #measureClock(payload: TokenPayload): void {
    const local = this.#now() - this.#offset;
    this.#offset = payload.timestamp > local + 60 || expiryOf(payload) <= local ? payload.timestamp - local : 0;
  }

  #apply(token: string | undefined, payload: TokenPayload | undefined, source: TokenEvent['source']): void {
    this.#token = token;
    this.#payload = payload;
    this.#clearTimers();
    if (token === undefined || payload === undefined) return;
    const expiresAt = expiryOf(payload);
    this.#at(expiresAt, () => {
      this.#emit('expired', { expiresAt });
      this.#autoRefresh();
    });
    const remaining = expiresAt - this.#now();
    if (this.#source !== undefined && remaining > 0) {
      // Never earlier than halfway, and at least a second apart, so a server handing out short-lived tokens
      // cannot drive a refresh loop.
      const lead = Math.min(
        (this.#options.refreshMargin ?? 60) + (this.#options.jitter ?? 15) * this.#random(), remaining / 2, remaining - 1,
      );
      this.#at(expiresAt - lead, () => this.#autoRefresh());
    }
    this.#emit('token', { token, expiresAt, source });
  }

  #autoRefresh(): void {
    // Failures reach the app through 'refresh-error'; nothing awaits this promise.
    this.#obtain(true).catch(() => {});
  }

  /** Runs `run` once the (corrected) clock reaches `time`, re-arming when setTimeout's range or a lagging timer fall short. */
  #at(time: number, run: () => void): void {
    const id = setTimeout(() => {
      this.#timers.delete(id);
      if (time - this.#now() > 0.001) this.#at(time, run);
      else run();
    }, Math.min(MAX_TIMER_DELAY, Math.max(0, (time - this.#now()) * 1000)));
    this.#timers.add(id);
  }

  #clearTimers(): void {
    for (const id of this.#timers) clearTimeout(id);
    this.#timers.clear();
  }

  /** Waits between attempts; rejects with the abort reason on dispose. Not in `timers`: a new token must not cancel a retry wait. */
  #sleep(seconds: number): Promise<void> {
    const { signal } = this.#controller;
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(id);
        signal.removeEventListener('abort', done);
        if (signal.aborted) reject(signal.reason);
        else resolve();
      };
      const id = setTimeout(done, Math.min(MAX_TIMER_DELAY, seconds * 1000));
      signal.addEventListener('abort', done);
    });
  }

  #emit<K extends keyof TokenClientEvents>(type: K, event: TokenClientEvents[K]): void {
    // A Set tolerates listeners removing themselves while it is iterated.
    for (const listener of this.#listeners[type] ?? []) {
      try {
        (listener as TokenClientListener<K>)(event);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

/** Unix seconds at which a token expires (core's formula, without importing core's verifier). */
function expiryOf(payload: TokenPayload): number {
  return payload.timestamp + payload.ttl * 60;
}
