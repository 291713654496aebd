import { isGrantkitError, KeyInvalidError, TokenMalformedError } from '@grantkit/core';
import { describe, expect, it } from 'vitest';
import { TokenRefreshError } from './errors.js';
import { retryDelay, toRefreshError } from './refresh.js';

describe('retryDelay', () => {
  it('doubles from initialDelay, caps at maxDelay, and keeps a random half', () => {
    const options = { initialDelay: 1, maxDelay: 10 };
    expect([1, 2, 3, 4, 5, 6].map((attempt) => retryDelay(attempt, options, 0))).toEqual([0.5, 1, 2, 4, 5, 5]);
    expect([1, 2, 3].map((attempt) => retryDelay(attempt, options, 0.999_999))).toEqual([
      expect.closeTo(1, 5), expect.closeTo(2, 5), expect.closeTo(4, 5),
    ]);
    expect(retryDelay(1, {}, 0.5)).toBe(0.75);
  });
});

describe('toRefreshError', () => {
  it('passes a TokenRefreshError through unchanged', () => {
    const error = new TokenRefreshError('x', { retryable: false });
    expect(toRefreshError(error)).toBe(error);
  });

  it.each([
    ['a network TypeError', new TypeError('Failed to fetch'), true, undefined],
    ['a malformed token', new TokenMalformedError('token is not valid base64url'), true, undefined],
    ['a secret key from the source', new KeyInvalidError('token is a secret key'), false, undefined],
    ['an error saying retryable: false', Object.assign(new Error('no'), { retryable: false }), false, undefined],
    ['a thrown 401 Response', new Response(null, { status: 401 }), false, 401],
    ['a thrown 403 Response', new Response(null, { status: 403 }), false, 403],
    ['an HTTP client error with status 404', Object.assign(new Error('nf'), { status: 404 }), false, 404],
    ['an HTTP client error with status 429', Object.assign(new Error('slow down'), { status: 429 }), true, 429],
    ['an HTTP client error with status 503', Object.assign(new Error('down'), { status: 503 }), true, 503],
    ['a string', 'boom', true, undefined],
    ['undefined', undefined, true, undefined],
  ])('%s → retryable %s', (_name, cause, retryable, status) => {
    const error = toRefreshError(cause);
    expect(error).toBeInstanceOf(TokenRefreshError);
    expect(error).toMatchObject({ code: 'ERR_TOKEN_REFRESH_FAILED', retryable, status });
    expect(error.cause).toBe(cause);
    expect(isGrantkitError(error)).toBe(true);
  });
});
