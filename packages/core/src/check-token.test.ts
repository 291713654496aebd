import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../test/ports/node-crypto.js';
import { webCrypto } from '../test/ports/web-crypto.js';
import { checkToken, presentedToken, type CheckTokenOptions } from './check-token.js';
import { StoreUnavailableError } from './errors.js';
import { Channel } from './grant/builders.js';
import type { RevocationStore } from './ports.js';
import { mintToken } from './token/mint.js';

const NOW = 1_795_353_361;
const key = nodeCrypto.importKey('sec-c-check');
const fresh = mintToken({ ttl: 10, authorizedUuid: 'alice', channels: [Channel.id('room-1').read()] }, key, { timestamp: NOW - 30 });
const expired = mintToken({ ttl: 1, channels: [Channel.id('room-1').read()] }, key, { timestamp: NOW - 61 });
const QUESTION = { uuid: 'alice', resource: { channel: 'room-1' }, permission: 'read', now: NOW } as const;

/** A store that counts lookups, answering from a set, or failing the way it is told to. */
function store(mode: 'ok' | 'throws' | 'rejects' = 'ok', revoked: ReadonlySet<string> = new Set()) {
  const calls: string[] = [];
  const revocations: RevocationStore = {
    revoke: () => undefined,
    isRevoked: (id) => {
      calls.push(id);
      if (mode === 'throws') throw new Error('connection refused');
      if (mode === 'rejects') return Promise.reject(new Error('timeout'));
      return revoked.has(id);
    },
  };
  return { revocations, calls };
}

const options = (extra: Partial<CheckTokenOptions> = {}): CheckTokenOptions => ({ keys: [key], ...QUESTION, ...extra });

describe('presentedToken', () => {
  it('reads the auth parameter, then a token parameter, then a Bearer header', () => {
    const request = (query: string, authorization?: string) =>
      new Request(`https://app.example/rooms?${query}`, authorization === undefined ? {} : { headers: { authorization } });
    expect(presentedToken(request('auth=a&token=t', 'Bearer b'))).toBe('a');
    expect(presentedToken(request('token=t', 'Bearer b'))).toBe('t');
    expect(presentedToken(request('', 'Bearer b'))).toBe('b');
    expect(presentedToken(request(''))).toBeUndefined();
  });

  it('skips empty values, other schemes and malformed Bearer headers', () => {
    expect(presentedToken({ auth: '', token: '', authorization: 'Bearer b' })).toBe('b');
    expect(presentedToken({ auth: null, authorization: 'bearer \tb ' })).toBe('b');
    expect(presentedToken({ authorization: 'Basic dXNlcjpwYXNz' })).toBeUndefined();
    expect(presentedToken({ authorization: 'Bearer a b' })).toBeUndefined();
    expect(presentedToken({ authorization: 'Bearer' })).toBeUndefined();
    expect(presentedToken({})).toBeUndefined();
  });
});

describe('checkToken', () => {
  it('allows, with the matching entry and the verified token', () => {
    const result = checkToken(fresh, options());
    expect(result).toMatchObject({ allowed: true, reason: 'granted', match: { source: 'resources', key: 'room-1' } });
    expect(result).not.toBeInstanceOf(Promise);
    expect((result as { token?: { authorizedUuid?: string } }).token?.authorizedUuid).toBe('alice');
  });

  it('denies before any decision: missing, malformed, signed by another keyset', () => {
    expect(checkToken(undefined, options())).toMatchObject({ allowed: false, reason: 'missing' });
    expect(checkToken('', options())).toMatchObject({ allowed: false, reason: 'missing' });
    expect(checkToken('%%%', options())).toMatchObject({ allowed: false, reason: 'malformed' });
    expect(checkToken('x'.repeat(40_000), options())).toMatchObject({ allowed: false, reason: 'malformed' });
    const foreign = mintToken({ ttl: 10, channels: [Channel.id('room-1').read()] }, nodeCrypto.importKey('other'), { timestamp: NOW });
    const result = checkToken(foreign, options());
    expect(result).toMatchObject({ allowed: false, reason: 'signature-invalid' });
    expect(result).not.toHaveProperty('token');
  });

  it('denies an expired token without asking the store, so a store outage changes nothing', () => {
    for (const mode of ['ok', 'throws', 'rejects'] as const) {
      const { revocations, calls } = store(mode);
      const result = checkToken(expired, options({ uuid: undefined, revocations }));
      expect(result, mode).toMatchObject({ allowed: false, reason: 'expired' });
      expect(calls, mode).toEqual([]);
    }
  });

  it('asks the store for a live token: revoked is denied, a store that cannot answer fails closed', async () => {
    const id = (checkToken(fresh, options()) as { token: { id: string } }).token.id;
    const { revocations, calls } = store('ok', new Set([id]));
    expect(checkToken(fresh, options({ revocations }))).toMatchObject({ allowed: false, reason: 'revoked' });
    expect(calls).toEqual([id]);
    expect(() => checkToken(fresh, options({ revocations: store('throws').revocations }))).toThrow(StoreUnavailableError);
    await expect(checkToken(fresh, options({ revocations: store('rejects').revocations }))).rejects.toMatchObject({
      code: 'ERR_STORE_UNAVAILABLE', cause: expect.objectContaining({ message: 'timeout' }),
    });
    // A store's own StoreUnavailableError passes through as it is.
    const own = new StoreUnavailableError('durable object unavailable');
    await expect(checkToken(fresh, options({ revocations: { revoke: () => undefined, isRevoked: () => Promise.reject(own) } }))).rejects.toBe(own);
  });

  it('applies the decision after the store: uuid binding, grants, issue time', () => {
    expect(checkToken(fresh, options({ uuid: 'mallory' }))).toMatchObject({ reason: 'uuid-mismatch' });
    expect(checkToken(fresh, options({ permission: 'write' }))).toMatchObject({ reason: 'permission-missing' });
    expect(checkToken(fresh, options({ resource: { channel: 'room-2' } }))).toMatchObject({ reason: 'no-grant' });
    expect(checkToken(fresh, options({ now: NOW - 200 }))).toMatchObject({ reason: 'not-yet-valid' });
  });

  it('is a Promise with asynchronous keys, deciding the same', async () => {
    const asyncKey = await webCrypto.importKey('sec-c-check');
    const pending = checkToken(fresh, options({ keys: [asyncKey] }));
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toMatchObject({ allowed: true, reason: 'granted' });
    expect(await checkToken('%%%', options({ keys: [asyncKey] }))).toMatchObject({ reason: 'malformed' });
    expect(await checkToken(expired, options({ keys: [asyncKey], uuid: undefined, revocations: store('throws').revocations })))
      .toMatchObject({ reason: 'expired' });
  });
});
