#!/usr/bin/env node
// Runs the long steps of `npm test` / `npm start` so their logs stay readable: each step's output is passed through
// line by line, without ANSI codes when stdout is not a terminal, and a step that prints nothing for ten seconds gets
// a "still running" line, so a CI log is never silent for long.
//
//   node scripts/progress.mjs <label> -- <command> [args...]    (used by scripts/bootstrap.sh)
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const TTY = process.stdout.isTTY === true;
const QUIET_MS = 9_000;
// CSI sequences (colours, cursor moves) and OSC sequences (titles, links).
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

/** The environment for child processes: no colours unless our own output is a terminal. */
export function childEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  if (!TTY) {
    env.NO_COLOR = '1';
    env.FORCE_TTY = 'false'; // tinyrainbow (vitest) colours any output unless told otherwise
    delete env.FORCE_COLOR;
  }
  return env;
}

function writer(stream) {
  let pending = '';
  return {
    write(chunk) {
      pending += chunk.toString('utf8');
      const end = pending.lastIndexOf('\n');
      if (end === -1) return;
      const lines = pending.slice(0, end + 1);
      pending = pending.slice(end + 1);
      stream.write(TTY ? lines : lines.replace(ANSI, '').replace(/\r(?!\n)/g, '\n'));
    },
    flush() {
      if (pending !== '') stream.write(`${TTY ? pending : pending.replace(ANSI, '')}\n`);
      pending = '';
    },
  };
}

/**
 * Runs one step; resolves to its exit code (never rejects).
 * @param {string} label  shown in heartbeat and failure lines
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: Record<string, string | undefined> }} [options]
 */
export function runStep(label, command, args, options = {}) {
  const started = Date.now();
  let lastOutput = started;
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const out = writer(process.stdout);
    const err = writer(process.stderr);
    child.stdout.on('data', (chunk) => {
      lastOutput = Date.now();
      out.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      lastOutput = Date.now();
      err.write(chunk);
    });
    const heartbeat = setInterval(() => {
      if (Date.now() - lastOutput < QUIET_MS) return;
      lastOutput = Date.now();
      process.stdout.write(`${label}: still running (${Math.round((Date.now() - started) / 1000)} s)\n`);
    }, 1_000);
    const finish = (code) => {
      clearInterval(heartbeat);
      out.flush();
      err.flush();
      resolve(code);
    };
    child.on('error', (error) => {
      process.stderr.write(`${label}: could not start ${command}: ${error.message}\n`);
      finish(127);
    });
    child.on('close', (code, signal) => finish(code ?? (signal ? 1 : 0)));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const separator = process.argv.indexOf('--');
  const label = process.argv[2];
  if (separator === -1 || label === undefined || separator === 2 || process.argv.length <= separator + 1) {
    console.error('usage: node scripts/progress.mjs <label> -- <command> [args...]');
    process.exit(2);
  }
  const [command, ...args] = process.argv.slice(separator + 1);
  process.exit(await runStep(label, command, args));
}
