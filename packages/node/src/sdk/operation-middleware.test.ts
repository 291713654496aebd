/** requirePubNubOperation in a real Express app: the operations map guarding PubNub-style routes. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Channel, mintToken, UUID } from '@grantkit/core';
import { importKey } from '../crypto.js';
import { requirePubNubOperation } from './operation-middleware.js';

const KEYSET = { subscribeKey: 'sub-c-mw', publishKey: 'pub-c-mw', secretKey: 'sec-c-mw' };
let server: Server;
let base: string;
const token = mintToken({ ttl: 10, authorizedUuid: 'alice', channels: [Channel.id('room-1').write().join()], uuids: [UUID.id('alice').update()] }, importKey(KEYSET.secretKey));

beforeAll(async () => {
  const app = express();
  app.use('/v2/objects', express.json());
  app.use(requirePubNubOperation({ keysets: [KEYSET] }));
  app.all('/{*rest}', (request, response) => {
    response.json({ relayed: (request as unknown as { grantkitOperation: { operation: string } }).grantkitOperation.operation, body: request.body ?? null });
  });
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('requirePubNubOperation', () => {
  it('lets a granted publish through with the decision on the request', async () => {
    const response = await fetch(`${base}/publish/pub-c-mw/sub-c-mw/0/room-1/0/%22hi%22?uuid=alice&auth=${token}`);
    expect(await response.json()).toEqual({ relayed: 'publish', body: null });
  });

  it('answers a denial with PubNub\'s 403, before the route runs', async () => {
    const response = await fetch(`${base}/publish/pub-c-mw/sub-c-mw/0/room-2/0/%22hi%22?uuid=alice&auth=${token}`);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: 'Forbidden', payload: { channels: ['room-2'] }, error: true, service: 'Access Manager', status: 403 });
  });

  it('decides memberships on a body already parsed by express.json', async () => {
    const patch = (channel: string) => fetch(`${base}/v2/objects/sub-c-mw/uuids/alice/channels?uuid=alice&auth=${token}`, {
      method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ set: [{ channel: { id: channel } }] }),
    });
    expect(((await (await patch("room-1")).json()) as { relayed: string }).relayed).toBe("set-memberships");
    expect((await patch('room-2')).status).toBe(403);
  });
});
