/**
 * What every CLI command receives: its arguments and the outside world (output streams, environment, working
 * directory, signals), injected so commands run in tests without a child process.
 *
 * @internal
 * @module
 */

/** The outside world of one CLI run. @internal */
export interface CliContext {
  /** Arguments after the command name. */
  argv: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Reads all of standard input (for `-` arguments). */
  readStdin: () => Promise<string>;
  /** Registers a shutdown signal handler (SIGTERM/SIGINT); returns a function removing it. */
  onSignal: (handler: (signal: string) => void) => () => void;
  /** Whether stdout is a terminal (`serve` then logs readable, coloured lines unless NO_COLOR is set). */
  isTty: boolean;
  /** Path of the running bin, for printed examples. */
  binPath: string | undefined;
}

/** A mistake in how the command was called: printed with usage, exit code 2. @internal */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The operation itself failed (bad token, error answer): printed, exit code 1. @internal */
export class CommandError extends Error {
  /** The grantkit error code behind it (`ERR_NETWORK`, `ERR_TOKEN_MALFORMED`, ...), for `--json` output. */
  readonly code: string | undefined;
  /** The service URL a remote call went to (never with its query or a token), when there was one. */
  readonly url: string | undefined;
  constructor(message: string, options?: { cause?: unknown; code?: string | undefined; url?: string | undefined }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CommandError';
    this.code = options?.code;
    this.url = options?.url;
  }
}

/** Exit codes. @internal */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
