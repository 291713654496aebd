// An app server using @grantkit/node in-process: it issues each signed-in user a token bound to their uuid (the
// endpoint a browser's TokenClient calls as `authUrl`), and guards its own routes with the same tokens.
//
//   GRANTKIT_SECRET_KEY=sec-c-… GRANTKIT_DATA_DIR=.data node server.mjs   # a secret from `grantkit keygen`
//   node server.mjs      # a throwaway secret, announced as such: fine for trying it out, not for production
import { randomBytes } from 'node:crypto';
import express from 'express';
import { Channel } from '@grantkit/core';
import { AccessManager, SqliteRevocationStore } from '@grantkit/node';

/**
 * Builds the app.
 *
 * @param {{ secretKey: string, dataDir?: string }} options
 */
export function createApp({ secretKey, dataDir }) {
  const accessManager = new AccessManager({
    subscribeKey: 'sub-c-example',
    publishKey: 'pub-c-example',
    secretKey,
    userId: 'example-app-server',
    // Revocations survive restarts in a SQLite file; omit `dataDir` to keep them in memory.
    ...(dataDir === undefined ? {} : { revocations: new SqliteRevocationStore({ dataDir }) }),
  });
  const app = express();
  app.use(express.json());

  // Stand-in for your session middleware: here the user is whoever the `x-demo-user` header names.
  app.use((request, _response, next) => {
    request.user = request.get('x-demo-user') ?? undefined;
    next();
  });

  // The token endpoint: what this user may do, for 15 minutes, bound to their uuid.
  app.post('/api/pubnub-token', async (request, response) => {
    if (request.user === undefined) return response.status(401).json({ error: 'not signed in' });
    const token = await accessManager.grantToken({
      ttl: 15,
      authorizedUuid: request.user,
      channels: [Channel.id(`inbox-${request.user}`).read(), Channel.pattern('^room-[0-9]+$').read().write()],
    });
    response.set('cache-control', 'no-store').json({ token });
  });

  // A route of the app's own, guarded by the token (from `?auth=` or `Authorization: Bearer`).
  app.post(
    '/rooms/:channel/messages',
    accessManager.requirePermission({
      channel: (request) => request.params.channel,
      userId: (request) => request.user,
      permission: 'write',
    }),
    (request, response) => response.status(201).json({ channel: request.params.channel, text: request.body?.text }),
  );

  return { app, accessManager };
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  let secretKey = process.env.GRANTKIT_SECRET_KEY;
  if (secretKey === undefined) {
    secretKey = `sec-c-throwaway-${randomBytes(16).toString('hex')}`;
    console.warn('GRANTKIT_SECRET_KEY is not set: using a throwaway secret (tokens die with this process)');
  }
  const { app } = createApp({ secretKey, dataDir: process.env.GRANTKIT_DATA_DIR });
  const port = Number(process.env.PORT ?? 3000);
  app.listen(port, '127.0.0.1', () => console.log(`example app server on http://127.0.0.1:${port}`));
}
