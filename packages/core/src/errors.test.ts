import { describe, expect, it } from 'vitest';
import * as core from './index.js';
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

describe('the error family', () => {
  it('every error class core exports is a GrantkitError with a code of the one union', () => {
    const classes = Object.entries(core as Record<string, unknown>).filter(([, value]) => typeof value === 'function' && value.prototype instanceof Error);
    // One instance of each; the list must name every exported class, so a new one cannot skip the family.
    const make: Record<string, () => Error> = {
      GrantkitError: () => new core.GrantkitError('ERR_REQUEST_INVALID', 'x'),
      TokenMalformedError: () => new core.TokenMalformedError('x'),
      TokenSignatureInvalidError: () => new core.TokenSignatureInvalidError(),
      TokenExpiredError: () => new core.TokenExpiredError(),
      TokenNotYetValidError: () => new core.TokenNotYetValidError(),
      TokenRevokedError: () => new core.TokenRevokedError(),
      GrantInvalidError: () => new core.GrantInvalidError('Invalid ttl', 'x'),
      PatternInvalidError: () => new core.PatternInvalidError('x'),
      LimitExceededError: () => new core.LimitExceededError('x'),
      RequestSignatureInvalidError: () => new core.RequestSignatureInvalidError(),
      RequestInvalidError: () => new core.RequestInvalidError('x'),
      KeyInvalidError: () => new core.KeyInvalidError('x'),
      FeatureDisabledError: () => new core.FeatureDisabledError(),
      StoreUnavailableError: () => new core.StoreUnavailableError('x'),
      ConfigInvalidError: () => new core.ConfigInvalidError('x'),
    };
    expect(classes.map(([name]) => name).sort()).toEqual(Object.keys(make).sort());
    for (const [name] of classes) {
      const error = make[name]!();
      expect(isGrantkitError(error), name).toBe(true);
      expect(Object.keys(HTTP_STATUS_BY_CODE), name).toContain((error as GrantkitError).code);
      expect(error.name, name).toBe(name);
    }
  });
});
