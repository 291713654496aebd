/**
 * The cases of issue 14 that the Node service decides, through a real server on a real socket: slow clients, large
 * uploads, every HTTP method, bodies signed with a BOM, data file modes, and Redis without persistence. Each failed
 * before the change that fixed it. (Core's cases are in `packages/core/test/hostile-input.test.ts`.)
 */
import { METHODS } from 'node:http';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantToRequestBody, normalizeGrant, signRequestV2, Channel } from '@grantkit/core';
import { importKey } from '../src/crypto.js';
import { startServer, type GrantkitServer } from '../src/service/server.js';
import { RedisRevocationStore } from '../src/store/redis.js';
import { SqliteRevocationStore } from '../src/store/sqlite.js';
import { startRedis } from './helpers/redis-server.js';

const KEYSET = { subscribeKey: 'sub-c-hostile', publishKey: 'pub-c-hostile', secretKey: 'sec-c-hostile' };
let server: GrantkitServer;

beforeAll(async () => {
  // Short timeouts, so the test waits seconds rather than the production 10 s / 30 s (checked separately below).
  server = await startServer({ keysets: [KEYSET], port: 0, headersTimeoutMs: 1_000, requestTimeoutMs: 2_000 });
});
afterAll(async () => {
  await server.close();
});

interface RawAnswer {
  text: string;
  /** The socket error seen before the answer was complete, if any (ECONNRESET would lose the answer). */
  error?: string;
  /** How long until the server closed (or the error), ms. */
  elapsedMs: number;
}

/** Opens a TCP connection, writes `head`, then `body()` chunks as fast as the socket takes them, and reads the answer. */
function exchange(head: string, body?: { bytes: number; chunk?: number }, timeoutMs = 15_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect(server.port, '127.0.0.1');
    let text = '';
    let done = false;
    const finish = (error?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, elapsedMs: performance.now() - started, ...(error === undefined ? {} : { error }) });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => { text += chunk; });
    // A write error after the answer arrived (EPIPE: the server stopped reading) is how a refused upload ends.
    socket.on('error', (error: NodeJS.ErrnoException) => finish(/\r\n\r\n/.test(text) ? undefined : error.code));
    socket.on('close', () => finish());
    socket.write(head);
    if (body === undefined) return;
    const chunk = Buffer.alloc(body.chunk ?? 256 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < body.bytes && !done) {
        sent += chunk.length;
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}
const statusOf = (answer: RawAnswer) => Number(/^HTTP\/1\.1 (\d{3}) /.exec(answer.text)?.[1] ?? 0);
function bodyOf(answer: RawAnswer): { status: number; service: string } {
  const split = answer.text.indexOf('\r\n\r\n');
  let body = answer.text.slice(split + 4);
  if (/^transfer-encoding: chunked$/im.test(answer.text.slice(0, split))) {
    let decoded = '';
    for (let size = parseInt(body, 16); size > 0; size = parseInt(body, 16)) {
      const start = body.indexOf('\r\n') + 2;
      decoded += body.slice(start, start + size);
      body = body.slice(start + size + 2);
    }
    body = decoded;
  }
  return JSON.parse(body) as { status: number; service: string };
}

describe('slow clients get 408, on time', () => {
  it('cuts incomplete headers with 408 at the headers timeout, not up to 30 s later', async () => {
    const answer = await exchange('GET /health HTTP/1.1\r\nhost: x\r\n');
    expect(statusOf(answer)).toBe(408);
    expect(bodyOf(answer)).toMatchObject({ status: 408, service: 'Access Manager' });
    // Generous for a loaded machine; before the fix Node's 30 s sweep cut it after 1–31 s, and with 400.
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(900);
    expect(answer.elapsedMs).toBeLessThan(4_000);
  });

  it('cuts an incomplete body with 408 at the request timeout', async () => {
    const answer = await exchange('POST /grantkit/v1/sub-c-hostile/authorize HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{"token":');
    expect(statusOf(answer)).toBe(408);
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(1_900);
    expect(answer.elapsedMs).toBeLessThan(6_000);
  });

  it('runs production with the documented 10 s for headers and 30 s per request, swept often', async () => {
    const production = await startServer({ keysets: [KEYSET], port: 0 });
    try {
      expect(production.httpServer.headersTimeout).toBe(10_000);
      expect(production.httpServer.requestTimeout).toBe(30_000);
    } finally {
      await production.close();
    }
  });
});

describe('413 and 431 arrive before the connection closes', () => {
  it.each([4, 100])('answers a fast %i MB upload with 413 (declared length), not a reset', async (megabytes) => {
    const bytes = megabytes * 1024 * 1024;
    const answer = await exchange(`POST /v3/pam/sub-c-hostile/grant HTTP/1.1\r\nhost: x\r\ncontent-length: ${bytes}\r\n\r\n`, { bytes });
    expect(answer.error).toBeUndefined();
    expect(statusOf(answer)).toBe(413);
    expect(answer.text.toLowerCase()).toContain('connection: close');
  });

  it.each([4, 100])('answers a fast %i MB chunked upload with 413, not a reset', async (megabytes) => {
    const bytes = megabytes * 1024 * 1024;
    const chunk = 64 * 1024;
    // One chunk header for the whole upload: the parser sees a body that never ends, as fast as it can read.
    const answer = await exchange(`POST /v3/pam/sub-c-hostile/grant HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n${bytes.toString(16)}\r\n`, { bytes, chunk });
    expect(answer.error).toBeUndefined();
    expect(statusOf(answer)).toBe(413);
  });

  it('answers fetch with a 4 MB body: 413 as a Response, not a thrown network error', async () => {
    const response = await fetch(`${server.url}/v3/pam/sub-c-hostile/grant`, { method: 'POST', body: new Uint8Array(4 * 1024 * 1024) });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ status: 413 });
  });

  it('answers 64 kB of headers with 431 while the client is still sending them', async () => {
    const header = `x-filler: ${'a'.repeat(64 * 1024)}\r\n`;
    const answer = await exchange(`GET /health HTTP/1.1\r\nhost: x\r\n${header}${header}\r\n`);
    expect(answer.error).toBeUndefined();
    expect(statusOf(answer)).toBe(431);
    expect(bodyOf(answer).status).toBe(431);
  });
});

describe('every method gets a status', () => {
  it.each(METHODS)('%s', async (method) => {
    const target = method === 'CONNECT' ? 'example.com:443' : '/v3/pam/sub-c-hostile/grant';
    const answer = await exchange(`${method} ${target} HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
    expect(answer.error).toBeUndefined();
    const status = statusOf(answer);
    expect(status).toBeGreaterThanOrEqual(200);
    expect(status).toBeLessThan(500);
    if (method === 'HEAD') return; // no body
    expect(bodyOf(answer).service).toBe('Access Manager');
  });
});

describe('signatures cover the bytes as sent', () => {
  it('grants for a body that starts with a UTF-8 BOM, signed with it', async () => {
    const body = `\ufeff${grantToRequestBody(normalizeGrant({ ttl: 15, channels: [Channel.id('bom').read()] }))}`;
    const path = `/v3/pam/${KEYSET.subscribeKey}/grant`;
    const query = { uuid: 'server', timestamp: String(Math.floor(Date.now() / 1000)) };
    const signature = signRequestV2(importKey(KEYSET.secretKey), { method: 'POST', publishKey: KEYSET.publishKey, path, query, body });
    const response = await fetch(`${server.url}${path}?${new URLSearchParams({ ...query, signature })}`, { method: 'POST', body });
    expect(response.status).toBe(200);
  });
});

describe('data files are readable by their owner only', () => {
  const directory = mkdtempSync(join(tmpdir(), 'grantkit-modes-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  const mode = (path: string) => statSync(path).mode & 0o777;

  it('creates the SQLite database, -wal and -shm 0600 in a directory anyone can read', async () => {
    const previous = process.umask(0o022);
    try {
      const path = join(directory, 'open.sqlite3');
      const store = new SqliteRevocationStore({ path, purgeIntervalMs: 0 });
      // Committed by the writer thread's own connection: the files it writes keep the owner-only mode too.
      await store.revoke('id-1', Math.floor(Date.now() / 1000) + 60);
      for (const file of [path, `${path}-wal`, `${path}-shm`]) expect([file, mode(file).toString(8)]).toEqual([file, '600']);
      await store.close();
    } finally {
      process.umask(previous);
    }
  });

  it('narrows an existing world-readable database to 0600 on open', () => {
    const path = join(directory, 'existing.sqlite3');
    writeFileSync(path, '', { mode: 0o644 });
    const store = new SqliteRevocationStore({ path, purgeIntervalMs: 0 });
    expect(mode(path).toString(8)).toBe('600');
    store.close();
  });

  it('does the same in the default data directory', async () => {
    const dataDir = join(directory, 'data');
    const store = new SqliteRevocationStore({ dataDir, purgeIntervalMs: 0 });
    await store.revoke('id-2', Math.floor(Date.now() / 1000) + 60);
    expect(mode(store.path).toString(8)).toBe('600');
    expect(mode(`${store.path}-wal`).toString(8)).toBe('600');
    await store.close();
  });
});

describe('Redis without persistence is reported at start-up', () => {
  it('warns and reports none when Redis keeps nothing across a restart', async () => {
    const redis = await startRedis();
    const warnings: string[] = [];
    const store = new RedisRevocationStore({ url: redis.url, onWarning: (message) => warnings.push(message) });
    try {
      expect(store.persistence).toBe('unknown');
      await store.ready();
      expect(store.persistence).toBe('none');
      expect(warnings).toEqual([expect.stringMatching(/redis restart forgets every revocation/)]);
    } finally {
      await store.close();
      await redis.stop();
    }
  });

  it.each([['aof', 'aof'], ['rdb', 'rdb']] as const)('stays quiet with %s', async (persistence, reported) => {
    const redis = await startRedis(undefined, persistence);
    const warnings: string[] = [];
    const store = new RedisRevocationStore({ url: redis.url, onWarning: (message) => warnings.push(message) });
    try {
      await store.ready();
      expect(store.persistence).toBe(reported);
      expect(warnings).toEqual([]);
    } finally {
      await store.close();
      await redis.stop();
    }
  });
});
