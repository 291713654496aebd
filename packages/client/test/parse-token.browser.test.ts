import { describe, expect, it } from 'vitest';
import { server } from 'vitest/browser';
import { KeyInvalidError, parseToken, TokenClient, TokenMalformedError, type ParsedToken } from '@grantkit/client';
import { PUBNUB_TOKENS } from './fixtures/pubnub-tokens.js';

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function normalize(parsed: ParsedToken): Record<string, unknown> {
  return JSON.parse(JSON.stringify({ ...parsed, signature: hex(parsed.signature) }));
}

/** What each browser the tests run in (vitest.browser.config.ts) says of itself. */
const USER_AGENT_MARK: Record<string, string> = { chromium: 'Chrome/', firefox: 'Firefox/' };

describe('parseToken in the browser', () => {
  it('runs in the real browser it was configured for', () => {
    expect(USER_AGENT_MARK[server.browser]).toBeDefined();
    expect(navigator.userAgent).toContain(USER_AGENT_MARK[server.browser]);
    expect(typeof process === 'undefined' || !('versions' in process && process.versions?.node)).toBe(true);
  });

  it.each(PUBNUB_TOKENS.map((fixture) => [fixture.id, fixture] as const))(
    '%s equals what the official pubnub SDK returned in Node',
    (_id, fixture) => {
      const parsed = parseToken(fixture.token);
      expect(Object.keys(parsed)).toEqual(fixture.keys);
      expect(parsed.signature).toBeInstanceOf(Uint8Array);
      expect(normalize(parsed)).toEqual(fixture.expected);
      expect(JSON.stringify(normalize(parsed))).toBe(JSON.stringify(fixture.expected));
      expect(new TokenClient().parseToken(fixture.token)).toEqual(parsed);
    },
  );

  it('reports the authorized uuid and the permission booleans', () => {
    const parsed = parseToken(PUBNUB_TOKENS.find((fixture) => fixture.id === 'contract-tokenWithKnownAuthorizedUUID')!.token);
    expect(parsed.authorized_uuid).toBe('test-authorized-uuid');
    expect(parsed.patterns?.channels?.['^channel-\\S*$']).toEqual({
      read: true, write: true, manage: true, delete: true, get: true, update: true, join: true,
    });
  });

  it.each(['', 'not a token', 'p0F2', '!!!!', 'qEF2AkF0GmFtet9DdHRsGDxDcmVzpURjaGFu'])(
    'throws TokenMalformedError for %j',
    (input) => {
      expect(() => parseToken(input)).toThrow(TokenMalformedError);
    },
  );

  it('refuses a secret key with KeyInvalidError', () => {
    expect(() => parseToken('sec-c-YWJjZGVm')).toThrow(KeyInvalidError);
    expect(() => new TokenClient().parseToken('sec-c-YWJjZGVm')).toThrow(KeyInvalidError);
  });
});
