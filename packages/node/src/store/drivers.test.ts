import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { loadRedis, openSqlite } from './drivers.js';

const directory = mkdtempSync(join(tmpdir(), 'grantkit-drivers-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

/** A module path inside `root`, for resolving packages from a folder laid out as a user's project. */
const from = (root: string, ...segments: string[]) => pathToFileURL(join(root, ...segments, 'index.js')).href;

/** Which runtimes ship node:sqlite without a flag: Node 22.13+ (and 23+), Bun, Deno. */
function runtimeHasNodeSqlite(): boolean {
  if (process.versions.bun !== undefined || (process.versions as { deno?: string }).deno !== undefined) return true;
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 13);
}

describe('openSqlite', () => {
  it('uses node:sqlite where the runtime has it, else better-sqlite3', () => {
    const { connection, driver } = openSqlite(':memory:');
    expect(driver).toBe(runtimeHasNodeSqlite() ? 'node:sqlite' : 'better-sqlite3');
    connection.exec('CREATE TABLE t (id TEXT PRIMARY KEY) WITHOUT ROWID');
    expect(Number(connection.prepare('INSERT INTO t VALUES (?)').run('a').changes)).toBe(1);
    expect(connection.prepare('SELECT 1 AS found FROM t WHERE id = ?').get('a')).toEqual({ found: 1 });
    expect(connection.prepare('SELECT 1 AS found FROM t WHERE id = ?').get('b')).toBeUndefined();
    connection.close();
  });

  it('prints no ExperimentalWarning when it loads node:sqlite (Node 22)', () => {
    const entry = pathToFileURL(join(import.meta.dirname, '..', '..', 'dist', 'index.js')).href;
    const script = `import(${JSON.stringify(entry)}).then((m) => new m.SqliteRevocationStore({ path: ':memory:' }).close());`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(child.stderr).not.toMatch(/ExperimentalWarning|experimental feature/);
    expect(child.status).toBe(0);
  });

  it('names the install command when better-sqlite3 is missing (npm, and pnpm with its build approval)', () => {
    const npm = inProjectWithout('npm', `new SqliteRevocationStore({ path: ':memory:', driver: 'better-sqlite3' })`);
    expect(npm).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', causeCode: 'MODULE_NOT_FOUND' });
    expect(npm.message).toContain('the better-sqlite3 package is not installed; run `npm install better-sqlite3`');
    const pnpm = inProjectWithout('pnpm', `new SqliteRevocationStore({ path: ':memory:', driver: 'better-sqlite3' })`);
    expect(pnpm.message).toContain('run `pnpm add better-sqlite3`, then `pnpm approve-builds`');
  });

  it('names the build command when better-sqlite3 is installed but was never built, keeping the real cause', () => {
    // The real package without its build/ folder: what pnpm leaves when it skips the build script.
    const project = join(directory, 'unbuilt');
    const require = createRequire(import.meta.url);
    const packageRoot = dirname(require.resolve('better-sqlite3/package.json'));
    const packageRequire = createRequire(join(packageRoot, 'package.json'));
    for (const name of ['bindings', 'file-uri-to-path']) {
      cpSync(dirname(packageRequire.resolve(`${name}/package.json`)), join(project, 'node_modules', name), { recursive: true });
    }
    cpSync(packageRoot, join(project, 'node_modules', 'better-sqlite3'), {
      recursive: true,
      filter: (source) => !source.startsWith(join(packageRoot, 'build')) && !source.includes(`${packageRoot}/node_modules`),
    });
    vi.stubEnv('npm_config_user_agent', '');
    const npm = catchError(() => openSqlite(':memory:', 'better-sqlite3', from(project, 'app')));
    expect(npm).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    expect(npm.message).toContain('never built; run `npm rebuild better-sqlite3`');
    expect((npm.cause as Error).message).toMatch(/Could not locate the bindings file/);
    vi.stubEnv('npm_config_user_agent', 'pnpm/10.34.8 npm/? node/v20.20.2 linux x64');
    const pnpm = catchError(() => openSqlite(':memory:', 'better-sqlite3', from(project, 'app')));
    expect(pnpm.message).toContain('run `pnpm approve-builds` and select better-sqlite3');
  });
});

describe('loadRedis', () => {
  it('loads ioredis when installed', () => {
    expect(typeof loadRedis()).toBe('function');
  });

  it('names the install command when ioredis is missing', () => {
    const error = inProjectWithout('npm', `new RedisRevocationStore({ url: 'redis://127.0.0.1:1' })`);
    expect(error).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', causeCode: 'MODULE_NOT_FOUND' });
    expect(error.message).toContain('the ioredis package is not installed; run `npm install ioredis`');
  });
});

/**
 * Runs `expression` (which should throw) in a fresh process, in a project holding a copy of the built package and
 * no drivers, laid out as `manager` installs it; returns the error it threw. A fresh process without NODE_PATH (which
 * pnpm's bin shims set) resolves packages as a user's application does.
 */
function inProjectWithout(manager: 'npm' | 'pnpm', expression: string): { code?: string; message: string; causeCode?: string } {
  const project = mkdtempSync(join(directory, `${manager}-`));
  const modules = join(project, 'node_modules');
  const installed = manager === 'pnpm' ? join(modules, '.pnpm', '@grantkit+node@0.0.0', 'node_modules') : modules;
  const packageRoot = join(import.meta.dirname, '..', '..');
  cpSync(join(packageRoot, 'dist'), join(installed, '@grantkit', 'node', 'dist'), { recursive: true });
  cpSync(join(packageRoot, 'package.json'), join(installed, '@grantkit', 'node', 'package.json'));
  symlinkSync(dirname(createRequire(import.meta.url).resolve('@grantkit/core/package.json')), join(installed, '@grantkit', 'core'));
  const entry = pathToFileURL(join(installed, '@grantkit', 'node', 'dist', 'index.js')).href;
  // Deno resolves packages only for a folder whose package.json lists them.
  writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module', dependencies: { '@grantkit/node': '*', '@grantkit/core': '*' } }));
  const script = join(project, 'app.mjs');
  writeFileSync(script, `const { SqliteRevocationStore, RedisRevocationStore } = await import(${JSON.stringify(entry)});
    try { ${expression}; } catch (error) {
      process.stdout.write(JSON.stringify({ code: error.code, message: error.message, causeCode: error.cause?.code }));
    }`);
  const { NODE_PATH: _ignored, npm_config_user_agent: _agent, ...env } = process.env;
  const child = spawnSync(process.execPath, [script], { cwd: project, env, encoding: 'utf8' });
  if (child.stdout === '') throw new Error(`no error was thrown: ${child.stderr}`);
  return JSON.parse(child.stdout) as { code?: string; message: string; causeCode?: string };
}

function catchError(operation: () => unknown): Error & { code?: string } {
  try {
    operation();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}
