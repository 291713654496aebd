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
  /** Whether stdout is a terminal (enables the colourless banner framing, never colours). */
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
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CommandError';
  }
}

/** Exit codes. @internal */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
