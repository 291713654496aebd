#!/usr/bin/env node
// `pnpm bench` at the root: runs every benchmark script in bench/ (each is standalone; see its header), one after
// another so they do not compete for the CPU. Arguments pass through to each script (e.g. --time 2000).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const directory = fileURLToPath(new URL('.', import.meta.url));
const scripts = readdirSync(directory).filter((name) => name.endsWith('.mjs') && name !== 'run.mjs').sort();
let failed = 0;
for (const script of scripts) {
  console.log(`\n== bench/${script}`);
  const result = spawnSync(process.execPath, [fileURLToPath(new URL(script, import.meta.url)), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
