/**
 * Starts `grantkit serve` from the built bin as a child process, waits for its `listening` log line, and stops it by
 * pid. Every start is bounded in time; a service that does not come up fails the test loudly with its output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

export const CLI_PATH = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface RunningService {
  url: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** Everything written to stdout so far (JSON log lines). */
  stdout: () => string;
  stderr: () => string;
  /** SIGTERM and wait for exit (SIGKILL after `timeoutMs`). Resolves to the exit code. */
  stop: (timeoutMs?: number) => Promise<number | null>;
  /** SIGKILL (like `kill -9`) and wait for exit. */
  kill9: () => Promise<void>;
}

export function assertBuilt(): void {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run \`pnpm build\` in packages/node first`);
}

/** `listening` as a JSON log line; pass another pattern (first group: the URL) for other log formats. */
const LISTENING_JSON = /"message":"listening"[^\n]*"url":"([^"]+)"/;

export async function startService(args: string[], env: Record<string, string> = {}, timeoutMs = 15_000, listening = LISTENING_JSON): Promise<RunningService> {
  assertBuilt();
  const child = spawn(process.execPath, [CLI_PATH, 'serve', '--port', '0', ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`grantkit serve did not start in ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    const poll = setInterval(() => {
      const match = listening.exec(stdout);
      if (match !== null) {
        clearInterval(poll);
        clearTimeout(deadline);
        resolve(match[1]!);
      }
    }, 20);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(deadline);
      reject(new Error(`grantkit serve exited with ${code} before listening\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    });
  });
  const pid = child.pid!;
  return {
    url,
    port: Number(new URL(url).port),
    pid,
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    async stop(timeoutMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }, timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    async kill9() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(pid, 'SIGKILL');
      await exited;
    },
  };
}
