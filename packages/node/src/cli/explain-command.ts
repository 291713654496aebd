/**
 * `grantkit explain`: why a token is allowed or denied an operation, for grantkit tokens (signature verified with the
 * keyset) and PubNub-issued ones (signature not verifiable: said so, ttl, uuid and grants still evaluated), with
 * hints saying what would fix a denial. The same answer as `explainToken` in `@grantkit/core`.
 *
 * @internal
 * @module
 */
import {
  explainToken, importSecretKeys, isOperationName, OPERATIONS, type ExplainTarget, type TokenExplanation,
} from '@grantkit/core';
import { nodeCrypto } from '../crypto.js';
import { CommandError, UsageError, type CliContext } from './cli-context.js';
import { KEYSET_HELP, KEYSET_OPTIONS, parseOptions, resolveCliKeyset } from './parse-options.js';

/** @internal */
export const EXPLAIN_HELP = `Usage: grantkit explain <token | -> --uuid <uuid> <operation | REST URL> [options]

Explains what a PubNub request needs and whether the token grants it: every (resource, permission) check with the
grant that matched or why it failed, and hints that say what would fix a denial. Works for grantkit tokens and for
tokens issued by PubNub (whose signature cannot be verified here: it says so and still evaluates ttl, uuid and grants).

The request is either a REST URL (or path) as an SDK sends it:
  grantkit explain "$TOKEN" --uuid alice 'https://ps.pndsn.com/v2/subscribe/sub-c-1/room-1,room-1-pnpres/0'
or an operation name with the resources it touches:
  grantkit explain "$TOKEN" --uuid alice publish --channel room-1
  grantkit explain "$TOKEN" --uuid alice set-memberships --target-uuid alice --channel room-1,room-2

Options:
  --uuid <uuid>            the requesting uuid (default: the URL's uuid parameter)
  --channel <a,b>          channels the operation touches
  --group <g,h>            channel groups the operation touches
  --target-uuid <u>        the uuid (App Context record) the operation touches
  --method <verb>          HTTP method of the URL (default GET)
  --body <json>            request body of the URL (App Context membership changes name channels in it)
  --revoked                evaluate as if the token were on the revocation list
  --json                   machine-readable output
  --list                   print every operation and what it needs, then exit

The signature is verified when a keyset is given (flags or GRANTKIT_SECRET_KEY, or --config); otherwise it is not
checked. Exit codes: 0 allowed, 1 denied (or the signature did not verify), 2 usage error.

${KEYSET_HELP}`;

/** @internal */
export async function explainCommand(context: CliContext): Promise<void> {
  const { values, positionals } = parseOptions(context.argv, {
    ...KEYSET_OPTIONS,
    uuid: { type: 'string' },
    channel: { type: 'string', multiple: true },
    group: { type: 'string', multiple: true },
    'target-uuid': { type: 'string', multiple: true },
    method: { type: 'string' },
    body: { type: 'string' },
    revoked: { type: 'boolean' },
    json: { type: 'boolean' },
    list: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, 2);
  if (values.help === true) {
    context.stdout(`${EXPLAIN_HELP}\n`);
    return;
  }
  if (values.list === true) {
    context.stdout(`${listOperations()}\n`);
    return;
  }
  let [token, what] = positionals;
  if (token === undefined || what === undefined) throw new UsageError('a token and an operation or URL are required: grantkit explain <token> --uuid <uuid> <operation | URL>');
  if (token === '-') token = (await context.readStdin()).trim();
  const split = (items: string[] | undefined) => (items ?? []).flatMap((item) => item.split(',')).filter((item) => item !== '');
  let target: ExplainTarget;
  if (/^(https?:\/\/|\/)/.test(what)) {
    target = { url: what, ...(values.method === undefined ? {} : { method: values.method }), ...(values.body === undefined ? {} : { body: values.body }) };
  } else if (isOperationName(what)) {
    target = { operation: what, channels: split(values.channel), groups: split(values.group), uuids: split(values['target-uuid']) };
  } else {
    throw new UsageError(`'${what}' is neither an operation nor a URL; run 'grantkit explain --list' for the operations`);
  }
  const wantsKeys = typeof values['secret-key'] === 'string' || context.env.GRANTKIT_SECRET_KEY !== undefined ||
    typeof values.config === 'string' || context.env.GRANTKIT_CONFIG !== undefined;
  const keys = wantsKeys
    ? (() => {
      const { keyset } = resolveCliKeyset(values, context);
      return importSecretKeys(keyset, nodeCrypto);
    })()
    : undefined;
  let explanation: TokenExplanation;
  try {
    explanation = await explainToken(token, target, {
      ...(values.uuid === undefined ? {} : { uuid: values.uuid }),
      ...(keys === undefined ? {} : { keys }),
      revoked: values.revoked === true,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new CommandError(`${(error as Error).message}${code === undefined ? '' : ` [${code}]`}`, { cause: error });
  }
  context.stdout(values.json === true ? `${JSON.stringify(explanation, null, 2)}\n` : `${render(explanation)}\n`);
  if (!explanation.decision.allowed || explanation.signature === 'invalid') {
    throw new CommandError(`denied: ${explanation.signature === 'invalid' && explanation.decision.allowed ? 'signature-invalid' : explanation.decision.reason}`);
  }
}

function render(explanation: TokenExplanation): string {
  const { decision, token, request } = explanation;
  const lines: string[] = [];
  const operation = request.known ? `${request.operation.name} (${request.operation.title})` : 'unknown';
  lines.push(`Operation        ${operation}`);
  lines.push(`Decision         ${decision.allowed ? 'ALLOWED' : 'DENIED'}: ${decision.message}`);
  lines.push(`Signature        ${explanation.signature === 'verified' ? 'verified with this keyset'
    : explanation.signature === 'invalid' ? 'does NOT match this keyset (another keyset, or issued by PubNub): contents evaluated anyway'
      : 'not checked (no keyset given): contents evaluated'}`);
  lines.push(`Token            issued ${new Date(token.issuedAt * 1000).toISOString()}, expires ${new Date(token.expiresAt * 1000).toISOString()} (ttl ${token.ttl} min)`);
  lines.push(`Authorized uuid  ${token.authorizedUuid ?? '(any: not bound)'}`);
  if (decision.checks.length > 0) {
    lines.push('');
    const rows = [['', 'RESOURCE', 'NAME', 'NEEDS', 'RESULT']];
    for (const check of decision.checks) {
      const result = check.allowed
        ? `granted by ${check.match === undefined ? 'the secret key' : `${check.match.source === 'patterns' ? 'pattern' : 'exact'} '${check.match.key}'`}`
        : `${check.reason}${check.match === undefined ? '' : ` (entry '${check.match.key}')`}`;
      rows.push([check.allowed ? 'ok' : 'NO', check.resource, check.name, check.permission, result]);
    }
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    for (const row of rows) lines.push(row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '));
  }
  if (explanation.hints.length > 0) {
    lines.push('');
    lines.push('Hints');
    for (const hint of explanation.hints) lines.push(`  - ${hint.message}`);
  }
  return lines.join('\n');
}

function listOperations(): string {
  const rows = [['OPERATION', 'NEEDS', 'PUBNUB']];
  for (const operation of Object.values(OPERATIONS)) {
    const needs = operation.access === 'token'
      ? Object.entries(operation.requires).map(([kind, permission]) => `${permission} on each ${kind.replace(/s$/, '')}`).join(' + ')
      : operation.access === 'open' ? 'nothing' : operation.access === 'secret-key' ? 'the secret key' : 'a keyset setting';
    rows.push([operation.name, needs, operation.title]);
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')).join('\n');
}
