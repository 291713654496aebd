import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Channel, mintToken, signRequestV2, type RevocationStore } from '@grantkit/core';
import { importKey } from '../crypto.js';
import { createJsonLogger } from './logger.js';
import { startServer } from './server.js';
import { SqliteRevocationStore } from '../store/sqlite.js';

const KEYSET = { subscribeKey: 'sub-c-srv', publishKey: 'pub-c-srv', secretKey: 'sec-c-srv' };
const key = importKey(KEYSET.secretKey);

function slowStore(delayMs: number): RevocationStore {
  return {
    revoke: async () => undefined,
    isRevoked: () => new Promise((resolve) => setTimeout(() => resolve(false), delayMs)),
  };
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
      expect(text).toContain('grantkit_request_duration_seconds_count{route="grant"} 1');
      expect(text).toContain('# TYPE process_cpu_seconds_total counter');
      expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
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

  it('serves /ready from each check, 503 naming the failing one; /openapi.json; 405 for other methods', async () => {
    const sqlite = new SqliteRevocationStore({ path: ':memory:', purgeIntervalMs: 0 });
    let brokenAnswers = true;
    const server = await startServer({
      keysets: [KEYSET], port: 0, revocations: sqlite, readyTimeoutMs: 200,
      readinessChecks: [
        { name: 'sqlite', check: () => sqlite.ping() },
        { name: 'upstream', check: () => { if (brokenAnswers) throw new Error('connect ECONNREFUSED 127.0.0.1:9'); } },
        { name: 'slow', check: () => new Promise(() => undefined), timeoutMs: 50 },
      ],
    });
    try {
      const notReady = await fetch(`${server.url}/ready`);
      expect(notReady.status).toBe(503);
      const body = await notReady.json() as { error: { details: Array<{ message: string; location: string }> }; checks: Array<{ name: string; ready: boolean }> };
      expect(body.error.details).toEqual([
        { message: 'upstream: connect ECONNREFUSED 127.0.0.1:9', location: 'upstream', locationType: 'store' },
        { message: 'slow: did not answer within 50 ms', location: 'slow', locationType: 'store' },
      ]);
      expect(body.checks.map((check) => [check.name, check.ready])).toEqual([['sqlite', true], ['upstream', false], ['slow', false]]);
      brokenAnswers = false;
      expect((await fetch(`${server.url}/ready`)).status).toBe(503);
      const document = await (await fetch(`${server.url}/openapi.json`)).json() as { openapi: string; paths: Record<string, unknown> };
      expect(document.openapi).toBe('3.1.0');
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/ready', '/health', '/metrics', '/openapi.json']));
      expect((await fetch(`${server.url}/ready`, { method: 'POST' })).status).toBe(405);
      sqlite.close();
      const closed = await (await fetch(`${server.url}/ready`)).json() as { error: { details: Array<{ location: string }> } };
      expect(closed.error.details.map((detail) => detail.location)).toContain('sqlite');
    } finally {
      await server.close();
    }
  });

  it('defaults /ready to the revocation store\'s ping, and is ready without a store', async () => {
    const sqlite = new SqliteRevocationStore({ path: ':memory:', purgeIntervalMs: 0 });
    const withStore = await startServer({ keysets: [KEYSET], port: 0, revocations: sqlite });
    const without = await startServer({ keysets: [KEYSET], port: 0 });
    try {
      expect(await (await fetch(`${withStore.url}/ready`)).json()).toMatchObject({ status: 200, checks: [{ name: 'revocations', ready: true }] });
      expect(await (await fetch(`${without.url}/ready`)).json()).toMatchObject({ status: 200, checks: [] });
    } finally {
      await withStore.close();
      await without.close();
      sqlite.close();
    }
  });

  it('serves /metrics on a separate address when configured, behind a bearer token when one is set', async () => {
    const token = 'metrics-token-0123456789';
    const server = await startServer({ keysets: [KEYSET], port: 0, metricsAddress: { port: 0 }, metricsToken: token });
    try {
      expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.metricsUrl).not.toBe(server.url);
      expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
      const refused = await fetch(`${server.metricsUrl}/metrics`);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="grantkit-metrics"');
      expect((await fetch(`${server.metricsUrl}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const scraped = await fetch(`${server.metricsUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('process_cpu_seconds_total');
      // The metrics listener serves nothing else.
      expect((await fetch(`${server.metricsUrl}/v3/nothing-else`)).status).toBe(404);
    } finally {
      await server.close();
    }
    await expect(fetch(`${server.metricsUrl}/metrics`)).rejects.toThrow();
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
    await new Promise((resolve) => setTimeout(resolve, 100));
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
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await stuck).toBe('cut');
  });

  it('answers /health and /ready 503, with Connection: close, to requests that arrive while draining', async () => {
    const server = await startServer({ keysets: [KEYSET], port: 0, revocations: slowStore(400) });
    const token = mintToken({ ttl: 5, channels: [Channel.id('a').read()] }, key);
    const slow = fetch(authorizeUrl(server.url, token));
    // Connections that have started, but not finished, their request headers when shutdown begins.
    const sockets = await Promise.all(['/health', '/ready'].map(async (path) => {
      const socket = connect(server.port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(`GET ${path} HTTP/1.1\r\nhost: x\r\n`);
      return socket;
    }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = server.close();
    const answers = await Promise.all(sockets.map(async (socket) => {
      let answer = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => { answer += chunk; });
      const ended = new Promise((resolve) => socket.once('close', resolve));
      socket.write('\r\n');
      await ended;
      return answer;
    }));
    for (const answer of answers) {
      expect(answer).toMatch(/^HTTP\/1\.1 503/);
      expect(answer.toLowerCase()).toContain('connection: close');
      expect(answer).toContain('Shutting down');
    }
    expect((await slow).status).toBe(200);
    await closing;
  });
});
