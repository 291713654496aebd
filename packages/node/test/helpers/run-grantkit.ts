/** Runs the built `grantkit` bin once, bounded in time, and collects its exit code and output. */
import { spawn } from 'node:child_process';
import { CLI_PATH } from './spawn-service.js';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runGrantkit(args: string[], options: { cwd: string; env?: Record<string, string>; input?: string }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', TZ: 'UTC', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
