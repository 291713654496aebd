import { describe, expect, it } from 'vitest';
import { GrantInvalidError, PatternInvalidError, StoreUnavailableError } from '../errors.js';
import { errorResponseBody } from './error-response.js';

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

  it('maps store outages to 503 and anything unknown to a 500 that reveals nothing', () => {
    expect(errorResponseBody(new StoreUnavailableError('redis down'), 'revoke').status).toBe(503);
    const unknown = errorResponseBody(new Error('secret internals'), 'grant');
    expect(unknown.status).toBe(500);
    expect(JSON.stringify(unknown)).not.toContain('secret internals');
  });
});
