import { describe, expect, it, vi } from 'vitest';
import { isTokenRefreshError, type TokenRefreshError } from './errors.js';
import { endpointTokenSource } from './token-endpoint.js';

const TOKEN = 'qEF2AkF0GmFtet9DdHRsGDxDcmVzpURjaGFu';

function source(respond: () => Response | Promise<Response>) {
  const fetchStub = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => respond());
  return { fetchStub, fetchToken: endpointTokenSource('https://app.example/token', { method: 'POST', credentials: 'include' }, fetchStub) };
}

async function failure(respond: () => Response | Promise<Response>): Promise<TokenRefreshError> {
  const error = await Promise.resolve(source(respond).fetchToken({ signal: new AbortController().signal })).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isTokenRefreshError(error)) throw new Error('expected a TokenRefreshError');
  return error;
}

describe('endpointTokenSource', () => {
  it('returns the token field, passing the request options and the abort signal on', async () => {
    const { fetchStub, fetchToken } = source(() => Response.json({ token: TOKEN, expiresIn: 900 }));
    const signal = new AbortController().signal;
    await expect(fetchToken({ signal })).resolves.toBe(TOKEN);
    expect(fetchStub).toHaveBeenCalledWith('https://app.example/token', { method: 'POST', credentials: 'include', signal });
  });

  it.each([401, 403, 400, 404, 410])('HTTP %i is permanent', async (status) => {
    expect(await failure(() => new Response('nope', { status }))).toMatchObject({ retryable: false, status });
  });

  it.each([408, 429, 500, 502, 503, 504])('HTTP %i is retryable', async (status) => {
    expect(await failure(() => new Response('later', { status }))).toMatchObject({ retryable: true, status });
  });

  it('a network failure is retryable and keeps its cause', async () => {
    const cause = new TypeError('Failed to fetch');
    expect(await failure(() => Promise.reject(cause))).toMatchObject({ retryable: true, status: undefined, cause });
  });

  it.each([
    ['HTML from a captive portal', () => new Response('<html>login</html>', { status: 200 })],
    ['JSON without a token', () => Response.json({ error: 'none' })],
    ['a non-string token', () => Response.json({ token: 42 })],
    ['null', () => Response.json(null)],
  ])('%s is retryable and never echoes the body', async (_name, respond) => {
    const error = await failure(respond);
    expect(error).toMatchObject({ retryable: true, status: 200 });
    expect(error.message).not.toMatch(/html|login|none|42/);
  });
});
