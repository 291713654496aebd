import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Channel, type RevocationStore } from '@grantkit/core';
import { AccessManager } from './access-manager.js';
import { requirePermission, tokenFromRequest } from './middleware.js';
import { MemoryRevocationStore } from '../store/memory.js';

const revocations = new MemoryRevocationStore();
const accessManager = new AccessManager({ subscribeKey: 'sub-c-mw', publishKey: 'pub-c-mw', secretKey: 'sec-c-mw', revocations });
const writer = accessManager.grantTokenSync({ ttl: 5, authorizedUuid: 'alice', channels: [Channel.pattern('^room-.*$').read().write()] });
const reader = accessManager.grantTokenSync({ ttl: 5, channels: [Channel.id('room-1').read()] });
const revoked = accessManager.grantTokenSync({ ttl: 6, channels: [Channel.id('room-1').read().write()] });

const servers: Array<() => Promise<void>> = [];
let plainUrl: string;
let expressUrl: string;
let fastifyUrl: string;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(() => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

beforeAll(async () => {
  await accessManager.revokeToken(revoked);

  // node:http: the guard resolves to whether the request may continue.
  const guard = requirePermission<IncomingMessage>({
    accessManager,
    permission: 'write',
    channel: (request) => new URL(request.url ?? '/', 'http://x').pathname.split('/')[2],
  });
  plainUrl = await listen(createServer(async (request: IncomingMessage, response: ServerResponse) => {
    if (!(await guard(request, response))) return;
    response.end(JSON.stringify({ ok: true, state: (request as { grantkit?: unknown }).grantkit }));
  }));

  const app = express();
  app.post('/rooms/:channel/messages', accessManager.requirePermission<express.Request>({
    permission: 'write',
    channel: (request) => request.params.channel as string,
  }), (_request, response) => { response.json({ ok: true }); });
  expressUrl = await listen(createServer(app));

  const fastify = Fastify();
  fastify.post('/rooms/:channel/messages', {
    preHandler: requirePermission<{ params: { channel: string } }>({ accessManager, permission: 'write', channel: (request) => request.params.channel }),
  }, async () => ({ ok: true }));
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  fastifyUrl = `http://127.0.0.1:${(fastify.server.address() as { port: number }).port}`;
  servers.push(() => fastify.close());
});

afterAll(async () => {
  for (const close of servers) await close();
});

const frameworks = () => [
  ['node:http', `${plainUrl}/rooms`],
  ['Express', `${expressUrl}/rooms`],
  ['Fastify', `${fastifyUrl}/rooms`],
] as const;

describe('requirePermission', () => {
  it('allows with the token in the auth or token query parameter or a Bearer header, in node:http, Express and Fastify', async () => {
    for (const [name, base] of frameworks()) {
      const viaQuery = await fetch(`${base}/room-7/messages?uuid=alice&auth=${encodeURIComponent(writer)}`, { method: 'POST' });
      expect(viaQuery.status, name).toBe(200);
      expect(await viaQuery.json(), name).toMatchObject({ ok: true });
      const viaBearer = await fetch(`${base}/room-7/messages?uuid=alice`, { method: 'POST', headers: { authorization: `Bearer ${writer}` } });
      expect(viaBearer.status, name).toBe(200);
      const viaToken = await fetch(`${base}/room-7/messages?uuid=alice&token=${encodeURIComponent(writer)}`, { method: 'POST' });
      expect(viaToken.status, name).toBe(200);
    }
  });

  it('denies with 403 and the reason: missing token, missing permission, wrong uuid, revoked, garbage', async () => {
    for (const [name, base] of frameworks()) {
      const cases: Array<[string, RequestInit, string]> = [
        [`${base}/room-1/messages?uuid=alice`, {}, 'missing'],
        [`${base}/room-1/messages?auth=${encodeURIComponent(reader)}`, {}, 'permission-missing'],
        [`${base}/room-1/messages?uuid=eve&auth=${encodeURIComponent(writer)}`, {}, 'uuid-mismatch'],
        [`${base}/room-1/messages?auth=${encodeURIComponent(revoked)}`, {}, 'revoked'],
        [`${base}/lobby/messages?uuid=alice&auth=${encodeURIComponent(writer)}`, {}, 'no-grant'],
        [`${base}/room-1/messages`, { headers: { authorization: 'Bearer not-a-token' } }, 'malformed'],
      ];
      for (const [url, init, reason] of cases) {
        const response = await fetch(url, { method: 'POST', ...init });
        expect(response.status, `${name} ${reason}`).toBe(403);
        expect(await response.json(), `${name} ${reason}`).toMatchObject({ error: true, status: 403, allowed: false, reason });
      }
    }
  });

  it('leaves the decision on the request for the handler', async () => {
    const response = await fetch(`${plainUrl}/rooms/room-2/messages?uuid=alice&auth=${encodeURIComponent(writer)}`);
    expect(await response.json()).toMatchObject({ state: { userId: 'alice', decision: { allowed: true, match: { source: 'patterns' } } } });
  });

  it('fails closed with 503 when revocations cannot be checked', async () => {
    const down: RevocationStore = { revoke: () => Promise.reject(new Error('down')), isRevoked: () => Promise.reject(new Error('down')) };
    const manager = new AccessManager({ subscribeKey: 'sub-c-mw', secretKey: 'sec-c-mw', revocations: down });
    const guard = manager.requirePermission({ permission: 'read', channel: () => 'room-1' });
    const url = await listen(createServer(async (request, response) => {
      if (await guard(request, response)) response.end('ok');
    }));
    const response = await fetch(`${url}/?auth=${encodeURIComponent(reader)}`);
    expect(response.status).toBe(503);
    // The authorize endpoint's answer for the same outage.
    expect(await response.json()).toMatchObject({ status: 503, error: { message: 'Service Unavailable', source: 'authorize' }, service: 'Access Manager' });
  });

  it('needs exactly one resource', () => {
    const misconfigured = expect.objectContaining({ code: 'ERR_CONFIG_INVALID', name: 'ConfigInvalidError' });
    expect(() => requirePermission({ accessManager, permission: 'read' })).toThrow(misconfigured);
    expect(() => requirePermission({ accessManager, permission: 'read', channel: () => 'a', group: () => 'b' })).toThrow(misconfigured);
  });
});

describe('tokenFromRequest', () => {
  it('reads where core\'s presentedToken reads: the auth query parameter, then token, then Bearer', () => {
    expect(tokenFromRequest({ url: '/x?auth=abc&token=xyz', headers: { authorization: 'Bearer def' } })).toBe('abc');
    expect(tokenFromRequest({ url: '/x?auth=&token=xyz', headers: { authorization: 'Bearer def' } })).toBe('xyz');
    expect(tokenFromRequest({ url: '/x', headers: { authorization: 'bearer  def' } })).toBe('def');
    expect(tokenFromRequest({ url: '/x', headers: { authorization: 'Basic def' } })).toBeUndefined();
  });
});
