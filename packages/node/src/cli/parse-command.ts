/**
 * `grantkit parse`: what a token grants, as a table with times in local time, or as JSON.
 *
 * @internal
 * @module
 */
import {
  base64UrlEncode, decodeToken, isGrantkitError, parseToken, permissionNames, tokenExpiresAt, tokenId, verifyToken,
  RESOURCE_TYPES, type ResourceType, type TokenPayload,
} from '@grantkit/core';
import { importKey } from '../crypto.js';
import { CommandError, UsageError, type CliContext } from './cli-context.js';
import { KEYSET_HELP, KEYSET_OPTIONS, parseOptions, resolveCliKeyset } from './parse-options.js';

/** @internal */
export const PARSE_HELP = `Usage: grantkit parse <token | -> [--json] [--verify]

Shows what a token grants: issue and expiry times (local time), authorized uuid, every resource and pattern with its
permissions, and meta. Reads the token from standard input when given '-'. Does not check the signature unless
--verify is given.

Options:
  --json       machine-readable output: the official SDK's parseToken shape plus expiresAt and tokenId
  --verify     also check the signature with the keyset (exit 1 when it does not match)

${KEYSET_HELP}`;

const SINGULAR: Record<ResourceType, string> = { channels: 'channel', groups: 'group', uuids: 'uuid', spaces: 'space', users: 'user' };

/** @internal */
export async function parseCommand(context: CliContext): Promise<void> {
  const { values, positionals } = parseOptions(context.argv, {
    ...KEYSET_OPTIONS,
    json: { type: 'boolean' },
    verify: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, 1);
  if (values.help === true) {
    context.stdout(`${PARSE_HELP}\n`);
    return;
  }
  let token = positionals[0];
  if (token === undefined) throw new UsageError('a token is required: grantkit parse <token> (or - for stdin)');
  if (token === '-') token = (await context.readStdin()).trim();
  let payload: TokenPayload;
  try {
    payload = decodeToken(token);
  } catch (error) {
    throw new CommandError(`not a valid token: ${(error as Error).message}${isGrantkitError(error) ? ` [${error.code}]` : ''}`, { cause: error, code: isGrantkitError(error) ? error.code : undefined });
  }
  let verified: string | undefined;
  if (values.verify === true) {
    const { keyset } = resolveCliKeyset(values, context);
    try {
      const result = verifyToken(token, [keyset.secretKey, ...(keyset.previousSecretKeys ?? [])].map((secret) => importKey(secret)), { ignoreTime: true });
      verified = result.keyIndex === 0 ? 'valid (current secret)' : `valid (previous secret #${result.keyIndex})`;
    } catch (error) {
      throw new CommandError(`signature check failed: ${(error as Error).message}${isGrantkitError(error) ? ` [${error.code}]` : ''}`, { cause: error, code: isGrantkitError(error) ? error.code : undefined });
    }
  }
  const expiresAt = tokenExpiresAt(payload);
  if (values.json === true) {
    const parsed = parseToken(token);
    const extra = (source: TokenPayload['resources'], into: Record<string, unknown> | undefined) => {
      // parseToken, like the SDK, leaves out the App Context slots; machines should still see them.
      for (const type of ['spaces', 'users'] as const) {
        if (Object.keys(source[type]).length === 0) continue;
        into ??= {};
        into[type] = Object.fromEntries(Object.entries(source[type]).map(([name, mask]) => [name, flagsOf(mask)]));
      }
      return into;
    };
    const resources = extra(payload.resources, parsed.resources as Record<string, unknown> | undefined);
    const patterns = extra(payload.patterns, parsed.patterns as Record<string, unknown> | undefined);
    context.stdout(`${JSON.stringify({
      ...parsed,
      ...(resources === undefined ? {} : { resources }),
      ...(patterns === undefined ? {} : { patterns }),
      signature: base64UrlEncode(payload.signature, false),
      expiresAt,
      tokenId: tokenId(payload),
      ...(verified === undefined ? {} : { verified: true }),
    }, null, 2)}\n`);
    return;
  }
  context.stdout(`${render(payload, expiresAt, verified)}\n`);
}

function flagsOf(mask: number): Record<string, boolean> {
  const names = permissionNames(mask);
  return Object.fromEntries(['read', 'write', 'manage', 'delete', 'get', 'update', 'join'].map((name) => [name, names.includes(name as never)]));
}

function render(payload: TokenPayload, expiresAt: number, verified: string | undefined): string {
  const now = Math.floor(Date.now() / 1000);
  const lines: string[] = [];
  const left = expiresAt - now;
  lines.push(`Token            version ${payload.version}`);
  lines.push(`Issued           ${localTime(payload.timestamp)}`);
  lines.push(`Expires          ${localTime(expiresAt)}  (${left > 0 ? `in ${duration(left)}` : `expired ${duration(-left)} ago`})`);
  lines.push(`TTL              ${payload.ttl} minute${payload.ttl === 1 ? '' : 's'}`);
  lines.push(`Authorized uuid  ${payload.authorizedUuid ?? '(any: not bound)'}`);
  lines.push(`Signature        ${verified ?? 'not verified (use --verify)'}`);
  lines.push(`Token id         ${tokenId(payload)}`);
  lines.push('');
  const rows: string[][] = [['TYPE', 'MATCH', 'NAME', 'PERMISSIONS']];
  for (const [match, slots] of [['exact', payload.resources], ['pattern', payload.patterns]] as const) {
    for (const type of RESOURCE_TYPES) {
      for (const [name, mask] of Object.entries(slots[type])) {
        rows.push([SINGULAR[type], match, name, permissionNames(mask).join(', ') || '(none)']);
      }
    }
  }
  if (rows.length === 1) lines.push('(no permissions)');
  else {
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    for (const row of rows) lines.push(row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '));
  }
  const meta = Object.entries(payload.meta);
  if (meta.length > 0) {
    lines.push('');
    lines.push('Meta');
    for (const [key, value] of meta) lines.push(`  ${key} = ${JSON.stringify(value)}`);
  }
  return lines.join('\n');
}

/** `2026-05-03 14:03:20 +02:00`: the machine's local time zone, with its offset so the line is unambiguous. */
function localTime(seconds: number): string {
  const date = new Date(seconds * 1000);
  const pad = (value: number) => String(value).padStart(2, '0');
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3_600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3_600)} h ${Math.floor((seconds % 3_600) / 60)} min`;
  return `${Math.floor(seconds / 86_400)} d ${Math.floor((seconds % 86_400) / 3_600)} h`;
}
