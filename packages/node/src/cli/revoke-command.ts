/**
 * `grantkit revoke`: revoke a token through a service (`--origin`), or directly in the data directory's SQLite store
 * (or the configured Redis) when no service is given.
 *
 * @internal
 * @module
 */
import { AccessManager } from '../sdk/access-manager.js';
import { silentLogger } from '../service/logger.js';
import { CommandError, UsageError, type CliContext } from './cli-context.js';
import { describe } from './grant-command.js';
import { openStore } from './open-store.js';
import { KEYSET_HELP, KEYSET_OPTIONS, parseOptions, requireRemoteKeys, resolveCliKeyset } from './parse-options.js';

/** @internal */
export const REVOKE_HELP = `Usage: grantkit revoke <token | -> [--origin <url>] [options]

Revokes a token: every later authorization of it is denied. With --origin, asks a running service (signed request, as
the official SDKs do); without, writes to the revocation store directly: the data directory's SQLite file (a running
service on the same data directory sees it at once) or Redis with --store redis.

Options:
  --origin <url>           the service, e.g. http://127.0.0.1:8080
  --store <sqlite|redis>   local store to write (default sqlite; GRANTKIT_STORE)
  --redis-url <url>        Redis for --store redis (GRANTKIT_REDIS_URL)

${KEYSET_HELP}`;

/** @internal */
export async function revokeCommand(context: CliContext): Promise<void> {
  const { values, positionals } = parseOptions(context.argv, {
    ...KEYSET_OPTIONS,
    origin: { type: 'string' },
    store: { type: 'string' },
    'redis-url': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  }, 1);
  if (values.help === true) {
    context.stdout(`${REVOKE_HELP}\n`);
    return;
  }
  let token = positionals[0];
  if (token === undefined) throw new UsageError('a token is required: grantkit revoke <token> (or - for stdin)');
  if (token === '-') token = (await context.readStdin()).trim();
  const { keyset, dataDir } = resolveCliKeyset(values, context);

  if (values.origin !== undefined) {
    requireRemoteKeys(keyset);
    try {
      await new AccessManager({ ...keyset, origin: values.origin }).revokeToken(token);
    } catch (error) {
      throw new CommandError(describe(error), { cause: error });
    }
    context.stdout('revoked\n');
    return;
  }

  const redisUrl = values['redis-url'] ?? context.env.GRANTKIT_REDIS_URL;
  const store = values.store ?? context.env.GRANTKIT_STORE ?? (redisUrl === undefined ? 'sqlite' : 'redis');
  if (store === 'redis' && redisUrl === undefined) throw new UsageError('--store redis needs --redis-url (or GRANTKIT_REDIS_URL)');
  if (store !== 'sqlite' && store !== 'redis') throw new UsageError('local revoke needs --store sqlite or redis (or use --origin)');
  const opened = await openStore({ store, dataDir, redisUrl }, silentLogger);
  try {
    await new AccessManager({ ...keyset, revocations: opened.store! }).revokeToken(token);
  } catch (error) {
    throw new CommandError(describe(error), { cause: error });
  } finally {
    await opened.store?.close?.();
  }
  context.stdout(`revoked (${opened.description})\n`);
}
