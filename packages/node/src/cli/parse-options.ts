/**
 * `node:util` `parseArgs` with usage errors instead of `TypeError`s, and the keyset options shared by `grant`,
 * `revoke` and `parse --verify`.
 *
 * @internal
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { resolve } from 'node:path';
import { isGrantkitError, VALIDATION_MODES, type KeysetConfig, type ValidationMode } from '@grantkit/core';
import { resolveServiceConfig, type ServiceConfig } from '../service/config.js';
import { didYouMean } from '../internal/nearest.js';
import { UsageError, type CliContext } from './cli-context.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses `argv` strictly; unknown flags, missing values and stray positionals become {@link UsageError}s. @internal */
export function parseOptions<O extends Options>(argv: string[], options: O, maxPositionals: number) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '.');
    const unknown = (error as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'--([^'=]+)/.exec(message)?.[1] : undefined;
    throw new UsageError(unknown === undefined
      ? message
      : `${message.replace(/\.$/, '')}${didYouMean(unknown, Object.keys(options), (name) => `--${name}`)}`);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument '${parsed.positionals[maxPositionals]}'`);
  }
  return parsed;
}

/** Flags that pick a keyset. @internal */
export const KEYSET_OPTIONS = {
  'subscribe-key': { type: 'string' },
  'publish-key': { type: 'string' },
  'secret-key': { type: 'string' },
  config: { type: 'string' },
  'data-dir': { type: 'string' },
} as const satisfies Options;

/** Help text of {@link KEYSET_OPTIONS}. @internal */
export const KEYSET_HELP = `Keyset (first match wins):
  --secret-key <key>       secret key (prefer GRANTKIT_SECRET_KEY: flags show in process lists)
  --subscribe-key <key>    subscribe key (GRANTKIT_SUBSCRIBE_KEY); picks one keyset of a config file
  --publish-key <key>      publish key (GRANTKIT_PUBLISH_KEY); needed with --origin
  --config <file>          JSON config file of \`grantkit serve\` (GRANTKIT_CONFIG)
  --data-dir <dir>         data directory holding the demo keyset (default .grantkit-data)`;

/**
 * The keyset a command works with: flags and `GRANTKIT_*` variables, else a config file, else the data directory's
 * demo keyset (the one `grantkit serve` created there). Never writes anything.
 *
 * @internal
 */
export function resolveCliKeyset(
  values: Partial<Record<keyof typeof KEYSET_OPTIONS, string | boolean | undefined>>,
  context: CliContext,
): { keyset: KeysetConfig; source: 'flags' | 'config' | 'demo'; dataDir: string } {
  const string = (name: keyof typeof KEYSET_OPTIONS) => (typeof values[name] === 'string' ? values[name] as string : undefined);
  const secretKey = string('secret-key') ?? context.env.GRANTKIT_SECRET_KEY;
  const subscribeKey = string('subscribe-key') ?? context.env.GRANTKIT_SUBSCRIBE_KEY;
  const publishKey = string('publish-key') ?? context.env.GRANTKIT_PUBLISH_KEY;
  if (secretKey !== undefined) {
    const keyset: KeysetConfig = {
      subscribeKey: subscribeKey ?? 'sub-c-unknown',
      publishKey: publishKey ?? 'pub-c-unknown',
      secretKey,
      previousSecretKeys: (context.env.GRANTKIT_PREVIOUS_SECRET_KEYS ?? '').split(',').map((item) => item.trim()).filter(Boolean),
      ...(context.env.GRANTKIT_VALIDATION === undefined ? {} : { validation: cliValidation(context.env.GRANTKIT_VALIDATION) }),
    };
    return { keyset, source: 'flags', dataDir: resolve(context.cwd, string('data-dir') ?? context.env.GRANTKIT_DATA_DIR ?? '.grantkit-data') };
  }
  let config: ServiceConfig;
  try {
    config = resolveServiceConfig({
      flags: {
        ...(string('config') === undefined ? {} : { config: string('config') }),
        ...(string('data-dir') === undefined ? {} : { 'data-dir': string('data-dir') }),
        // Only the keysets matter here: the store a service would open is not checked, nor created.
        store: 'none',
      },
      env: { ...context.env, GRANTKIT_SUBSCRIBE_KEY: undefined, GRANTKIT_PUBLISH_KEY: undefined, GRANTKIT_SECRET_KEY: undefined },
      cwd: context.cwd,
      // CLI commands never create the demo keyset: only `grantkit serve` does.
      demoKeyset: 'existing',
    });
  } catch (error) {
    if (isConfigurationError(error)) throw new UsageError(error.message);
    throw error;
  }
  const keysets = config.keysets;
  const source = config.keysetSource === 'demo' ? 'demo' : 'config';
  if (subscribeKey !== undefined) {
    const chosen = keysets.find((keyset) => keyset.subscribeKey === subscribeKey);
    if (chosen === undefined) throw new UsageError(`no keyset with subscribe key ${subscribeKey}`);
    return { keyset: chosen, source, dataDir: config.dataDir };
  }
  if (keysets.length > 1) throw new UsageError('the config file has several keysets; pick one with --subscribe-key');
  return { keyset: keysets[0]!, source, dataDir: config.dataDir };
}

/** A bad setting or keyset from `resolveServiceConfig`: a usage error, not a failed operation. @internal */
export function isConfigurationError(error: unknown): error is Error {
  return isGrantkitError(error) && (error.code === 'ERR_CONFIG_INVALID' || error.code === 'ERR_KEY_INVALID');
}

function cliValidation(value: string): ValidationMode {
  if (!VALIDATION_MODES.includes(value as ValidationMode)) throw new UsageError(`GRANTKIT_VALIDATION must be one of ${VALIDATION_MODES.join(', ')}`);
  return value as ValidationMode;
}

/** Remote calls sign with the publish key and address the subscribe key: both must be real. @internal */
export function requireRemoteKeys(keyset: KeysetConfig): void {
  if (keyset.subscribeKey === 'sub-c-unknown') throw new UsageError('--origin needs --subscribe-key (or GRANTKIT_SUBSCRIBE_KEY)');
  if (keyset.publishKey === 'pub-c-unknown') throw new UsageError('--origin needs --publish-key (or GRANTKIT_PUBLISH_KEY)');
}
