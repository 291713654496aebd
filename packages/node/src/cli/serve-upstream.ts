/**
 * `grantkit serve --upstream <url>`: the flag that puts the service in front of a PubNub-style backend. Kept apart
 * from `serve-command.ts` so the serve options stay easy to extend.
 *
 * @internal
 * @module
 */
import { UsageError, type CliContext } from './cli-context.js';

/** The `parseArgs` option. @internal */
export const UPSTREAM_OPTION = { upstream: { type: 'string' } } as const;

/** Help lines for the flag. @internal */
export const UPSTREAM_HELP = `  --upstream <url>         check every PubNub data-plane request (publish, subscribe, history, files, App Context,
                           push, ...) against the operations map and forward allowed ones to this backend; denials
                           get PubNub's 403 (GRANTKIT_UPSTREAM)`;

/** The upstream origin from the flag or `GRANTKIT_UPSTREAM`, validated. @internal */
export function upstreamFrom(value: string | boolean | undefined, context: Pick<CliContext, 'env'>): string | undefined {
  const text = typeof value === 'string' ? value : context.env.GRANTKIT_UPSTREAM;
  if (text === undefined || text === '') return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--upstream must be an http:// or https:// URL, got '${text}'`);
  }
  // It is logged and printed: credentials have no place in it (and are never echoed back).
  if (url.username !== '' || url.password !== '') throw new UsageError('--upstream must not carry credentials');
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--upstream must be an http:// or https:// URL, got '${text}'`);
  if (url.search !== '' || url.hash !== '') throw new UsageError('--upstream takes an origin (and optional path prefix), without a query');
  return url.toString().replace(/\/$/, '');
}
