/**
 * The revocation store contract against the three stores `@grantkit/node` ships, each on its real backend: memory,
 * SQLite in a real file, and Redis on a real redis-server this file starts (and stops, to prove failing closed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { runStoreContract } from '@grantkit/conformance';
import { MemoryRevocationStore, RedisRevocationStore, SqliteRevocationStore } from '@grantkit/node';
import { startRedis, type RunningRedis } from './helpers/redis-server.js';

runStoreContract('MemoryRevocationStore', () => {
  const store = new MemoryRevocationStore();
  return { store, purge: () => void store.purgeExpired(), makeUnavailable: () => (store.close(), store) };
});

const directory = mkdtempSync(join(tmpdir(), 'grantkit-store-contract-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let databases = 0;

runStoreContract('SqliteRevocationStore', () => {
  const store = new SqliteRevocationStore({ dataDir: join(directory, `db-${databases++}`), purgeIntervalMs: 0 });
  return {
    store,
    purge: () => void store.purgeExpired(),
    // The database really closes; every later call must refuse rather than answer.
    makeUnavailable: () => (store.close(), store),
    dispose: () => store.close(),
  };
});

let redis: RunningRedis;
let prefixes = 0;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

runStoreContract('RedisRevocationStore', async () => {
  // A fresh key prefix and channel per test: one server, no state shared between tests.
  const name = `contract-${prefixes++}`;
  const store = new RedisRevocationStore({ url: redis.url, keyPrefix: `${name}:`, channel: `${name}:revocations` });
  await store.ready();
  let stopped = false;
  return {
    store,
    async makeUnavailable() {
      await redis.stop();
      stopped = true;
      return store;
    },
    async dispose() {
      await store.close();
      if (stopped) redis = await startRedis(redis.port);
    },
  };
});
