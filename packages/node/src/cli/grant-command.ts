/**
 * `grantkit grant`: mint a token from flags, locally with the keyset's secret or through a service (`--origin`).
 *
 * @internal
 * @module
 */
import {
  lintGrant, normalizeGrant, percentEncode, tokenExpiresAt, decodeToken, VALIDATION_MODES, type ValidationMode,
  type MetaValue, type Permission, type PermissionFlagsInput, type PubNubGrantTokenParameters, type PubNubPermissionsInput,
} from '@grantkit/core';
import { AccessManager } from '../sdk/access-manager.js';
import { AccessManagerError } from '../sdk/access-manager-error.js';
import { baseUrlOf } from '../sdk/remote-transport.js';
import { CommandError, UsageError, type CliContext } from './cli-context.js';
import { KEYSET_HELP, KEYSET_OPTIONS, parseOptions, requireRemoteKeys, resolveCliKeyset } from './parse-options.js';

const PERMISSIONS: readonly Permission[] = ['read', 'write', 'manage', 'delete', 'get', 'update', 'join'];
const RESOURCE_FLAGS = [
  ['channel', 'channels'], ['group', 'groups'], ['uuid', 'uuids'], ['space', 'spaces'], ['user', 'users'],
] as const;

/** @internal */
export const GRANT_HELP = `Usage: grantkit grant --ttl <minutes> [resources...] [options]

Mints a token and prints it (only the token on stdout, so TOKEN=$(grantkit grant ...) works).

Resources (repeatable; NAME=PERMISSIONS, permissions comma-separated):
  --channel <name=perms>           e.g. --channel 'room-1=read,write'   (read write get manage update join delete)
  --channel-pattern <regex=perms>  e.g. --channel-pattern '^room-.*$=read'
  --group <name=perms>             --group-pattern <regex=perms>         (read manage)
  --uuid <name=perms>              --uuid-pattern <regex=perms>          (get update delete)
  --space <name=perms>             --space-pattern <regex=perms>         (App Context: channel permissions)
  --user <name=perms>              --user-pattern <regex=perms>          (App Context: uuid permissions)

Options:
  --ttl <minutes>                  lifetime, 1..43200 (required)
  --authorized-uuid <uuid>         only this uuid may use the token
  --meta <key=value>               metadata (repeatable); true/false and numbers are typed, else text
  --origin <url>                   mint through a running service (e.g. http://127.0.0.1:8080) instead of locally
  --json                           print {"token", "expiresAt", "warnings"} instead of the bare token
  --validation <mode>              pubnub (default, as PubNub's service) or strict; overrides the keyset's and
                                   GRANTKIT_VALIDATION. Warnings name what strict refuses, in either mode.

${KEYSET_HELP}

Examples:
  grantkit grant --ttl 15 --authorized-uuid alice --channel 'room-1=read,write' --channel-pattern '^lobby-.*$=read'
  GRANTKIT_SECRET_KEY=sec-c-... grantkit grant --ttl 60 --group 'cg-1=read' --meta role=admin`;

/** @internal */
export async function grantCommand(context: CliContext): Promise<void> {
  const options = {
    ...KEYSET_OPTIONS,
    ttl: { type: 'string' },
    'authorized-uuid': { type: 'string' },
    validation: { type: 'string' },
    meta: { type: 'string', multiple: true },
    origin: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    ...Object.fromEntries(RESOURCE_FLAGS.flatMap(([flag]) => [
      [flag, { type: 'string', multiple: true }],
      [`${flag}-pattern`, { type: 'string', multiple: true }],
    ])),
  } as const;
  const { values } = parseOptions(context.argv, options, 0);
  if (values.help === true) {
    context.stdout(`${GRANT_HELP}\n`);
    return;
  }
  const parameters = grantParameters(values as Record<string, unknown>);
  const validation = values.validation as ValidationMode | undefined;
  if (validation !== undefined && !VALIDATION_MODES.includes(validation as ValidationMode)) {
    throw new UsageError(`--validation must be one of ${VALIDATION_MODES.join(', ')}`);
  }
  const { keyset, source, dataDir } = resolveCliKeyset(values as Record<string, string | undefined>, context);
  if (typeof values.origin === 'string') requireRemoteKeys(keyset);
  if (source === 'demo' && values.origin === undefined) {
    context.stderr(`note: using the DEMO keyset from ${dataDir} (not for production)\n`);
  }
  let token: string;
  try {
    const accessManager = new AccessManager({
      ...keyset,
      ...(validation === undefined ? {} : { validation }),
      ...(typeof values.origin === 'string' ? { origin: values.origin } : {}),
    });
    token = await accessManager.grantToken(parameters);
  } catch (error) {
    throw commandFailure(error, typeof values.origin === 'string'
      ? { method: 'POST', url: `${baseUrlOf(values.origin, undefined)}/v3/pam/${percentEncode(keyset.subscribeKey)}/grant` }
      : undefined);
  }
  const warnings = lintGrant(normalizeGrant(parameters, { validation: 'pubnub' }));
  if (values.json === true) {
    context.stdout(`${JSON.stringify({ token, expiresAt: tokenExpiresAt(decodeToken(token)), warnings })}\n`);
    return;
  }
  for (const warning of warnings) context.stderr(`warning: ${warning.message}\n`);
  context.stdout(`${token}\n`);
}

function grantParameters(values: Record<string, unknown>): PubNubGrantTokenParameters {
  if (values.ttl === undefined) throw new UsageError('--ttl is required');
  if (!/^[0-9]+$/.test(String(values.ttl))) throw new UsageError('--ttl must be a whole number of minutes');
  const resources: PubNubPermissionsInput = {};
  const patterns: PubNubPermissionsInput = {};
  let count = 0;
  for (const [flag, type] of RESOURCE_FLAGS) {
    for (const [suffix, target] of [['', resources], ['-pattern', patterns]] as const) {
      for (const entry of (values[`${flag}${suffix}`] as string[] | undefined) ?? []) {
        const [name, flags] = splitEntry(entry, `--${flag}${suffix}`);
        const slot = (target[type] ??= {});
        slot[name] = { ...slot[name], ...flags };
        count++;
      }
    }
  }
  if (count === 0) throw new UsageError('grant at least one resource (--channel, --group, --uuid, --space, --user or a --*-pattern)');
  const meta: Record<string, MetaValue> = {};
  for (const entry of (values.meta as string[] | undefined) ?? []) {
    const separator = entry.indexOf('=');
    if (separator <= 0) throw new UsageError(`--meta expects key=value, got '${entry}'`);
    const raw = entry.slice(separator + 1);
    meta[entry.slice(0, separator)] = raw === 'true' ? true : raw === 'false' ? false
      : /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/.test(raw) ? Number(raw) : raw;
  }
  const usesAppContext = resources.spaces !== undefined || resources.users !== undefined || patterns.spaces !== undefined || patterns.users !== undefined;
  const authorized = values['authorized-uuid'] as string | undefined;
  return {
    ttl: Number(values.ttl),
    // The App Context vocabulary names the bound uuid authorizedUserId; keep the two vocabularies apart, as the SDK.
    ...(authorized === undefined ? {} : usesAppContext ? { authorizedUserId: authorized } : { authorized_uuid: authorized }),
    resources,
    patterns,
    meta,
  };
}

/** Splits `name=read,write` at the last `=`: names and patterns may contain `=`, permission lists never do. */
function splitEntry(entry: string, flag: string): [string, PermissionFlagsInput] {
  const separator = entry.lastIndexOf('=');
  if (separator <= 0) throw new UsageError(`${flag} expects NAME=PERMISSIONS, e.g. ${flag} 'room-1=read,write'`);
  const flags: PermissionFlagsInput = {};
  for (const permission of entry.slice(separator + 1).split(',').map((item) => item.trim()).filter(Boolean)) {
    if (!PERMISSIONS.includes(permission as Permission)) {
      throw new UsageError(`unknown permission '${permission}' in ${flag}; use ${PERMISSIONS.join(', ')}`);
    }
    flags[permission as Permission] = true;
  }
  if (Object.keys(flags).length === 0) throw new UsageError(`${flag} '${entry.slice(0, separator)}' lists no permissions`);
  return [entry.slice(0, separator), flags];
}

/** A remote call, named in errors: method and URL without the query (signatures) or a token. @internal */
export interface RemoteCall {
  method: string;
  url: string;
}

/**
 * The failure of a command as one line: PubNub's title plus the detail naming the field and the code; for a remote
 * call also the URL, and for a network failure its cause (`connect ECONNREFUSED 127.0.0.1:9`).
 *
 * @internal
 */
export function commandFailure(error: unknown, call?: RemoteCall): CommandError {
  const where = call === undefined ? '' : ` (${call.method} ${call.url})`;
  if (error instanceof AccessManagerError) {
    if (error.code === 'ERR_NETWORK') {
      const what = call === undefined ? 'the service' : `${call.method} ${call.url}`;
      const verb = error.message === 'Request timeout' ? 'did not answer in time' : 'could not be reached';
      return new CommandError(`${what} ${verb}: ${causeOf(error.cause) ?? error.message} [ERR_NETWORK]`, { cause: error, code: error.code, url: call?.url });
    }
    const detail = error.details[0];
    const status = error.statusCode === 0 ? 'no answer' : `HTTP ${error.statusCode}`;
    const text = `${error.message}${detail === undefined ? '' : `: ${detail.message}${detail.location ? ` (${detail.location})` : ''}`} [${error.code}, ${status}]`;
    return new CommandError(`${text}${where}`, { cause: error, code: error.code, url: call?.url });
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  if (error instanceof Error) {
    return new CommandError(`${error.message}${typeof code === 'string' ? ` [${code}]` : ''}${where}`, { cause: error, code: typeof code === 'string' ? code : undefined, url: call?.url });
  }
  return new CommandError(String(error), { cause: error });
}

/** The innermost cause, as `message` (plus its code when the message does not name it). */
function causeOf(error: unknown): string | undefined {
  let current = error;
  let found: string | undefined;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    found = typeof code === 'string' && !current.message.includes(code) ? `${current.message} (${code})` : current.message;
    current = current.cause;
  }
  return found;
}
