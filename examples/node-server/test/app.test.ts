// The example app end to end over real HTTP: a signed-in user gets a token bound to them, and the app's own route
// lets them write where the token allows it, explains the denial where it does not, and stops after a revoke.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseToken } from '@grantkit/core';
import { createApp } from '../server.mjs';

let server: Server;
let base: string;
let dataDir: string;
let accessManager: ReturnType<typeof createApp>['accessManager'];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'grantkit-example-'));
  const created = createApp({ secretKey: 'sec-c-example-test', dataDir });
  accessManager = created.accessManager;
  server = createServer(created.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

const tokenFor = async (user?: string) =>
  fetch(`${base}/api/pubnub-token`, { method: 'POST', headers: user === undefined ? {} : { 'x-demo-user': user } });
const post = (path: string, token: string, user = 'alice') =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'x-demo-user': user, 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'hi' }),
  });

describe('examples/node-server', () => {
  it('issues a signed-in user a token bound to them, and refuses anonymous callers', async () => {
    expect((await tokenFor()).status).toBe(401);
    const { token } = (await (await tokenFor('alice')).json()) as { token: string };
    expect(parseToken(token)).toMatchObject({ ttl: 15, authorized_uuid: 'alice', resources: { channels: { 'inbox-alice': { read: true, write: false } } } });
  });

  it('guards its own route: allowed by pattern, denied with the reason otherwise, and after a revoke', async () => {
    const { token } = (await (await tokenFor('alice')).json()) as { token: string };
    const allowed = await post('/rooms/room-7/messages', token);
    expect(allowed.status).toBe(201);
    expect(await allowed.json()).toEqual({ channel: 'room-7', text: 'hi' });

    const readOnly = await post('/rooms/inbox-alice/messages', token);
    expect(readOnly.status).toBe(403);
    expect(await readOnly.json()).toMatchObject({ allowed: false, reason: 'permission-missing' });

    const stolen = await post('/rooms/room-7/messages', token, 'mallory');
    expect(await stolen.json()).toMatchObject({ reason: 'uuid-mismatch' });

    await accessManager.revokeToken(token);
    expect(await (await post('/rooms/room-7/messages', token)).json()).toMatchObject({ reason: 'revoked' });
  });
});
