#!/usr/bin/env node
// `npm start`: install what is missing (scripts/bootstrap.sh start), build what the service needs, then run
// `grantkit serve` on embedded SQLite in ./.grantkit-data. Extra arguments pass through: `npm start -- --port 9000`.
// This process stays the service's parent and forwards SIGINT/SIGTERM to it, so stopping `npm start` stops the service.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { childEnv, runStep } from './progress.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
let service;
let stopping;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = signal;
    if (service === undefined) process.exit(signal === 'SIGINT' ? 130 : 143);
    service.kill(signal);
  });
}

const steps = [
  ['bootstrap', 'bash', ['scripts/bootstrap.sh', 'start']],
  ['build', 'pnpm', ['turbo', 'run', 'build', '--filter=@grantkit/node...', '--output-logs=errors-only']],
];
for (const [label, command, args] of steps) {
  const code = await runStep(`start ${label}`, command, args, { cwd: root, env: childEnv({ TURBO_TELEMETRY_DISABLED: '1' }) });
  if (code !== 0) process.exit(code);
  if (stopping !== undefined) process.exit(1);
}

service = spawn(
  process.execPath,
  ['packages/node/bin/grantkit.js', 'serve', '--data-dir', '.grantkit-data', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
service.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
