/**
 * The CLI dispatcher: picks the command, prints help and usage errors, maps failures to exit codes
 * (0 ok, 1 the operation failed, 2 usage error).
 *
 * @internal
 * @module
 */
import { didYouMean } from '../internal/nearest.js';
import { VERSION } from '../version.js';
import { CommandError, EXIT, UsageError, type CliContext } from './cli-context.js';
import { explainCommand, EXPLAIN_HELP } from './explain-command.js';
import { grantCommand, GRANT_HELP } from './grant-command.js';
import { keygenCommand, KEYGEN_HELP } from './keygen-command.js';
import { parseCommand, PARSE_HELP } from './parse-command.js';
import { revokeCommand, REVOKE_HELP } from './revoke-command.js';
import { serveCommand, SERVE_HELP } from './serve-command.js';

const COMMANDS: Record<string, { run: (context: CliContext) => Promise<void>; help: string; summary: string }> = {
  serve: { run: serveCommand, help: SERVE_HELP, summary: 'run the Access Manager service (REST, authorize, health, metrics)' },
  grant: { run: grantCommand, help: GRANT_HELP, summary: 'mint a token and print it' },
  parse: { run: parseCommand, help: PARSE_HELP, summary: 'show what a token grants (table or --json)' },
  explain: { run: explainCommand, help: EXPLAIN_HELP, summary: 'why a token is allowed or denied a PubNub operation or REST URL' },
  revoke: { run: revokeCommand, help: REVOKE_HELP, summary: 'revoke a token (through a service, or in the local store)' },
  keygen: { run: keygenCommand, help: KEYGEN_HELP, summary: 'print a new random keyset' },
};

/** @internal */
export const MAIN_HELP = `grantkit ${VERSION}: self-hosted PubNub Access Manager v3 compatible tokens

Usage: grantkit <command> [options]

Commands:
${Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(8)} ${command.summary}`).join('\n')}

Options: -h, --help; -V, --version. Every command takes --json (machine-readable output, and errors as JSON on
stderr). Run 'grantkit <command> --help' for a command's options.
Exit codes: 0 success, 1 the operation failed, 2 usage error.`;

/**
 * Runs one CLI invocation; resolves to the exit code (never calls `process.exit` itself, except on a second signal).
 *
 * @internal
 */
export async function runCli(argv: string[], context: Omit<CliContext, 'argv'>): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic !== undefined && COMMANDS[topic] !== undefined) {
      context.stdout(`${COMMANDS[topic].help}\n`);
      return EXIT.ok;
    }
    (name === undefined ? context.stderr : context.stdout)(`${MAIN_HELP}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const json = rest.includes('--json');
  if (name === '--version' || name === '-V' || name === '-v') {
    context.stdout(json ? `${JSON.stringify({ version: VERSION })}\n` : `${VERSION}\n`);
    return EXIT.ok;
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    const hint = name.startsWith('-')
      ? `unknown option '${name}'${didYouMean(name.replace(/^-+/, ''), ['help', 'version'], (option) => `--${option}`)}`
      : `unknown command '${name}'${didYouMean(name, Object.keys(COMMANDS))}`;
    if (json) context.stderr(`${JSON.stringify({ error: { code: 'ERR_USAGE', message: hint, exitCode: EXIT.usage } })}\n`);
    else context.stderr(`grantkit: ${hint}\n\n${MAIN_HELP}\n`);
    return EXIT.usage;
  }
  try {
    await command.run({ ...context, argv: rest });
    return EXIT.ok;
  } catch (error) {
    const usage = error instanceof UsageError;
    const exitCode = usage ? EXIT.usage : EXIT.failure;
    const known = error as { message?: string; code?: unknown; url?: unknown };
    const code = usage ? 'ERR_USAGE' : typeof known.code === 'string' ? known.code : undefined;
    const message = known.message ?? String(error);
    if (json) {
      // Machines get the same facts as people: what failed, its code, and the service URL when there was one.
      const url = error instanceof CommandError ? error.url : undefined;
      context.stderr(`${JSON.stringify({ error: { ...(code === undefined ? {} : { code }), message, ...(url === undefined ? {} : { url }), exitCode } })}\n`);
    } else if (usage) {
      context.stderr(`grantkit ${name}: ${message}\nRun 'grantkit ${name} --help' for usage.\n`);
    } else {
      // The underlying failure (a driver's own message, an OS error) is what a user needs to search for: show it too.
      const cause = error instanceof CommandError ? undefined : (error as { cause?: { message?: unknown } }).cause?.message;
      context.stderr(`grantkit ${name}: ${message}${!(error instanceof CommandError) && code !== undefined ? ` [${code}]` : ''}${typeof cause === 'string' ? `\n  cause: ${cause.split('\n')[0]}` : ''}\n`);
    }
    return exitCode;
  }
}
