/**
 * Opens the revocation store a configuration names; shared by `serve` and local `revoke`.
 *
 * @internal
 * @module
 */
import type { RevocationStore } from '@grantkit/core';
import type { ServiceConfig } from '../service/config.js';
import type { Logger } from '../service/logger.js';
import { MemoryRevocationStore } from '../store/memory.js';
import { RedisRevocationStore } from '../store/redis.js';
import { SqliteRevocationStore } from '../store/sqlite.js';

/** The opened store and a one-line description for banners and logs. @internal */
export interface OpenedStore {
  store: RevocationStore | undefined;
  description: string;
}

/** @internal */
export async function openStore(config: Pick<ServiceConfig, 'store' | 'dataDir' | 'redisUrl'>, logger: Logger): Promise<OpenedStore> {
  switch (config.store) {
    case 'sqlite': {
      const store = new SqliteRevocationStore({ dataDir: config.dataDir });
      return { store, description: `sqlite (${store.path})` };
    }
    case 'redis': {
      let lastReport = 0;
      const store = new RedisRevocationStore({
        url: config.redisUrl!,
        onError: (error) => {
          // Redis retries every second while down; one line every 10 s is enough.
          if (Date.now() - lastReport < 10_000) return;
          lastReport = Date.now();
          logger.warn('redis connection error; authorizations fail closed until it is back', { error });
        },
        onWarning: (message) => logger.warn(message, { store: 'redis' }),
      });
      try {
        await store.ready(3_000);
      } catch {
        logger.warn('redis is not reachable yet; grants work, authorizations fail closed until it is', {});
      }
      return { store, description: `redis (${redactUrl(config.redisUrl!)})` };
    }
    case 'memory':
      return { store: new MemoryRevocationStore(), description: 'memory (lost on restart)' };
    case 'none':
      return { store: undefined, description: 'none (revoke answers 403 Feature disabled)' };
  }
}

/** Drops a password from a `redis://user:password@host` URL. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis';
  }
}
