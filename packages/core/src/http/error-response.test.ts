import { describe, expect, it } from 'vitest';
import {
  ConfigInvalidError, FeatureDisabledError, GrantInvalidError, GrantkitError, HTTP_STATUS_BY_CODE, KeyInvalidError,
  LimitExceededError, PatternInvalidError, RequestInvalidError, RequestSignatureInvalidError, StoreUnavailableError,
  TokenExpiredError, TokenMalformedError, TokenNotYetValidError, TokenRevokedError, TokenSignatureInvalidError,
  type GrantkitErrorCode,
} from '../errors.js';
import { errorResponseBody, readErrorResponseBody } from './error-response.js';

/** One error of every code, as the code's thrower makes it. */
const EXAMPLES: Record<GrantkitErrorCode, GrantkitError> = {
  ERR_TOKEN_MALFORMED: new TokenMalformedError('token field t is missing', { field: 'token.t' }),
  ERR_TOKEN_SIGNATURE_INVALID: new TokenSignatureInvalidError(),
  ERR_TOKEN_EXPIRED: new TokenExpiredError(),
  ERR_TOKEN_NOT_YET_VALID: new TokenNotYetValidError(),
  ERR_TOKEN_REVOKED: new TokenRevokedError(),
  ERR_GRANT_INVALID: new GrantInvalidError('Invalid ttl', 'Range should be 1 to 43200 minute(s).', { field: 'ttl' }),
  ERR_PATTERN_INVALID: new PatternInvalidError('Syntax error: missing closing ).', { field: 'patterns.channels.(' }),
  ERR_LIMIT_EXCEEDED: new LimitExceededError('request body is larger than 32768 bytes', { field: 'body' }),
  ERR_REQUEST_SIGNATURE_INVALID: new RequestSignatureInvalidError(undefined, { field: 'signature' }),
  ERR_REQUEST_INVALID: new RequestInvalidError('Request body is not valid JSON', { field: 'body' }),
  ERR_KEY_INVALID: new KeyInvalidError('secretKey must not be empty', { field: 'secretKey' }),
  ERR_FEATURE_DISABLED: new FeatureDisabledError(),
  ERR_STORE_UNAVAILABLE: new StoreUnavailableError('redis: connection refused'),
  ERR_CONFIG_INVALID: new ConfigInvalidError('config file /etc/grantkit.json could not be read', { field: 'config' }),
  // Codes the other packages throw, through their own subclasses.
  ERR_NETWORK: new GrantkitError('ERR_NETWORK', 'connect ECONNREFUSED 10.0.0.7:8080'),
  ERR_RESPONSE_INVALID: new GrantkitError('ERR_RESPONSE_INVALID', 'HTTP 502'),
  ERR_TOKEN_REFRESH_FAILED: new GrantkitError('ERR_TOKEN_REFRESH_FAILED', 'Token endpoint answered HTTP 500'),
};

describe('errorResponseBody', () => {
  it('gives PubNub’s body for grant errors, locating fields from the top of the JSON body', () => {
    expect(errorResponseBody(new GrantInvalidError('Invalid ttl', 'Range should be 1 to 43200 minute(s).', { field: 'ttl' }), 'grant')).toEqual({
      error: { message: 'Invalid ttl', source: 'grant', details: [{ message: 'Range should be 1 to 43200 minute(s).', location: 'ttl', locationType: 'body' }] },
      service: 'Access Manager',
      status: 400,
    });
    expect(errorResponseBody(new PatternInvalidError('Syntax error: x.', { field: 'patterns.channels.(' }), 'grant').error.details[0]!.location)
      .toBe('permissions.patterns.channels.(');
    expect(errorResponseBody(new GrantInvalidError('Invalid authorized uuid', 'x', { field: 'authorizedUuid' }), 'grant').error.details[0]!.location)
      .toBe('permissions.uuid');
  });

  it('answers a token that cannot be revoked with 400 Invalid token, as PubNub', () => {
    for (const code of ['ERR_TOKEN_MALFORMED', 'ERR_TOKEN_SIGNATURE_INVALID', 'ERR_TOKEN_EXPIRED', 'ERR_LIMIT_EXCEEDED'] as const) {
      const body = errorResponseBody(EXAMPLES[code], 'revoke');
      expect(body, code).toMatchObject({ status: 400, error: { message: 'Invalid token', source: 'revoke', details: [{ location: 'token', locationType: 'path' }] } });
    }
    expect(errorResponseBody(EXAMPLES.ERR_TOKEN_EXPIRED, 'revoke').error.details[0]!.message).toBe('Token is expired.');
    // Not a token refusal, whatever its name says.
    expect(errorResponseBody(EXAMPLES.ERR_TOKEN_REFRESH_FAILED, 'revoke').status).toBe(503);
  });

  it('maps store outages to 503 and anything unknown to a 500 that reveals nothing', () => {
    expect(errorResponseBody(new StoreUnavailableError('redis down'), 'revoke').status).toBe(503);
    const unknown = errorResponseBody(new Error('secret internals'), 'grant');
    expect(unknown.status).toBe(500);
    expect(JSON.stringify(unknown)).not.toContain('secret internals');
  });

  it('never repeats the message of a server-side failure (paths, hosts) to the client', () => {
    for (const code of ['ERR_CONFIG_INVALID', 'ERR_NETWORK'] as const) {
      expect(JSON.stringify(errorResponseBody(EXAMPLES[code], 'grant')), code).not.toMatch(/etc|10\.0\.0\.7/);
    }
  });
});

describe('the code ↔ body table', () => {
  it('reads back every code from the body it writes, with the status HTTP_STATUS_BY_CODE gives', () => {
    for (const [code, error] of Object.entries(EXAMPLES) as Array<[GrantkitErrorCode, GrantkitError]>) {
      expect(error.code).toBe(code);
      const body = errorResponseBody(error, 'grant');
      expect(body.status, code).toBe(HTTP_STATUS_BY_CODE[code]);
      expect(readErrorResponseBody(body.status, body), code).toEqual({ code, message: body.error.message });
    }
  });

  it('reads back the revoke answers too (an oversized token reads as a malformed one)', () => {
    for (const code of ['ERR_TOKEN_MALFORMED', 'ERR_TOKEN_SIGNATURE_INVALID', 'ERR_TOKEN_EXPIRED', 'ERR_TOKEN_NOT_YET_VALID', 'ERR_TOKEN_REVOKED', 'ERR_FEATURE_DISABLED', 'ERR_STORE_UNAVAILABLE'] as const) {
      const body = errorResponseBody(EXAMPLES[code], 'revoke');
      expect(readErrorResponseBody(body.status, body).code, code).toBe(code);
    }
    const oversized = errorResponseBody(EXAMPLES.ERR_LIMIT_EXCEEDED, 'revoke');
    expect(readErrorResponseBody(oversized.status, oversized).code).toBe('ERR_TOKEN_MALFORMED');
  });

  it('reads the answers of PubNub’s own service, and falls back on the status for anything else', () => {
    const body = (status: number, message: string, detail = '') => ({
      status, service: 'Access Manager', error: { message, source: 'grant', details: detail === '' ? [] : [{ message: detail, location: 'body', locationType: 'body' }] },
    });
    const cases: Array<[number, unknown, GrantkitErrorCode]> = [
      [400, body(400, 'Invalid permissions'), 'ERR_GRANT_INVALID'],
      [400, body(400, 'This grant contains no permissions'), 'ERR_GRANT_INVALID'],
      [400, body(400, 'Invalid grant'), 'ERR_GRANT_INVALID'],
      [400, body(400, 'Invalid RegExp: unterminated group'), 'ERR_PATTERN_INVALID'],
      [400, body(400, 'Invalid timestamp'), 'ERR_REQUEST_INVALID'],
      [403, body(403, 'Signature does not match'), 'ERR_REQUEST_SIGNATURE_INVALID'],
      [400, body(400, 'Invalid token', 'The token has expired.'), 'ERR_TOKEN_EXPIRED'],
      [400, body(400, 'Invalid token', 'Not a token of this keyset.'), 'ERR_TOKEN_SIGNATURE_INVALID'],
      [400, body(400, 'Invalid token', 'Could not parse.'), 'ERR_TOKEN_MALFORMED'],
      [403, body(403, 'Feature disabled'), 'ERR_FEATURE_DISABLED'],
      [413, body(413, 'Payload Too Large'), 'ERR_LIMIT_EXCEEDED'],
      [503, body(503, 'Service Unavailable'), 'ERR_STORE_UNAVAILABLE'],
      [503, undefined, 'ERR_STORE_UNAVAILABLE'],
      [400, body(400, 'Something new'), 'ERR_REQUEST_INVALID'],
      [500, body(500, 'Internal Server Error', 'The request could not be processed.'), 'ERR_RESPONSE_INVALID'],
      [502, '<html>bad gateway</html>', 'ERR_RESPONSE_INVALID'],
    ];
    for (const [status, answer, code] of cases) expect(readErrorResponseBody(status, answer).code, JSON.stringify(answer)).toBe(code);
    expect(readErrorResponseBody(502, 'x')).toEqual({ code: 'ERR_RESPONSE_INVALID', message: 'HTTP 502' });
    expect(readErrorResponseBody(403, { message: 'Forbidden' })).toEqual({ code: 'ERR_REQUEST_INVALID', message: 'Forbidden' });
  });
});
