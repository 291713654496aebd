import { describe, expect, it } from 'vitest';
import { GrantInvalidError, GrantkitError, isGrantkitError, PatternInvalidError, StoreUnavailableError } from '@grantkit/core';
import { AccessManagerError, fromLocalError, fromResponse } from './access-manager-error.js';

const body = (status: number, message: string, detail = '', location = 'body') => ({
  status, service: 'Access Manager', error: { message, source: 'grant', details: detail === '' ? [] : [{ message: detail, location, locationType: 'body' }] },
});

describe('fromResponse', () => {
  it('reads the code through core\'s table, keeping the body as errorData and the status', () => {
    const cases: Array<[number, unknown, string]> = [
      [400, body(400, 'Invalid ttl', 'Range should be 1 to 43200 minute(s).', 'ttl'), 'ERR_GRANT_INVALID'],
      [403, body(403, 'Signature does not match'), 'ERR_REQUEST_SIGNATURE_INVALID'],
      [400, body(400, 'Invalid token', 'Token is expired.'), 'ERR_TOKEN_EXPIRED'],
      [503, body(503, 'Service Unavailable'), 'ERR_STORE_UNAVAILABLE'],
      [502, '<html>bad gateway</html>', 'ERR_RESPONSE_INVALID'],
    ];
    for (const [status, answer, code] of cases) {
      const error = fromResponse(status, answer, 'PNAccessManagerGrantToken');
      expect(error.code, JSON.stringify(answer)).toBe(code);
      expect(error.statusCode).toBe(status);
      expect(error.status.errorData).toBe(answer);
      expect(isGrantkitError(error)).toBe(true);
    }
    expect(fromResponse(502, 'x', 'PNAccessManagerGrantToken')).toMatchObject({ message: 'HTTP 502', retryable: false });
    expect(fromResponse(503, undefined, 'GrantkitAuthorize').status.category).toBe('PNServerErrorCategory');
  });

  it('reads back what fromLocalError writes: one error, whichever side of the wire raised it', () => {
    const local = fromLocalError(new GrantInvalidError('Invalid meta', 'Values must be scalar.', { field: 'meta.a' }), 'PNAccessManagerGrantToken') as AccessManagerError;
    const remote = fromResponse(local.statusCode, local.status.errorData, 'PNAccessManagerGrantToken');
    expect({ code: remote.code, message: remote.message, details: remote.details }).toEqual({ code: local.code, message: local.message, details: local.details });
  });
});

describe('fromLocalError', () => {
  it('builds the body the service would answer with', () => {
    const ttl = fromLocalError(new GrantInvalidError('Invalid ttl', 'Range should be 1 to 43200 minute(s).', { field: 'ttl' }), 'PNAccessManagerGrantToken') as AccessManagerError;
    expect(ttl.status.errorData).toEqual(body(400, 'Invalid ttl', 'Range should be 1 to 43200 minute(s).', 'ttl'));
    const pattern = fromLocalError(new PatternInvalidError('bad', { field: 'patterns.channels.(' }), 'PNAccessManagerGrantToken') as AccessManagerError;
    expect(pattern).toMatchObject({ code: 'ERR_PATTERN_INVALID', message: 'Invalid RegExp' });
    expect(pattern.details[0]?.location).toBe('permissions.patterns.channels.(');
    expect(fromLocalError(new StoreUnavailableError('down'), 'GrantkitAuthorize')).toMatchObject({ statusCode: 503, retryable: true });
    expect(pattern).toBeInstanceOf(GrantkitError);
    expect(pattern.field).toBe('patterns.channels.(');
  });

  it('passes non-grantkit errors (bugs) through untouched', () => {
    const bug = new TypeError('bug');
    expect(fromLocalError(bug, 'PNAccessManagerGrantToken')).toBe(bug);
  });
});
