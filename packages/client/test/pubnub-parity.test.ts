// The official SDK, live in Node: client.parseToken must return what pubnub.parseToken returns, and the expectations
// hard-coded for the browser tests must still be what the SDK says.
import PubNub from 'pubnub';
import { describe, expect, it } from 'vitest';
import { parseToken, TokenClient } from '@grantkit/client';
import { PUBNUB_TOKENS } from './fixtures/pubnub-tokens.js';

const pubnub = new PubNub({ subscribeKey: 'sub-c-parity', userId: 'parity' });

/** The parsed token with the signature as hex, so SDK `Buffer`s and our `Uint8Array`s compare by bytes. */
function normalize(parsed: { signature: Uint8Array }): Record<string, unknown> {
  return { ...parsed, signature: Buffer.from(parsed.signature).toString('hex') };
}

describe('parseToken equals the official pubnub SDK', () => {
  it.each(PUBNUB_TOKENS.map((fixture) => [fixture.id, fixture] as const))('%s', (_id, fixture) => {
    const sdk = pubnub.parseToken(fixture.token) as unknown as { signature: Uint8Array };
    const ours = parseToken(fixture.token);
    // Same own keys in the same order (authorized_uuid is an own property even when undefined), same values,
    // same nested key order.
    expect(Object.keys(ours)).toEqual(Object.keys(sdk));
    expect(JSON.stringify(normalize(ours))).toBe(JSON.stringify(normalize(sdk)));
    expect(normalize(ours)).toEqual(normalize(sdk));
    expect(new TokenClient().parseToken(fixture.token)).toEqual(ours);
    // The browser tests' hard-coded expectations have not drifted from the SDK.
    expect(normalize(sdk)).toEqual(fixture.expected);
    expect(Object.keys(sdk)).toEqual(fixture.keys);
  });

  it('covers every public PubNub token in the shared spec vectors', () => {
    const ids = PUBNUB_TOKENS.filter((fixture) => fixture.source.startsWith('pubnub/')).map((fixture) => fixture.id);
    expect(ids).toEqual([
      'js-token-manager-tokenWithAll', 'js-token-manager-user1', 'contract-tokenWithKnownAuthorizedUUID',
      'php-functional-GrantToken',
    ]);
  });
});
