/**
 * The Durable Object revocation store: the real object in workerd (bound as GRANTKIT_REVOCATIONS to the class the
 * test Worker exports), its alarm purge, its protocol's refusal of bad input, and the client's fail-closed errors.
 */
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import {
  durableObjectRevocationStore, type DurableObjectNamespaceLike, type RevocationDurableObject,
} from '@grantkit/edge';
import { describe, expect, it } from 'vitest';
import { nowSeconds } from './helpers/keysets.js';

const namespace = env.GRANTKIT_REVOCATIONS;

function stubFor(name: string): DurableObjectStub {
  return namespace.get(namespace.idFromName(name));
}

/** Reads the object's storage directly (white box: the purge is what is under test). */
function storedKeys(name: string): Promise<string[]> {
  return runInDurableObject(stubFor(name), async (_instance: RevocationDurableObject, state) => [...(await state.storage.list()).keys()]);
}

function fakeNamespace(fetch: (request: Request) => Promise<Response>): DurableObjectNamespaceLike {
  return { idFromName: (name) => ({ toString: () => name }), get: () => ({ fetch }) };
}

// Behaviour every store shares (revoke/isRevoked, validation, close, failing closed) is in store-contract.test.ts.
describe('durableObjectRevocationStore', () => {
  it('is strongly consistent: a revocation is visible to a fresh client at once', async () => {
    await durableObjectRevocationStore(namespace, { name: 'consistency' }).revoke('do-token-a', nowSeconds() + 600);
    const other = durableObjectRevocationStore(namespace, { name: 'consistency' });
    expect(await other.isRevoked('do-token-a')).toBe(true);
    expect(await other.isRevoked('do-token-b')).toBe(false);
  });

  it('keeps differently named instances apart', async () => {
    await durableObjectRevocationStore(namespace, { name: 'tenant-a' }).revoke('shared-id', nowSeconds() + 600);
    expect(await durableObjectRevocationStore(namespace, { name: 'tenant-b' }).isRevoked('shared-id')).toBe(false);
  });

  it('uses the default instance when no name is given', async () => {
    await durableObjectRevocationStore(namespace).revoke('default-instance-id', nowSeconds() + 600);
    expect(await storedKeys('grantkit-revocations')).toContain('revoked:default-instance-id');
  });

  it('ignores a token that has already expired', async () => {
    await durableObjectRevocationStore(namespace, { name: 'expired' }).revoke('old', nowSeconds() - 5);
    expect(await storedKeys('expired')).toEqual([]);
  });
});

describe('RevocationDurableObject alarm', () => {
  it('sets the alarm for the earliest expiry', async () => {
    const store = durableObjectRevocationStore(namespace, { name: 'alarm-schedule' });
    const now = nowSeconds();
    await store.revoke('later', now + 7200);
    await store.revoke('sooner', now + 600);
    await store.revoke('latest', now + 9000);
    const alarm = await runInDurableObject(stubFor('alarm-schedule'), (_instance: RevocationDurableObject, state) => state.storage.getAlarm());
    expect(alarm).toBe((now + 600) * 1000);
  });

  it('purges expired entries, keeps the rest, and re-arms for the next expiry', async () => {
    const name = 'alarm-purge';
    const store = durableObjectRevocationStore(namespace, { name });
    const now = nowSeconds();
    await store.revoke('keep', now + 3600);
    // Seed entries whose tokens have expired since: more than one purge batch.
    await runInDurableObject(stubFor(name), async (_instance: RevocationDurableObject, state) => {
      for (let index = 0; index < 150; index += 50) {
        const entries: Record<string, number | string> = {};
        for (let offset = index; offset < index + 50; offset++) {
          const expiresAt = now - 1000 + offset;
          entries[`revoked:gone-${offset}`] = expiresAt;
          entries[`expiry:${String(expiresAt).padStart(12, '0')}:gone-${offset}`] = `gone-${offset}`;
        }
        await state.storage.put(entries);
      }
      // Far ahead so it cannot fire by itself; runDurableObjectAlarm runs it now.
      await state.storage.setAlarm(Date.now() + 86_400_000);
    });
    expect(await store.isRevoked('gone-7')).toBe(true);
    expect(await runDurableObjectAlarm(stubFor(name))).toBe(true);
    expect((await storedKeys(name)).sort()).toEqual([`expiry:${String(now + 3600).padStart(12, '0')}:keep`, 'revoked:keep']);
    expect(await store.isRevoked('gone-7')).toBe(false);
    expect(await store.isRevoked('keep')).toBe(true);
    const alarm = await runInDurableObject(stubFor(name), (_instance: RevocationDurableObject, state) => state.storage.getAlarm());
    expect(alarm).toBe((now + 3600) * 1000);
  });

  it('leaves no alarm once nothing is left', async () => {
    const name = 'alarm-empty';
    await runInDurableObject(stubFor(name), async (_instance: RevocationDurableObject, state) => {
      await state.storage.put({ 'revoked:old': 1, [`expiry:${'1'.padStart(12, '0')}:old`]: 'old' });
      // Far ahead so it cannot fire by itself; runDurableObjectAlarm runs it now.
      await state.storage.setAlarm(Date.now() + 86_400_000);
    });
    expect(await runDurableObjectAlarm(stubFor(name))).toBe(true);
    expect(await storedKeys(name)).toEqual([]);
    expect(await runDurableObjectAlarm(stubFor(name))).toBe(false);
  });
});

describe('RevocationDurableObject protocol', () => {
  it('answers bad input with 400 or 405, never 500', async () => {
    const stub = stubFor('protocol');
    const cases: Array<[string, RequestInit, number]> = [
      ['https://revocations/', {}, 400],
      ['https://revocations/has%20space', {}, 400],
      ['https://revocations/%E0%A4%A', {}, 400],
      [`https://revocations/${'a'.repeat(200)}`, {}, 400],
      ['https://revocations/abc', { method: 'PUT', body: 'soon' }, 400],
      ['https://revocations/abc', { method: 'PUT', body: '-5' }, 400],
      ['https://revocations/abc', { method: 'PUT', body: '1'.repeat(20) }, 400],
      ['https://revocations/abc', { method: 'POST', body: '1' }, 405],
      ['https://revocations/abc', { method: 'DELETE' }, 405],
    ];
    for (const [url, init, status] of cases) {
      const response = await stub.fetch(url, init);
      expect(response.status, `${init.method ?? 'GET'} ${url}`).toBe(status);
      await response.body?.cancel();
    }
  });
});

describe('durableObjectRevocationStore failures', () => {
  it('rejects with ERR_STORE_UNAVAILABLE when the object is unreachable', async () => {
    const store = durableObjectRevocationStore(fakeNamespace(() => Promise.reject(new Error('Network connection lost.'))));
    await expect(store.isRevoked('x')).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    await expect(store.revoke('x', nowSeconds() + 60)).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
  });

  it('rejects with ERR_STORE_UNAVAILABLE on an error status or an unreadable answer (never answers false)', async () => {
    for (const answer of [
      () => new Response('overloaded', { status: 500 }),
      () => new Response('not json'),
      () => Response.json({ revoked: 'yes' }),
      () => Response.json(null),
    ]) {
      const store = durableObjectRevocationStore(fakeNamespace(async () => answer()));
      await expect(store.isRevoked('x')).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    }
  });
});
