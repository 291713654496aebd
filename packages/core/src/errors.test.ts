import { describe, expect, it } from 'vitest';
import {
  GrantInvalidError, GrantkitError, HTTP_STATUS_BY_CODE, isGrantkitError, TokenExpiredError, TokenMalformedError,
} from './errors.js';

describe('errors', () => {
  it('carry a static and an instance code, a field and a cause', () => {
    const cause = new RangeError('offset');
    const error = new TokenMalformedError('bad', { field: 'token', cause });
    expect(error).toMatchObject({ code: 'ERR_TOKEN_MALFORMED', field: 'token', cause, name: 'TokenMalformedError' });
    expect(TokenMalformedError.code).toBe(error.code);
    expect(error).toBeInstanceOf(GrantkitError);
  });

  it('are recognised across duplicate installs by their Symbol.for marker', () => {
    const foreign = Object.assign(new Error('copy'), { code: 'ERR_TOKEN_EXPIRED', [Symbol.for('grantkit.error')]: true });
    expect(isGrantkitError(foreign)).toBe(true);
    expect(isGrantkitError(new Error('x'))).toBe(false);
    expect(isGrantkitError(null)).toBe(false);
    expect(isGrantkitError(new TokenExpiredError())).toBe(true);
  });

  it('put the field and PubNub detail in the grant message', () => {
    const error = new GrantInvalidError('Invalid ttl', 'Range should be 1 to 43200 minute(s).', { field: 'ttl' });
    expect(error.message).toBe('Invalid ttl (ttl): Range should be 1 to 43200 minute(s).');
  });

  it('map every code to 400, 403, 413, 500, 502 or 503', () => {
    for (const status of Object.values(HTTP_STATUS_BY_CODE)) expect([400, 403, 413, 500, 502, 503]).toContain(status);
    expect(HTTP_STATUS_BY_CODE.ERR_REQUEST_SIGNATURE_INVALID).toBe(403);
    expect(HTTP_STATUS_BY_CODE.ERR_LIMIT_EXCEEDED).toBe(413);
  });
});
