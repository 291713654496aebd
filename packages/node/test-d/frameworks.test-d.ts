/**
 * Type-level tests of the framework entries: `request.grantkit` is typed in Express by declaration merging, the
 * Fastify plugin decorates instance and request, and Hono's context variable is typed.
 */
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { AccessManager, type GrantkitRequestState } from '../src/index.js';
import { requirePermission as expressPermission } from '../src/express.js';
import { grantkitPlugin } from '../src/fastify.js';
import { requirePermission as honoPermission } from '../src/hono.js';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const assert = <T extends true>(_value?: T) => undefined;

const accessManager = new AccessManager({ subscribeKey: 's', secretKey: 'k' });

const app = express();
app.post('/rooms/:channel', expressPermission({ accessManager, permission: 'write', channel: (request) => request.params.channel as string }), (request, response) => {
  assert<Equals<typeof request.grantkit, GrantkitRequestState | undefined>>();
  response.json(request.grantkit?.decision);
});

const fastify = Fastify();
void fastify.register(grantkitPlugin, { accessManager });
fastify.get('/rooms/:channel', {
  preHandler: fastify.requirePermission({ permission: 'read', channel: (request) => (request.params as { channel: string }).channel }),
}, async (request) => {
  assert<Equals<typeof request.grantkit, GrantkitRequestState | null>>();
  return request.grantkit?.userId;
});

const hono = new Hono();
hono.get('/rooms/:channel', honoPermission({ accessManager, permission: 'read', channel: (c) => c.req.param('channel') }), (c) => {
  const state = c.get('grantkit');
  assert<Equals<typeof state, GrantkitRequestState>>();
  return c.json(state.decision);
});

// @ts-expect-error a resolver must return a string or undefined
expressPermission({ accessManager, permission: 'read', channel: () => 42 });
