/**
 * Test keysets, supplied to every Worker under test as bindings (as `wrangler secret put` would in production).
 * Test-only values; nothing here is a real secret.
 */
export const TEST_BINDINGS = {
  GRANTKIT_SUBSCRIBE_KEY: 'sub-c-edge',
  GRANTKIT_PUBLISH_KEY: 'pub-c-edge',
  GRANTKIT_SECRET_KEY: 'sec-c-edge-current',
  // Rotation: tokens and requests signed with these still verify. The space checks that entries are trimmed.
  GRANTKIT_PREVIOUS_SECRET_KEYS: 'sec-c-edge-previous, sec-c-edge-oldest',
  GRANTKIT_KEYSETS: JSON.stringify([
    { subscribeKey: 'sub-c-second', publishKey: 'pub-c-second', secretKey: 'sec-c-second' },
  ]),
} as const;
