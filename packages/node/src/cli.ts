#!/usr/bin/env node
/**
 * The `grantkit` bin: `serve`, `grant`, `parse`, `revoke`, `keygen`. See `grantkit --help`.
 *
 * @module
 */
import { LimitExceededError } from '@grantkit/core';
import { runCli } from './cli/run-cli.js';

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of process.stdin) {
      size += (chunk as Buffer).byteLength;
      // A token is at most 24 KiB; refuse to buffer an endless pipe.
      if (size > 1_048_576) throw new LimitExceededError('standard input is larger than 1 MiB', { field: 'stdin' });
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  },
  onSignal: (handler) => {
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
    return () => {
      process.off('SIGTERM', handler);
      process.off('SIGINT', handler);
    };
  },
  isTty: process.stdout.isTTY === true,
  binPath: process.argv[1],
});
// Let pending stdout writes flush instead of calling process.exit().
process.exitCode = code;
