#!/usr/bin/env node
// `npm start`: build what the service needs, then run `grantkit serve` on embedded SQLite in ./.grantkit-data.
// Extra arguments pass through: `npm start -- --port 9000`.
import { spawnSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const build = spawnSync('pnpm', ['turbo', 'run', 'build', '--filter=@grantkit/node...', '--output-logs=errors-only'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
});
if (build.status !== 0) process.exit(build.status ?? 1);

const service = spawn(
  process.execPath,
  ['packages/node/dist/cli.js', 'serve', '--data-dir', '.grantkit-data', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
// Forward Ctrl-C / SIGTERM so the service shuts down gracefully, and exit with its code.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => service.kill(signal));
service.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
