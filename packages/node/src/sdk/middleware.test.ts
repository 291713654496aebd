import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Channel, type RevocationStore } from '@grantkit/core';
import { AccessManager } from './access-manager.js';
import { requirePermission, tokenFromRequest, type PermissionDenial } from './middleware.js';
import { requirePermission as expressPermission } from '../express.js';
import { grantkitPlugin } from '../fastify.js';
import { requirePermission as honoPermission } from '../hono.js';
import { MemoryRevocationStore } from '../store/memory.js';

const revocations = new MemoryRevocationStore();
const accessManager = new AccessManager({ subscribeKey: 'sub-c-mw', publishKey: 'pub-c-mw', secretKey: 'sec-c-mw', revocations });
const writer = accessManager.grantTokenSync({ ttl: 5, authorizedUuid: 'alice', channels: [Channel.pattern('^room-.*$').read().write()] });
const reader = accessManager.grantTokenSync({ ttl: 5, channels: [Channel.id('room-1').read()] });
const revoked = accessManager.grantTokenSync({ ttl: 6, channels: [Channel.id('room-1').read().write()] });
const foreign = new AccessManager({ subscribeKey: 'sub-c-mw', secretKey: 'sec-c-other' }).grantTokenSync({ ttl: 5, channels: [Channel.id('room-1').write()] });

const servers: Array<() => Promise<void>> = [];
const denials: Array<[string, PermissionDenial]> = [];
const bases: Array<[string, string]> = [];
let plainUrl: string;
let hono: Hono;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(() => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** Hono in its own test idiom (`app.request`), behind the same call shape as the servers. */
function honoFetch(url: string, init?: RequestInit): Promise<Response> {
  return Promise.resolve(hono.request(url.replace('hono:', 'http://localhost'), init));
}

function call(base: string, path: string, init?: RequestInit): Promise<Response> {
  return base.startsWith('hono:') ? honoFetch(`${base}${path}`, init) : fetch(`${base}${path}`, init);
}

beforeAll(async () => {
  await accessManager.revokeToken(revoked);

  // node:http: the guard resolves to whether the request may continue.
  const guard = requirePermission<IncomingMessage>({
    accessManager,
    permission: 'write',
    channel: (request) => new URL(request.url ?? '/', 'http://x').pathname.split('/')[2],
    onDenied: (denial) => void denials.push(['node:http', denial]),
  });
  plainUrl = await listen(createServer(async (request: IncomingMessage, response: ServerResponse) => {
    if (!(await guard(request, response))) return;
    response.end(JSON.stringify({ ok: true, state: (request as { grantkit?: unknown }).grantkit }));
  }));
  bases.push(['node:http', `${plainUrl}/rooms`]);

  // Express, through the framework-neutral guard and through @grantkit/node/express (typed request.grantkit).
  const app = express();
  app.post('/generic/:channel/messages', accessManager.requirePermission<express.Request>({
    permission: 'write',
    channel: (request) => request.params.channel as string,
  }), (_request, response) => { response.json({ ok: true }); });
  app.post('/rooms/:channel/messages', expressPermission({
    accessManager,
    permission: 'write',
    channel: (request) => request.params.channel as string,
  }), (request, response) => { response.json({ ok: true, userId: request.grantkit?.userId }); });
  const expressUrl = await listen(createServer(app));
  bases.push(['Express', `${expressUrl}/rooms`], ['Express (generic guard)', `${expressUrl}/generic`]);

  // Fastify: the plugin decorates the instance and the request.
  const fastify = Fastify();
  await fastify.register(grantkitPlugin, { accessManager });
  fastify.post('/rooms/:channel/messages', {
    preHandler: fastify.requirePermission({ permission: 'write', channel: (request) => (request.params as { channel: string }).channel }),
  }, async (request) => ({ ok: true, userId: request.grantkit?.userId }));
  fastify.post('/generic/:channel/messages', {
    preHandler: requirePermission<{ params: { channel: string } }>({ accessManager, permission: 'write', channel: (request) => request.params.channel }),
  }, async () => ({ ok: true }));
  fastify.get('/unguarded', async (request) => ({ grantkit: request.grantkit }));
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  const fastifyUrl = `http://127.0.0.1:${(fastify.server.address() as { port: number }).port}`;
  servers.push(() => fastify.close());
  bases.push(['Fastify', `${fastifyUrl}/rooms`], ['Fastify (generic guard)', `${fastifyUrl}/generic`]);

  hono = new Hono();
  hono.post('/rooms/:channel/messages', honoPermission({ accessManager, permission: 'write', channel: (c) => c.req.param('channel') }),
    (c) => c.json({ ok: true, userId: c.get('grantkit').userId }));
  bases.push(['Hono', 'hono:/rooms']);
});

afterAll(async () => {
  for (const close of servers) await close();
});

describe('requirePermission in node:http, Express, Fastify and Hono', () => {
  it('allows with the token in the auth query parameter or a Bearer header', async () => {
    for (const [name, base] of bases) {
      const viaQuery = await call(base, `/room-7/messages?uuid=alice&auth=${encodeURIComponent(writer)}`, { method: 'POST' });
      expect(viaQuery.status, name).toBe(200);
      expect(await viaQuery.json(), name).toMatchObject({ ok: true });
      const viaBearer = await call(base, '/room-7/messages?uuid=alice', { method: 'POST', headers: { authorization: `Bearer ${writer}` } });
      expect(viaBearer.status, name).toBe(200);
    }
  });

  it('answers a missing token with 401 and a bare Bearer challenge', async () => {
    for (const [name, base] of bases) {
      const response = await call(base, '/room-1/messages?uuid=alice', { method: 'POST' });
      expect(response.status, name).toBe(401);
      expect(response.headers.get('www-authenticate'), name).toBe('Bearer realm="grantkit"');
      expect(await response.json(), name).toMatchObject({ error: true, status: 401, allowed: false, reason: 'missing' });
    }
  });

  it('answers an unusable token with 401 invalid_token, a usable one that does not grant this with 403 insufficient_scope', async () => {
    const cases: Array<[string, RequestInit, number, string]> = [
      [`/room-1/messages`, { headers: { authorization: 'Bearer not-a-token' } }, 401, 'malformed'],
      [`/room-1/messages?auth=${encodeURIComponent(foreign)}`, {}, 401, 'signature-invalid'],
      [`/room-1/messages?auth=${encodeURIComponent(revoked)}`, {}, 401, 'revoked'],
      [`/room-1/messages?auth=${encodeURIComponent(reader)}`, {}, 403, 'permission-missing'],
      [`/room-1/messages?uuid=eve&auth=${encodeURIComponent(writer)}`, {}, 403, 'uuid-mismatch'],
      [`/lobby/messages?uuid=alice&auth=${encodeURIComponent(writer)}`, {}, 403, 'no-grant'],
    ];
    for (const [name, base] of bases) {
      for (const [path, init, status, reason] of cases) {
        const response = await call(base, path, { method: 'POST', ...init });
        expect(response.status, `${name} ${reason}`).toBe(status);
        expect(response.headers.get('www-authenticate'), `${name} ${reason}`)
          .toMatch(status === 401 ? /^Bearer realm="grantkit", error="invalid_token", error_description="[^"]+"$/ : /^Bearer realm="grantkit", error="insufficient_scope"/);
        expect(await response.json(), `${name} ${reason}`).toMatchObject({ error: true, status, allowed: false, reason });
      }
    }
  });

  it('hands every denial to onDenied before answering', async () => {
    denials.length = 0;
    await fetch(`${plainUrl}/rooms/room-1/messages?auth=${encodeURIComponent(reader)}`);
    expect(denials).toHaveLength(1);
    expect(denials[0]![1]).toMatchObject({ status: 403, reason: 'permission-missing', decision: { allowed: false } });
    expect(denials[0]![1].challenge).toContain('insufficient_scope');
  });

  it('lets onDenied shape the answer, in every framework', async () => {
    const onDenied = (denial: PermissionDenial) => (denial.reason === 'missing'
      ? { status: 302, headers: { Location: '/login' }, body: '' }
      : { body: { problem: denial.reason } });
    const options = { accessManager, permission: 'read' as const, onDenied };
    const app = express();
    app.get('/x', expressPermission({ ...options, channel: () => 'room-1' }), (_request, response) => { response.end('ok'); });
    const fastify = Fastify();
    await fastify.register(grantkitPlugin, { accessManager, onDenied });
    fastify.get('/x', { preHandler: fastify.requirePermission({ permission: 'read', channel: () => 'room-1' }) }, async () => 'ok');
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    servers.push(() => fastify.close());
    const honoApp = new Hono();
    honoApp.get('/x', honoPermission({ ...options, channel: () => 'room-1' }), (c) => c.text('ok'));
    const targets: Array<[string, (path: string) => Promise<Response>]> = [
      ['Express', async (path) => fetch(`${await expressBase(app)}${path}`, { redirect: 'manual' })],
      ['Fastify', (path) => fetch(`http://127.0.0.1:${(fastify.server.address() as { port: number }).port}${path}`, { redirect: 'manual' })],
      ['Hono', async (path) => honoApp.request(path)],
    ];
    for (const [name, get] of targets) {
      const redirected = await get('/x');
      expect(redirected.status, name).toBe(302);
      expect(redirected.headers.get('location'), name).toBe('/login');
      // The default challenge stays unless the hook replaces it.
      expect(redirected.headers.get('www-authenticate'), name).toBe('Bearer realm="grantkit"');
      const shaped = await get(`/x?auth=${encodeURIComponent(revoked)}`);
      expect(shaped.status, name).toBe(401);
      expect(await shaped.json(), name).toEqual({ problem: 'revoked' });
    }
  });

  it('leaves the decision on the request for the handler; Fastify decorates every request', async () => {
    const response = await fetch(`${plainUrl}/rooms/room-2/messages?uuid=alice&auth=${encodeURIComponent(writer)}`);
    expect(await response.json()).toMatchObject({ state: { userId: 'alice', decision: { allowed: true, match: { source: 'patterns' } } } });
    for (const [name, base] of bases.filter(([name]) => !name.includes('generic'))) {
      const allowed = await call(base, `/room-3/messages?uuid=alice&auth=${encodeURIComponent(writer)}`, { method: 'POST' });
      if (name !== 'node:http') expect(await allowed.json(), name).toMatchObject({ userId: 'alice' });
    }
    const fastifyBase = bases.find(([name]) => name === 'Fastify')![1].replace('/rooms', '');
    expect(await (await fetch(`${fastifyBase}/unguarded`)).json()).toEqual({ grantkit: null });
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
    expect(response.headers.get('www-authenticate')).toBeNull();
    // The authorize endpoint's 503 body: PubNub's error shape.
    expect(await response.json()).toMatchObject({ status: 503, error: { message: expect.any(String) }, service: 'Access Manager' });
    const honoApp = new Hono();
    honoApp.get('/', honoPermission({ accessManager: manager, permission: 'read', channel: () => 'room-1' }), (c) => c.text('ok'));
    expect((await honoApp.request(`/?auth=${encodeURIComponent(reader)}`)).status).toBe(503);
  });

  it('passes an error thrown by onDenied to the framework', async () => {
    const app = express();
    app.get('/x', expressPermission({ accessManager, permission: 'read', channel: () => 'room-1', onDenied: () => { throw new Error('hook broke'); } }),
      (_request, response) => { response.end('ok'); });
    app.use((error: Error, _request: express.Request, response: express.Response, _next: express.NextFunction) => {
      response.status(500).json({ caught: error.message });
    });
    expect(await (await fetch(`${await expressBase(app)}/x`)).json()).toEqual({ caught: 'hook broke' });
  });

  it('needs exactly one resource', () => {
    expect(() => requirePermission({ accessManager, permission: 'read' })).toThrow(/exactly one of channel/);
    expect(() => requirePermission({ accessManager, permission: 'read', channel: () => 'a', group: () => 'b' })).toThrow(/exactly one of channel/);
    expect(() => honoPermission({ accessManager, permission: 'read' })).toThrow(/exactly one of channel/);
  });
});

async function expressBase(app: express.Express): Promise<string> {
  const known = expressBases.get(app);
  if (known !== undefined) return known;
  const url = await listen(createServer(app));
  expressBases.set(app, url);
  return url;
}
const expressBases = new WeakMap<express.Express, string>();

describe('tokenFromRequest', () => {
  it('prefers the auth query parameter, then Bearer', () => {
    expect(tokenFromRequest({ url: '/x?auth=abc', headers: { authorization: 'Bearer def' } })).toBe('abc');
    expect(tokenFromRequest({ url: '/x', headers: { authorization: 'bearer  def' } })).toBe('def');
    expect(tokenFromRequest({ url: '/x', headers: { authorization: 'Basic def' } })).toBeUndefined();
  });
});
