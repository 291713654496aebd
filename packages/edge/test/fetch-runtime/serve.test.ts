/**
 * `@grantkit/edge` served by a fetch runtime's own HTTP server — `Bun.serve` or `Deno.serve`, whichever runtime runs
 * this file (the runtime matrix runs it in both) — with secrets from the environment object, driven by the official
 * `pubnub` SDK: the "any fetch runtime" promise of the package, outside Workers.
 */
import { createEdgeHandler } from '@grantkit/edge';
import PubNub from 'pubnub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_BINDINGS } from '../node/bindings.js';

interface RunningServer {
  port: number;
  stop(): Promise<void>;
}

declare const Bun: { serve(options: { port: number; hostname: string; fetch(request: Request): Promise<Response> }): { port: number; stop(force?: boolean): Promise<void> } } | undefined;
declare const Deno: {
  serve(options: { port: number; hostname: string; onListen?: () => void }, handler: (request: Request) => Promise<Response>): { addr: { port: number }; shutdown(): Promise<void> };
} | undefined;

const { GRANTKIT_SUBSCRIBE_KEY: SUBSCRIBE_KEY, GRANTKIT_PUBLISH_KEY: PUBLISH_KEY, GRANTKIT_SECRET_KEY: SECRET_KEY } = TEST_BINDINGS;
const handler = createEdgeHandler();
const env = { ...TEST_BINDINGS };

/** Serves the handler on a free loopback port with the runtime's own server. */
function serve(): RunningServer {
  const fetch = (request: Request) => handler.fetch(request, env);
  if (typeof Bun !== 'undefined') {
    const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch });
    return { port: server.port, stop: () => server.stop(true) };
  }
  if (typeof Deno !== 'undefined') {
    const server = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen: () => undefined }, fetch);
    return { port: server.addr.port, stop: () => server.shutdown() };
  }
  throw new Error('this suite runs in Bun or Deno (scripts/matrix.mjs); Node serves the edge handler through @grantkit/node');
}

let server: RunningServer;
let origin: string;
const client = () =>
  new PubNub({ publishKey: PUBLISH_KEY, subscribeKey: SUBSCRIBE_KEY, secretKey: SECRET_KEY, userId: 'server-1', origin, ssl: false, logVerbosity: false });

beforeAll(() => {
  server = serve();
  origin = `127.0.0.1:${server.port}`;
});
afterAll(() => server?.stop());

describe(`@grantkit/edge on ${typeof Bun !== 'undefined' ? 'Bun.serve' : 'Deno.serve'}`, () => {
  it('answers grantToken from the official SDK with a token it then authorizes', async () => {
    const token = await client().grantToken({
      ttl: 15,
      authorized_uuid: 'client-1',
      resources: { channels: { 'room-1': { read: true, write: true } } },
      patterns: { channels: { '^lobby-.*$': { read: true } } },
    });
    expect(client().parseToken(token)).toMatchObject({ ttl: 15, authorized_uuid: 'client-1', resources: { channels: { 'room-1': { write: true } } } });
    const authorize = (query: string) =>
      fetch(`http://${origin}/grantkit/v1/${SUBSCRIBE_KEY}/authorize?${query}&auth=${encodeURIComponent(token)}`);
    const allowed = await authorize('uuid=client-1&channel=lobby-7&permission=read');
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toMatchObject({ allowed: true });
    const denied = await authorize('uuid=client-1&channel=lobby-7&permission=write');
    expect(denied.status).toBe(403);
  });

  it('answers bad input with PubNub-shaped 4xx, and revoke without a store with 403 Feature disabled', async () => {
    await expect(client().grantToken({ ttl: 0, resources: { channels: { a: { read: true } } } })).rejects.toMatchObject({ status: { statusCode: 400 } });
    const token = await client().grantToken({ ttl: 5, resources: { channels: { a: { read: true } } } });
    await expect(client().revokeToken(token)).rejects.toMatchObject({ status: { statusCode: 403 } });
    const health = await fetch(`http://${origin}/health`);
    expect(health.status).toBe(200);
  });
});
