/**
 * The checking proxy in `startServer({ upstream })`, against a node:http upstream on loopback: what is forwarded is
 * what was sent, what comes back is what the upstream answered (status, headers, compressed bytes), responses stream
 * as they are written, an aborted long poll releases its upstream request, and failures get PubNub-style answers.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Channel, mintToken, UUID } from '@grantkit/core';
import { importKey } from '../crypto.js';
import { startServer, type GrantkitServer } from './server.js';

const KEYSET = { subscribeKey: 'sub-c-px', publishKey: 'pub-c-px', secretKey: 'sec-c-px' };
const token = mintToken({ ttl: 10, channels: [Channel.id('room-1').read().write()], uuids: [UUID.id('alice').update()] }, importKey(KEYSET.secretKey));

interface Seen { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }
let seen: Seen[] = [];
let onRequest: (incoming: IncomingMessage, outgoing: ServerResponse, body: Buffer) => void;
let upstream: Server;
let server: GrantkitServer;

beforeAll(async () => {
  upstream = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: incoming.method!, url: incoming.url!, headers: incoming.headers, body });
      onRequest(incoming, outgoing, body);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  server = await startServer({ keysets: [KEYSET], port: 0, upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, shutdownTimeoutMs: 1_000 });
});

afterAll(async () => {
  await server.close();
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

function raw(path: string, options: { method?: string; body?: Buffer | string; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: IncomingMessage['headers']; rawHeaders: string[]; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${server.url}${path}`, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, rawHeaders: response.rawHeaders, body: Buffer.concat(chunks) }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

const publish = (channel: string, extra = '') => `/publish/${KEYSET.publishKey}/${KEYSET.subscribeKey}/0/${channel}/0/%22a%2Bb%20c%22?uuid=alice&auth=${token}&store=0${extra}`;

describe('the checking proxy', () => {
  it('forwards method, path and query exactly as sent, and returns status, headers and compressed bytes untouched', async () => {
    seen = [];
    const gzipped = gzipSync(Buffer.from('[1,"Sent","17000000000000000"]'));
    onRequest = (_incoming, outgoing) => {
      outgoing.writeHead(201, { 'content-encoding': 'gzip', 'content-type': 'text/javascript; charset="UTF-8"', 'set-cookie': ['a=1', 'b=2'], 'x-custom': 'kept', 'content-length': gzipped.byteLength });
      outgoing.end(gzipped);
    };
    const response = await raw(publish('room-1', '&norep=true&meta=%7B%22x%22%3A%2B1%7D'), { headers: { 'accept-encoding': 'gzip', 'x-client': 'yes' } });
    expect(response.status).toBe(201);
    expect(response.body.equals(gzipped)).toBe(true);
    expect(response.headers).toMatchObject({ 'content-encoding': 'gzip', 'x-custom': 'kept', 'set-cookie': ['a=1', 'b=2'] });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe(publish('room-1', '&norep=true&meta=%7B%22x%22%3A%2B1%7D'));
    expect(seen[0]!.headers).toMatchObject({ 'x-client': 'yes', 'accept-encoding': 'gzip', host: `127.0.0.1:${(upstream.address() as AddressInfo).port}` });
  });

  it('streams a large POST body through unread, and a denied one never reaches the upstream', async () => {
    seen = [];
    onRequest = (_incoming, outgoing, body) => outgoing.end(JSON.stringify([1, 'Sent', String(body.byteLength)]));
    const big = Buffer.alloc(200_000, 'x');
    const allowed = await raw(`/publish/${KEYSET.publishKey}/${KEYSET.subscribeKey}/0/room-1/0?uuid=alice&auth=${token}`, { method: 'POST', body: big, headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(allowed.body.toString())).toEqual([1, 'Sent', '200000']);
    expect(seen[0]!.body.equals(big)).toBe(true);
    const denied = await raw(`/publish/${KEYSET.publishKey}/${KEYSET.subscribeKey}/0/room-2/0?uuid=alice&auth=${token}`, { method: 'POST', body: big });
    expect(denied.status).toBe(403);
    expect(seen).toHaveLength(1);
  });

  it('streams a response as the upstream writes it, and an aborted long poll releases the upstream request', async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((resolve) => { upstreamClosed = resolve; });
    onRequest = (incoming, outgoing) => {
      outgoing.writeHead(200, { 'content-type': 'text/javascript' });
      outgoing.write('{"t":');
      incoming.socket.on('close', () => upstreamClosed());
    };
    const first = await new Promise<string>((resolve, reject) => {
      const request = httpRequest(`${server.url}/v2/subscribe/${KEYSET.subscribeKey}/room-1/0?uuid=alice&tt=1&auth=${token}`, (response) => {
        response.once('data', (chunk: Buffer) => {
          resolve(chunk.toString());
          request.destroy(); // the client goes away mid long poll (an unsubscribe)
        });
      });
      request.on('error', () => undefined);
      request.on('close', () => undefined);
      request.end();
      setTimeout(() => reject(new Error('no first chunk')), 5_000);
    });
    expect(first).toBe('{"t":');
    await closed;
  });

  it('bounds buffered bodies (413, never forwarded) and answers an unreachable upstream with a 502', async () => {
    seen = [];
    const patch = `/v2/objects/${KEYSET.subscribeKey}/uuids/alice?uuid=alice&auth=${token}`;
    const tooLarge = await raw(patch, { method: 'PATCH', body: Buffer.alloc(40_000, 'x') });
    expect(tooLarge.status).toBe(413);
    expect(seen).toHaveLength(0);
    const down = await startServer({ keysets: [KEYSET], port: 0, upstream: 'http://127.0.0.1:1' });
    try {
      const response = await fetch(`${down.url}${publish('room-1')}`);
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ status: 502, error: true, service: 'Access Manager' });
    } finally {
      await down.close();
    }
  });
});
