/**
 * A Vite plugin that makes the browser tests' dev server play the app server, over real HTTP on the same origin:
 *
 * - `GET /__grantkit/<session>/token?fail=503,401&ttl=1&backdate=0` — the token endpoint. The listed statuses are
 *   answered first, one per request, then tokens are minted with core (HMAC-SHA256 from `node:crypto`).
 * - `GET /__grantkit/<session>/api/<channel>` — an API that accepts only the session's newest token (given as
 *   `auth=` or a bearer header) with `read` on the channel, so an older token gets the 403 a revoked one would.
 * - `GET /__grantkit/<session>/stats` — request counts, for assertions.
 *
 * Sessions keep tests independent of each other.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vite';
import { authorize, mintToken, verifyToken, type SyncHmacKey } from '@grantkit/core';

const SECRET = 'sec-c-test-only-never-in-a-browser';

/** HMAC-SHA256 key over the test secret, synchronous as in `@grantkit/node`. */
export const testKey: SyncHmacKey = {
  sign: (data) => createHmac('sha256', SECRET).update(data).digest(),
  verify: (data, signature) => {
    const expected = createHmac('sha256', SECRET).update(data).digest();
    return signature.length === expected.length && timingSafeEqual(expected, signature);
  },
};

interface Session {
  failures: number[] | undefined;
  newest: string | undefined;
  tokenRequests: number;
  apiRequests: number;
  minted: number;
  lastTimestamp?: number;
}

export function tokenServerPlugin(): Plugin {
  const sessions = new Map<string, Session>();
  return {
    name: 'grantkit-test-token-server',
    configureServer(server) {
      server.middlewares.use('/__grantkit/', (request: IncomingMessage, response: ServerResponse) => {
        const url = new URL(request.url ?? '/', 'http://localhost');
        const [id = '', route = '', channel = ''] = url.pathname.split('/').filter(Boolean);
        let session = sessions.get(id);
        if (session === undefined) {
          session = { failures: undefined, newest: undefined, tokenRequests: 0, apiRequests: 0, minted: 0 };
          sessions.set(id, session);
        }
        const send = (status: number, body: unknown): void => {
          response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          response.end(JSON.stringify(body));
        };
        if (route === 'token') {
          session.tokenRequests++;
          session.failures ??= (url.searchParams.get('fail') ?? '').split(',').filter(Boolean).map(Number);
          const failure = session.failures.shift();
          if (failure !== undefined) return send(failure, { error: `status ${failure}` });
          // Strictly decreasing issue times make every token distinct, however the clock moves between two mints
          // (subtracting the mint count alone collides when the clock advances by exactly that much).
          const now = Math.floor(Date.now() / 1000) - Number(url.searchParams.get('backdate') ?? 0);
          const timestamp = Math.min(now - session.minted++, (session.lastTimestamp ?? Number.POSITIVE_INFINITY) - 1);
          session.lastTimestamp = timestamp;
          const token = mintToken(
            {
              ttl: Number(url.searchParams.get('ttl') ?? 10),
              authorized_uuid: 'alice',
              resources: { channels: { 'room-1': { read: true, write: true } } },
              patterns: { channels: { '^public-.*$': { read: true } } },
            },
            testKey,
            { timestamp },
          );
          session.newest = token;
          return send(200, { token });
        }
        if (route === 'api') {
          session.apiRequests++;
          const token = url.searchParams.get('auth') ?? request.headers.authorization?.replace(/^Bearer /, '');
          if (token === undefined || token === null || token !== session.newest) return send(403, { error: 'Forbidden' });
          const decision = authorize(verifyToken(token, testKey), {
            uuid: 'alice', resource: { channel }, permission: 'read',
          });
          return send(decision.allowed ? 200 : 403, { message: decision.message });
        }
        if (route === 'stats') return send(200, { tokenRequests: session.tokenRequests, apiRequests: session.apiRequests });
        return send(404, { error: 'not found' });
      });
    },
  };
}
