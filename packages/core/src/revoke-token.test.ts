import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../test/ports/node-crypto.js';
import { errorResponseBody } from './http/error-response.js';
import { mintToken } from './token/mint.js';
import { Channel } from './grant/builders.js';
import { revokeToken } from './revoke-token.js';

const NOW = 1_700_000_000;
const key = nodeCrypto.importKey('sec-c-revoke');
const token = mintToken({ ttl: 10, channels: [Channel.id('a').read()] }, key, { timestamp: NOW });

function store(failing = false) {
  const entries = new Map<string, number>();
  return {
    entries,
    revoke(id: string, expiresAt: number) {
      if (failing) throw new Error('down');
      entries.set(id, expiresAt);
    },
    isRevoked: (id: string) => entries.has(id),
  };
}

describe('revokeToken', () => {
  it('records the token id until the token would expire', async () => {
    const revocations = store();
    const verified = await revokeToken(token, { keys: [key], revocations, now: NOW + 1 });
    expect(revocations.entries.get(verified.id)).toBe(NOW + 600);
  });

  it('accepts a token signed with a previous secret (rotation)', async () => {
    const revocations = store();
    await revokeToken(token, { keys: [nodeCrypto.importKey('sec-c-new'), key], revocations, now: NOW });
    expect(revocations.entries.size).toBe(1);
  });

  it.each([
    ['without a store', token, undefined, 'ERR_FEATURE_DISABLED', 403, 'Feature disabled'],
    ['an expired token', token, store(), 'ERR_TOKEN_EXPIRED', 400, 'Invalid token'],
    ['a foreign token', mintToken({ ttl: 10, channels: [Channel.id('a').read()] }, nodeCrypto.importKey('other'), { timestamp: NOW }), store(), 'ERR_TOKEN_SIGNATURE_INVALID', 400, 'Invalid token'],
    ['garbage', 'garbage', store(), 'ERR_TOKEN_MALFORMED', 400, 'Invalid token'],
    ['a failing store', token, store(true), 'ERR_STORE_UNAVAILABLE', 503, 'Service Unavailable'],
  ])('refuses %s, and the REST body says so as PubNub does', async (_name, input, revocations, code, status, message) => {
    const now = code === 'ERR_TOKEN_EXPIRED' ? NOW + 600 : NOW;
    const error = await revokeToken(input, { keys: [key], revocations, now }).then(() => undefined, (caught: unknown) => caught);
    expect(error).toMatchObject({ code });
    expect(errorResponseBody(error, 'revoke')).toMatchObject({ status, error: { message, source: 'revoke' } });
  });

  it('names the reason in PubNub’s detail for an expired token', async () => {
    const error = await revokeToken(token, { keys: [key], revocations: store(), now: NOW + 600 }).catch((caught: unknown) => caught);
    expect(errorResponseBody(error, 'revoke').error.details).toEqual([{ message: 'Token is expired.', location: 'token', locationType: 'path' }]);
  });
});
