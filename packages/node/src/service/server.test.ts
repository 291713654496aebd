import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Channel, mintToken, signRequestV2, type RevocationStore } from '@grantkit/core';
import { importKey } from '../crypto.js';
import { createJsonLogger } from './logger.js';
import { startServer } from './server.js';

const KEYSET = { subscribeKey: 'sub-c-srv', publishKey: 'pub-c-srv', secretKey: 'sec-c-srv' };
const key = importKey(KEYSET.secretKey);

function slowStore(delayMs: number): RevocationStore {
  return {
    revoke: async () => undefined,
    isRevoked: () => new Promise((resolve) => setTimeout(() => resolve(false), delayMs)),
  };
}

/** Waits (bounded) until the server has a request in flight: a fixed sleep races the connection on a loaded machine. */
async function untilInFlight(server: { inFlight: number }, count = 1): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (server.inFlight < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

function authorizeUrl(base: string, token: string): string {
  return `${base}/grantkit/v1/${KEYSET.subscribeKey}/authorize?channel=a&permission=read&auth=${encodeURIComponent(token)}`;
}

describe('startServer', () => {
  it('serves health, metrics fed by the handler, and JSON logs without tokens or secrets', async () => {
    const lines: string[] = [];
    const server = await startServer({ keysets: [KEYSET], port: 0, logger: createJsonLogger({ write: (line) => lines.push(line) }) });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      const path = `/v3/pam/${KEYSET.subscribeKey}/grant`;
      const body = JSON.stringify({ ttl: 5, permissions: { resources: { channels: { a: 1 } }, patterns: {}, meta: {} } });
      const query = { uuid: 'server', timestamp: String(Math.floor(Date.now() / 1000)) };
      const signature = signRequestV2(key, { method: 'POST', publishKey: KEYSET.publishKey, path, query, body });
      const granted = await fetch(`${server.url}${path}?${new URLSearchParams({ ...query, signature })}`, { method: 'POST', body });
      expect(granted.status).toBe(200);
      const { data } = await granted.json() as { data: { token: string } };
      expect((await fetch(authorizeUrl(server.url, data.token))).status).toBe(200);

      const metrics = await fetch(`${server.url}/metrics`);
      expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const text = await metrics.text();
      expect(text).toContain('grantkit_grants_total{outcome="success"} 1');
      expect(text).toContain('grantkit_authorizations_total{outcome="granted"} 1');
      expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405);

      const log = lines.join('');
      expect(log).toContain('"route":"grant"');
      expect(log).not.toContain(data.token);
      expect(log).not.toContain(signature);
      expect(log).not.toContain(KEYSET.secretKey);
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    } finally {
      await server.close();
    }
  });

  it('accepts PubNub\'s 32 KiB request budget in the URL and answers 431 beyond it', async () => {
    const server = await startServer({ keysets: [KEYSET], port: 0 });
    try {
      const within = await fetch(`${server.url}/health?pad=${'a'.repeat(20_000)}`);
      expect(within.status).toBe(200);
      const status = await new Promise<number>((resolve, reject) => {
        const request = httpRequest(`${server.url}/health?pad=${'a'.repeat(40_000)}`, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.on('error', reject);
        request.end();
      });
      expect(status).toBe(431);
    } finally {
      await server.close();
    }
  });

  it('shuts down gracefully: in-flight requests finish, then new connections are refused', async () => {
    const server = await startServer({ keysets: [KEYSET], port: 0, revocations: slowStore(400) });
    const token = mintToken({ ttl: 5, channels: [Channel.id('a').read()] }, key);
    const inFlight = fetch(authorizeUrl(server.url, token));
    await untilInFlight(server);
    expect(server.inFlight).toBe(1);
    const closing = server.close();
    const response = await inFlight;
    expect(response.status).toBe(200);
    await closing;
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });

  it('cuts requests still running after shutdownTimeoutMs', async () => {
    const hanging: RevocationStore = { revoke: async () => undefined, isRevoked: () => new Promise(() => undefined) };
    const server = await startServer({ keysets: [KEYSET], port: 0, revocations: hanging, shutdownTimeoutMs: 300 });
    const token = mintToken({ ttl: 5, channels: [Channel.id('a').read()] }, key);
    const stuck = fetch(authorizeUrl(server.url, token)).then(() => 'answered', () => 'cut');
    await untilInFlight(server);
    expect(server.inFlight).toBe(1);
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await stuck).toBe('cut');
  });

  it('answers /health 503, with Connection: close, to a request that arrives while draining', async () => {
    const server = await startServer({ keysets: [KEYSET], port: 0, revocations: slowStore(400) });
    const token = mintToken({ ttl: 5, channels: [Channel.id('a').read()] }, key);
    const slow = fetch(authorizeUrl(server.url, token));
    // A second connection that has started, but not finished, its request headers when shutdown begins.
    const socket = connect(server.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET /health HTTP/1.1\r\nhost: x\r\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = server.close();
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => { answer += chunk; });
    const ended = new Promise((resolve) => socket.once('close', resolve));
    socket.write('\r\n');
    await ended;
    expect(answer).toMatch(/^HTTP\/1\.1 503/);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect((await slow).status).toBe(200);
    await closing;
  });
});
