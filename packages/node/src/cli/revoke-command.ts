/**
 * `grantkit revoke`: revoke a token through a service (`--origin`), or directly in the data directory's SQLite store
 * (or the configured Redis) when no service is given.
 *
 * @internal
 * @module
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { decodeToken, percentEncode, tokenId } from '@grantkit/core';
import { AccessManager } from '../sdk/access-manager.js';
import { baseUrlOf } from '../sdk/remote-transport.js';
import { silentLogger } from '../service/logger.js';
import { SQLITE_FILE_NAME } from '../store/sqlite.js';
import { CommandError, UsageError, type CliContext } from './cli-context.js';
import { commandFailure } from './grant-command.js';
import { openStore } from './open-store.js';
import { KEYSET_HELP, KEYSET_OPTIONS, parseOptions, requireRemoteKeys, resolveCliKeyset } from './parse-options.js';

/** @internal */
export const REVOKE_HELP = `Usage: grantkit revoke <token | -> [--origin <url>] [options]

Revokes a token: every later authorization of it is denied. With --origin, asks a running service (signed request, as
the official SDKs do); without, writes to the revocation store directly: the data directory's SQLite file (a running
service on the same data directory sees it at once; it must exist already) or Redis with --store redis.

Options:
  --origin <url>           the service, e.g. http://127.0.0.1:8080
  --store <sqlite|redis>   local store to write (default sqlite; GRANTKIT_STORE)
  --redis-url <url>        Redis for --store redis (GRANTKIT_REDIS_URL)
  --json                   print {"revoked": true, "tokenId", "via"} instead of a sentence

${KEYSET_HELP}`;

/** @internal */
export async function revokeCommand(context: CliContext): Promise<void> {
  const { values, positionals } = parseOptions(context.argv, {
    ...KEYSET_OPTIONS,
    origin: { type: 'string' },
    store: { type: 'string' },
    'redis-url': { type: 'string' },
    json: { type: 'boolean' },
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
  const done = (via: string, sentence: string) => {
    if (values.json !== true) return context.stdout(`${sentence}\n`);
    let id: string | undefined;
    try {
      id = tokenId(decodeToken(token));
    } catch {
      // Revoked means it decoded; this only guards the output.
    }
    context.stdout(`${JSON.stringify({ revoked: true, ...(id === undefined ? {} : { tokenId: id }), via })}\n`);
  };

  if (values.origin !== undefined) {
    requireRemoteKeys(keyset);
    const url = `${baseUrlOf(values.origin, undefined)}/v3/pam/${percentEncode(keyset.subscribeKey)}/grant/{token}`;
    try {
      await new AccessManager({ ...keyset, origin: values.origin }).revokeToken(token);
    } catch (error) {
      throw commandFailure(error, { method: 'DELETE', url });
    }
    done(baseUrlOf(values.origin, undefined), 'revoked');
    return;
  }

  const redisUrl = values['redis-url'] ?? context.env.GRANTKIT_REDIS_URL;
  const store = values.store ?? context.env.GRANTKIT_STORE ?? (redisUrl === undefined ? 'sqlite' : 'redis');
  if (store === 'redis' && redisUrl === undefined) throw new UsageError('--store redis needs --redis-url (or GRANTKIT_REDIS_URL)');
  if (store !== 'sqlite' && store !== 'redis') throw new UsageError('local revoke needs --store sqlite or redis (or use --origin)');
  if (store === 'sqlite' && !existsSync(join(dataDir, SQLITE_FILE_NAME))) {
    // Creating a fresh database here would record a revocation no service reads.
    throw new CommandError(
      `no revocation store at ${join(dataDir, SQLITE_FILE_NAME)}: point --data-dir at the data directory of grantkit serve, or revoke through it with --origin`,
      { code: 'ERR_STORE_UNAVAILABLE' },
    );
  }
  const opened = await openStore({ store, dataDir, redisUrl }, silentLogger);
  try {
    await new AccessManager({ ...keyset, revocations: opened.store! }).revokeToken(token);
  } catch (error) {
    throw commandFailure(error);
  } finally {
    await opened.store?.close?.();
  }
  done(opened.description, `revoked (${opened.description})`);
}
