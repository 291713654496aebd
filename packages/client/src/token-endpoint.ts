/**
 * Obtaining a token from an app-server endpoint (`authUrl`) that answers `{ "token": "…" }`, and sorting failures
 * into permanent and retryable.
 *
 * @module
 */
import { TokenRefreshError } from './errors.js';

/**
 * What a token source receives.
 *
 * Exported from `@grantkit/client`.
 *
 * @example
 * ```ts
 * const fetchToken = ({ signal }: FetchTokenContext) => fetch('/api/token', { signal }).then((r) => r.json());
 * ```
 */
export interface FetchTokenContext {
  /** Aborted when the client is disposed; pass it on to `fetch`. */
  signal: AbortSignal;
}

/**
 * The app's token source: resolves to the token text, or to an object with a `token` field (an app server's JSON
 * answer as is). Throw a {@link TokenRefreshError} with `retryable: false` to stop retries; errors with an HTTP
 * `status` of 401 or 403 count as permanent too.
 *
 * Exported from `@grantkit/client`.
 *
 * @example
 * ```ts
 * const fetchToken: FetchToken = async ({ signal }) => (await api.post('/token', { signal })).data.token;
 * ```
 */
export type FetchToken = (context: FetchTokenContext) => Promise<string | { token: string }> | string;

/**
 * Whether an HTTP failure may go away: 408, 429 and 5xx may; 401/403 (the session is over) and other 4xx do not.
 *
 * @internal
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * A {@link FetchToken} that asks `url` for a token. The response must be JSON with a `token` string. Response bodies
 * never appear in errors: they hold tokens.
 *
 * @internal
 */
export function endpointTokenSource(url: string | URL, init: RequestInit, fetchImpl?: typeof fetch): FetchToken {
  return async ({ signal }) => {
    let response: Response;
    try {
      response = await (fetchImpl ?? fetch)(url, { ...init, signal });
    } catch (cause) {
      throw new TokenRefreshError('Token endpoint unreachable', { cause });
    }
    if (!response.ok) {
      throw new TokenRefreshError(`Token endpoint answered HTTP ${response.status}`, {
        retryable: isRetryableStatus(response.status),
        status: response.status,
      });
    }
    let token: unknown;
    try {
      token = ((await response.json()) as { token?: unknown } | null)?.token;
    } catch {
      // Not JSON: reported below like a JSON answer without a token.
    }
    if (typeof token !== 'string') {
      throw new TokenRefreshError('Token source returned no token', { status: response.status });
    }
    return token;
  };
}
