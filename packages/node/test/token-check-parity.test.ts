/**
 * One token check, four callers, one answer. The REST authorize endpoint (core's handler behind `grantkit serve`),
 * the route guard, and `AccessManager.authorize` in local and in remote mode used to read the token from different
 * places and to disagree when the revocation store was down (an expired token got 403 from the endpoint, 503 or a
 * throw from the others). They all go through core's `checkToken` now; this runs each case through each of them and
 * compares. packages/edge/test/token-check-parity.test.ts does the same for the Worker endpoint and `authorizeRequest`.
 */
import { createServer, type Server } from 'node:http';
import { Channel, mintToken, tokenCheckBody, type RevocationStore } from '@grantkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessManager, importKey, MemoryRevocationStore, startServer, tokenFromRequest, type GrantkitServer } from '../src/index.js';

const KEYS = { subscribeKey: 'sub-c-parity', publishKey: 'pub-c-parity', secretKey: 'sec-c-parity' };
const key = importKey(KEYS.secretKey);
const now = () => Math.floor(Date.now() / 1000);
const fresh = mintToken({ ttl: 10, channels: [Channel.id('room-1').read()] }, key);
const expired = mintToken({ ttl: 1, channels: [Channel.id('room-1').read()] }, key, { timestamp: now() - 120 });

/** A store that can be taken down. */
class SwitchableStore implements RevocationStore {
  readonly #memory = new MemoryRevocationStore();
  down = false;
  revoke(id: string, expiresAt: number) {
    if (this.down) throw new Error('connection refused');
    return this.#memory.revoke(id, expiresAt);
  }
  isRevoked(id: string) {
    if (this.down) return Promise.reject(new Error('connection refused'));
    return this.#memory.isRevoked(id);
  }
}

const store = new SwitchableStore();
const local = new AccessManager({ ...KEYS, revocations: store });
let service: GrantkitServer;
let remote: AccessManager;
let guarded: Server;
let guardUrl: string;

beforeAll(async () => {
  service = await startServer({ keysets: [KEYS], revocations: store, port: 0 });
  remote = new AccessManager({ ...KEYS, origin: service.url });
  const guard = local.requirePermission({ permission: 'read', channel: () => 'room-1' });
  guarded = createServer(async (request, response) => {
    if (await guard(request, response)) response.end(JSON.stringify({ passed: true }));
  });
  await new Promise<void>((resolve) => guarded.listen(0, '127.0.0.1', resolve));
  guardUrl = `http://127.0.0.1:${(guarded.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => { guarded.closeAllConnections(); guarded.close(() => resolve()); });
  await service.close();
});

type Placement = 'auth' | 'token' | 'bearer' | 'none';
/** Where the token goes: the same query or header for every caller. */
function placed(token: string, placement: Placement): { query: string; headers: Record<string, string> } {
  if (placement === 'bearer') return { query: '', headers: { authorization: `Bearer ${token}` } };
  if (placement === 'none') return { query: '', headers: {} };
  return { query: `&${placement}=${encodeURIComponent(token)}`, headers: {} };
}

/** What each caller answers, as status + body; the SDK's answers through the body the endpoint would send. */
async function answers(token: string, placement: Placement) {
  const { query, headers } = placed(token, placement);
  const read = async (response: Response) => ({ status: response.status, body: await response.json() as Record<string, unknown> });
  const sdk = async (manager: AccessManager) => {
    // The SDK is given the token as the guard reads it from the same request.
    const presented = tokenFromRequest({ url: `/rooms/room-1?${query.slice(1)}`, headers }) ?? '';
    try {
      const body = tokenCheckBody(await manager.authorize(presented, { resource: { channel: 'room-1' }, permission: 'read' }));
      return { status: body.status, body: body as unknown as Record<string, unknown> };
    } catch (error) {
      return { status: (error as { statusCode: number }).statusCode, body: (error as { status: { errorData: Record<string, unknown> } }).status.errorData };
    }
  };
  return {
    endpoint: await read(await fetch(`${service.url}/grantkit/v1/${KEYS.subscribeKey}/authorize?channel=room-1&permission=read${query}`, { headers })),
    guard: await read(await fetch(`${guardUrl}/rooms/room-1?x=1${query}`, { headers })),
    local: await sdk(local),
    remote: await sdk(remote),
  };
}

/**
 * The endpoint is a decision service (PubNub-compatible: every denial 403); the guard answers the app's own client,
 * so a missing or unusable token is RFC 6750's 401 there. Same body, that status.
 */
function asGuard(answer: { status: number; body: Record<string, unknown> }) {
  const unusable = ['missing', 'malformed', 'signature-invalid', 'expired', 'not-yet-valid', 'revoked'].includes(answer.body.reason as string);
  return unusable ? { status: 401, body: { ...answer.body, status: 401 } } : answer;
}

describe('the authorize endpoint, the route guard and AccessManager (local and remote) agree', () => {
  it('read the token from auth, token or a Bearer header, and all allow it', async () => {
    for (const placement of ['auth', 'token', 'bearer'] as const) {
      const { endpoint, guard, local: inProcess, remote: viaService } = await answers(fresh, placement);
      expect(endpoint, placement).toMatchObject({ status: 200, body: { allowed: true, reason: 'granted' } });
      expect(guard, placement).toEqual({ status: 200, body: { passed: true } });
      expect(inProcess, placement).toEqual(endpoint);
      expect(viaService, placement).toEqual(endpoint);
    }
  });

  it('deny a request without a token the same way: 403 missing (the guard: the same body with 401, as RFC 6750 has it)', async () => {
    const all = await answers(fresh, 'none');
    expect(all.endpoint).toMatchObject({ status: 403, body: { reason: 'missing' } });
    for (const [caller, answer] of Object.entries(all)) expect(answer, caller).toEqual(caller === 'guard' ? asGuard(all.endpoint) : all.endpoint);
  });

  it('deny an expired token as expired with the store down, without asking it (no 503 anywhere)', async () => {
    store.down = true;
    try {
      for (const placement of ['auth', 'token', 'bearer'] as const) {
        const all = await answers(expired, placement);
        expect(all.endpoint, placement).toMatchObject({ status: 403, body: { error: true, allowed: false, reason: 'expired' } });
        for (const [caller, answer] of Object.entries(all)) {
          expect(answer, `${caller} ${placement}`).toEqual(caller === 'guard' ? asGuard(all.endpoint) : all.endpoint);
        }
      }
    } finally {
      store.down = false;
    }
  });

  it('fail closed with the same 503 for a live token while the store is down', async () => {
    store.down = true;
    try {
      const all = await answers(fresh, 'auth');
      expect(all.endpoint).toMatchObject({ status: 503, body: { status: 503, error: { message: 'Service Unavailable', source: 'authorize' } } });
      for (const [caller, answer] of Object.entries(all)) expect(answer, caller).toEqual(all.endpoint);
    } finally {
      store.down = false;
    }
  });
});
