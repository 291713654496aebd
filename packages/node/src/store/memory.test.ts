import { describe, expect, it } from 'vitest';
import { MemoryRevocationStore } from './memory.js';

// Behaviour every store shares (validation, close, failing closed) is in test/store-contract.test.ts.

describe('MemoryRevocationStore', () => {
  it('answers synchronously and remembers revocations until purged after expiry', () => {
    let now = 1_000;
    const store = new MemoryRevocationStore({ clock: () => now });
    expect(store.isRevoked('a')).toBe(false);
    store.revoke('a', 1_100);
    store.revoke('b', 2_000);
    expect(store.isRevoked('a')).toBe(true);
    now = 1_100;
    expect(store.purgeExpired()).toBe(1);
    expect(store.isRevoked('a')).toBe(false);
    expect(store.isRevoked('b')).toBe(true);
  });

  it('refuses to forget an unexpired revocation when full (ERR_LIMIT_EXCEEDED), but makes room from expired ones', () => {
    let now = 0;
    const store = new MemoryRevocationStore({ maxEntries: 2, clock: () => now });
    store.revoke('a', 10);
    store.revoke('b', 100);
    expect(() => store.revoke('c', 100)).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_EXCEEDED' }));
    now = 50;
    store.revoke('c', 100);
    expect(store.size).toBe(2);
  });
});
