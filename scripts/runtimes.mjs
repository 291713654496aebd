#!/usr/bin/env node
// The JavaScript runtimes the test matrix runs on, besides the machine's own Node: official binaries that the npm
// registry carries inside ordinary packages (node-<os>-<cpu>, @oven/bun-<os>-<cpu>, @deno/<os>-<cpu>), installed with
// plain `npm install` into the ignored folder .runtimes/<id>/, so a fresh machine with only Node and npm gets them
// the same way. Nothing is downloaded at install time beyond the registry tarball, and no install script runs.
//
//   node scripts/runtimes.mjs install [id...]   install (or confirm) the pinned versions; one line per runtime
//   node scripts/runtimes.mjs list              id, version and binary of each runtime
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const RUNTIMES_DIR = join(ROOT, '.runtimes');

const os = process.platform === 'win32' ? 'win' : process.platform;
const cpu = process.arch;

/**
 * Pinned versions (measured in the project's toolchain notes). `kind` decides how a runtime runs vitest.
 * @type {Array<{ id: string, kind: 'node' | 'bun' | 'deno', version: string, package?: string, binary?: string }>}
 */
export const RUNTIMES = [
  { id: 'node20', kind: 'node', version: process.versions.node }, // the machine's own Node (>= 20.19)
  nodeRuntime('node22', '22.23.5'),
  nodeRuntime('node24', '24.22.3'),
  nodeRuntime('node26', '26.12.1'),
  {
    id: 'bun',
    kind: 'bun',
    version: '1.4.5',
    package: `@oven/bun-${os}-${cpu === 'arm64' ? 'aarch64' : cpu}`,
    binary: `node_modules/@oven/bun-${os}-${cpu === 'arm64' ? 'aarch64' : cpu}/bin/bun`,
  },
  {
    // The platform package the `deno` package would pick; taking it directly skips `deno`'s postinstall script.
    id: 'deno',
    kind: 'deno',
    version: '2.9.6',
    package: `@deno/${os}-${cpu}${os === 'linux' ? '-glibc' : ''}`,
    binary: `node_modules/@deno/${os}-${cpu}${os === 'linux' ? '-glibc' : ''}/deno`,
  },
];

function nodeRuntime(id, version) {
  return { id, kind: 'node', version, package: `node-${os}-${cpu}`, binary: `node_modules/node-${os}-${cpu}/bin/node` };
}

/** Absolute path of a runtime's binary (the machine's Node for node20). */
export function binaryOf(runtime) {
  return runtime.binary === undefined ? process.execPath : join(RUNTIMES_DIR, runtime.id, runtime.binary);
}

/** The version a binary reports, or undefined when it does not run. */
function reportedVersion(binary) {
  try {
    const output = execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return /(\d+\.\d+\.\d+)/.exec(output)?.[1];
  } catch {
    return undefined;
  }
}

/** Installs the runtimes named (all by default) unless the pinned version is already there; throws on failure. */
export function installRuntimes(ids = RUNTIMES.map((runtime) => runtime.id)) {
  for (const runtime of RUNTIMES.filter((candidate) => ids.includes(candidate.id))) {
    if (runtime.package === undefined) {
      const [major, minor] = process.versions.node.split('.').map(Number);
      if (major < 20 || (major === 20 && minor < 19)) throw new Error(`runtimes: Node ${process.version} is older than 20.19`);
      console.log(`runtimes: ${runtime.id.padEnd(7)} ${runtime.version} (this machine's node)`);
      continue;
    }
    const binary = binaryOf(runtime);
    if (reportedVersion(binary) === runtime.version) {
      console.log(`runtimes: ${runtime.id.padEnd(7)} ${runtime.version} (installed)`);
      continue;
    }
    const folder = join(RUNTIMES_DIR, runtime.id);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'package.json'), `${JSON.stringify({ private: true, description: 'test runtime, see scripts/runtimes.mjs' })}\n`);
    console.log(`runtimes: ${runtime.id.padEnd(7)} ${runtime.version} installing ${runtime.package}@${runtime.version}`);
    const spec = `${runtime.package}@${runtime.version}`;
    const args = ['install', '--no-save', '--no-package-lock', '--no-fund', '--no-audit', '--ignore-scripts', '--loglevel=error', spec];
    // A registry hiccup should not fail a CI run: three tries.
    let installed = false;
    for (let attempt = 1; attempt <= 3 && !installed; attempt++) {
      installed = spawnSync('npm', args, { cwd: folder, stdio: ['ignore', 'inherit', 'inherit'] }).status === 0;
    }
    const version = reportedVersion(binary);
    if (!installed || version !== runtime.version) {
      throw new Error(`runtimes: ${spec} did not install a working ${binary} (it reports ${version ?? 'nothing'})`);
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command = 'install', ...ids] = process.argv.slice(2);
  if (command === 'install') {
    try {
      installRuntimes(ids.length > 0 ? ids : undefined);
    } catch (error) {
      console.error(error.message);
      process.exit(1);
    }
  } else if (command === 'list') {
    for (const runtime of RUNTIMES) console.log(`${runtime.id}\t${runtime.version}\t${binaryOf(runtime)}${existsSync(binaryOf(runtime)) ? '' : ' (not installed)'}`);
  } else {
    console.error('usage: node scripts/runtimes.mjs install [id...] | list');
    process.exit(2);
  }
}
