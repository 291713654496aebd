/**
 * The CLI dispatcher: picks the command, prints help and usage errors, maps failures to exit codes
 * (0 ok, 1 the operation failed, 2 usage error).
 *
 * @internal
 * @module
 */
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

Run 'grantkit <command> --help' for a command's options.
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
  if (name === '--version' || name === '-v') {
    context.stdout(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    context.stderr(`grantkit: unknown command '${name}'\n\n${MAIN_HELP}\n`);
    return EXIT.usage;
  }
  try {
    await command.run({ ...context, argv: rest });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      context.stderr(`grantkit ${name}: ${error.message}\nRun 'grantkit ${name} --help' for usage.\n`);
      return EXIT.usage;
    }
    if (error instanceof CommandError) {
      context.stderr(`grantkit ${name}: ${error.message}\n`);
      return EXIT.failure;
    }
    const known = error as { message?: string; code?: string; cause?: { message?: string } };
    // The underlying failure (a driver's own message, an OS error) is what a user needs to search for: show it too.
    const cause = known.cause?.message === undefined ? '' : `\n  cause: ${known.cause.message.split('\n')[0]}`;
    context.stderr(`grantkit ${name}: ${known.message ?? String(error)}${known.code ? ` [${known.code}]` : ''}${cause}\n`);
    return EXIT.failure;
  }
}
