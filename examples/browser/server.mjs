// The example's app server: serves the built page (dist/) and a token endpoint. In a real app this endpoint checks the
// user's session first; the secret never leaves the server. Tokens come from a running `grantkit serve` (through
// @grantkit/node's AccessManager, signed like the official SDKs) when GRANTKIT_ORIGIN is set, or are minted
// in-process with @grantkit/core otherwise.
//
//   node server.mjs                       # http://127.0.0.1:8787, 10-minute tokens minted in-process
//   PORT=0 TOKEN_TTL=1 node server.mjs    # random port, 1-minute tokens
//   GRANTKIT_ORIGIN=http://127.0.0.1:8080 GRANTKIT_SUBSCRIBE_KEY=… GRANTKIT_PUBLISH_KEY=… GRANTKIT_SECRET_KEY=… node server.mjs
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mintToken } from '@grantkit/core';
import { AccessManager } from '@grantkit/node';

const ROOT = fileURLToPath(new URL('./dist/', import.meta.url));
/** @type {Record<string, string>} */
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

/**
 * Starts the server.
 *
 * @param {{ port?: number, host?: string, ttl?: number, backdate?: number, secret?: string,
 *   grantkit?: { origin: string, subscribeKey: string, publishKey: string, secretKey: string } }} [options]
 *   `ttl` in minutes; `backdate` issues tokens that many seconds in the past (so a test sees a refresh in seconds
 *   while tokens keep PubNub's 1-minute minimum ttl; in-process minting only); `grantkit` asks a running
 *   `grantkit serve` for tokens instead of minting them here.
 * @returns {Promise<{ url: string, minted: () => number, close: () => Promise<void> }>}
 */
export async function startServer({ port = 8787, host = '127.0.0.1', ttl = 10, backdate = 0, secret = 'sec-c-example-only', grantkit } = {}) {
  const remote = grantkit && new AccessManager({ ...grantkit, userId: 'example-app-server' });
  const grant = {
    ttl,
    authorized_uuid: 'alice',
    resources: { channels: { 'room-1': { read: true, write: true } }, groups: { 'cg-lobby': { read: true } } },
    patterns: { channels: { '^public-.*$': { read: true } } },
    meta: { plan: 'demo' },
  };
  /** @type {import('@grantkit/core').SyncHmacKey} */
  const key = {
    sign: (data) => createHmac('sha256', secret).update(data).digest(),
    verify: (data, signature) => {
      const expected = createHmac('sha256', secret).update(data).digest();
      return signature.length === expected.length && timingSafeEqual(expected, signature);
    },
  };
  let minted = 0;
  const server = createServer(async (request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    if (pathname === '/api/token') {
      let token;
      if (remote) {
        minted++;
        token = await remote.grantToken(grant);
      } else {
        // Distinct issue times keep every token distinct, even several within one second.
        const timestamp = Math.floor(Date.now() / 1000) - backdate - (minted++ % 2);
        token = mintToken(grant, key, { timestamp });
      }
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify({ token }));
      return;
    }
    if (pathname === '/api/signed-out') {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end('{"error":"not signed in"}');
      return;
    }
    const path = normalize(join(ROOT, pathname === '/' ? 'index.html' : pathname));
    if (!path.startsWith(ROOT)) {
      response.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(path);
      response.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const address = server.address();
  return {
    url: `http://${host}:${typeof address === 'object' && address ? address.port : port}/`,
    minted: () => minted,
    close: () => new Promise((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve(undefined)));
    }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { GRANTKIT_ORIGIN: origin, GRANTKIT_SUBSCRIBE_KEY: subscribeKey, GRANTKIT_PUBLISH_KEY: publishKey, GRANTKIT_SECRET_KEY: secretKey } = process.env;
  const { url } = await startServer({
    port: Number(process.env.PORT ?? 8787),
    ttl: Number(process.env.TOKEN_TTL ?? 10),
    ...(origin && subscribeKey && publishKey && secretKey ? { grantkit: { origin, subscribeKey, publishKey, secretKey } } : {}),
  });
  console.log(`example app server on ${url}`);
}
