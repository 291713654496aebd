/**
 * One error family: every error class `@grantkit/client` exports (its own and the core ones it re-exports) is a
 * `GrantkitError` that `isGrantkitError` recognises.
 */
import { describe, expect, it } from 'vitest';
import * as client from '../src/index.js';

describe('@grantkit/client errors', () => {
  it('every error class it exports is a GrantkitError', () => {
    const classes = Object.entries(client as Record<string, unknown>).filter(([, value]) => typeof value === 'function' && (value as { prototype?: unknown }).prototype instanceof Error);
    const make: Record<string, () => Error> = {
      TokenRefreshError: () => new client.TokenRefreshError('Token endpoint unreachable', { retryable: true }),
      GrantkitError: () => new client.GrantkitError('ERR_TOKEN_MALFORMED', 'x'),
      KeyInvalidError: () => new client.KeyInvalidError('x'),
      TokenMalformedError: () => new client.TokenMalformedError('x'),
      LimitExceededError: () => new client.LimitExceededError('x'),
    };
    expect(classes.map(([name]) => name).sort()).toEqual(Object.keys(make).sort());
    for (const [name] of classes) {
      const error = make[name]!();
      expect(client.isGrantkitError(error), name).toBe(true);
      expect(error, name).toBeInstanceOf(client.GrantkitError);
      expect(error.name, name).toBe(name);
    }
    expect(client.isTokenRefreshError(make.TokenRefreshError!())).toBe(true);
    expect(client.isTokenRefreshError(make.KeyInvalidError!())).toBe(false);
  });
});
