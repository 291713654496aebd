/**
 * The built `grantkit` bin, run as users run it: help and usage errors with exit codes, keygen, grant → parse →
 * revoke locally and through a running service.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRevocationStore } from '../src/store/sqlite.js';
import { verifyToken } from '@grantkit/core';
import { importKey } from '../src/crypto.js';
import { freePort } from './helpers/redis-server.js';
import { assertBuilt, CLI_PATH, startService, type RunningService } from './helpers/spawn-service.js';
import { runGrantkit, type Run } from './helpers/run-grantkit.js';

let directory: string;

function grantkit(args: string[], options: { env?: Record<string, string>; input?: string; cwd?: string } = {}): Promise<Run> {
  return runGrantkit(args, { ...options, cwd: options.cwd ?? directory });
}

beforeAll(() => {
  assertBuilt();
  directory = mkdtempSync(join(tmpdir(), 'grantkit-cli-'));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('grantkit bin: help and usage', () => {
  it('is an executable file with a node shebang', () => {
    expect(readFileSync(CLI_PATH, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(CLI_PATH).mode & 0o111).not.toBe(0);
  });

  it('prints help with exit 0 for --help, and for a command\'s --help', async () => {
    const main = await grantkit(['--help']);
    expect(main.code).toBe(0);
    for (const command of ['serve', 'grant', 'parse', 'revoke', 'keygen']) expect(main.stdout).toContain(command);
    const grant = await grantkit(['grant', '--help']);
    expect(grant.code).toBe(0);
    expect(grant.stdout).toContain('--channel-pattern');
  });

  it('exits 2 with a clear message for no command, an unknown command, an unknown flag, or a missing value', async () => {
    expect((await grantkit([])).code).toBe(2);
    const unknown = await grantkit(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'\n");
    const flag = await grantkit(['grant', '--ttl', '5', '--chanel', 'a=read']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("Unknown option '--chanel' (did you mean --channel?)");
    const ttl = await grantkit(['grant', '--channel', 'a=read']);
    expect(ttl).toMatchObject({ code: 2 });
    expect(ttl.stderr).toContain('--ttl is required');
    const permission = await grantkit(['grant', '--ttl', '5', '--channel', 'a=fly']);
    expect(permission.code).toBe(2);
    expect(permission.stderr).toContain("unknown permission 'fly'");
    expect((await grantkit(['parse'])).code).toBe(2);
  });
});

describe('grantkit bin: keygen, grant, parse, revoke', () => {
  it('keygen prints a fresh keyset as variables and as JSON', async () => {
    const text = await grantkit(['keygen']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^GRANTKIT_SUBSCRIBE_KEY=sub-c-[0-9a-f-]{36}\nGRANTKIT_PUBLISH_KEY=pub-c-[0-9a-f-]{36}\nGRANTKIT_SECRET_KEY=sec-c-[A-Za-z0-9_-]{43}\n$/);
    const json = JSON.parse((await grantkit(['keygen', '--json'])).stdout) as Record<string, string>;
    expect(Object.keys(json).sort()).toEqual(['publishKey', 'secretKey', 'subscribeKey']);
    expect(json.secretKey).not.toBe(text.stdout.split('GRANTKIT_SECRET_KEY=')[1]!.trim());
  });

  it('grant prints only the token, signed with the configured secret, with every flag applied', async () => {
    const run = await grantkit([
      'grant', '--ttl', '15', '--authorized-uuid', 'alice',
      '--channel', 'room-1=read,write', '--channel-pattern', '^lobby-[0-9]+$=read',
      '--group', 'cg-1=read,manage', '--uuid', 'bob=get,update', '--uuid-pattern', '^user-.*$=get',
      '--meta', 'role=admin', '--meta', 'level=3', '--meta', 'beta=true',
    ], { env: { GRANTKIT_SECRET_KEY: 'sec-c-cli' } });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const token = run.stdout.trim();
    expect(run.stdout).toBe(`${token}\n`);
    const verified = verifyToken(token, importKey('sec-c-cli'));
    expect(verified.ttl).toBe(15);
    expect(verified.authorizedUuid).toBe('alice');
    expect(verified.resources.channels).toEqual({ 'room-1': 3 });
    expect(verified.resources.groups).toEqual({ 'cg-1': 5 });
    expect(verified.resources.uuids).toEqual({ bob: 96 });
    expect(verified.patterns.channels).toEqual({ '^lobby-[0-9]+$': 1 });
    expect(verified.patterns.uuids).toEqual({ '^user-.*$': 32 });
    expect(verified.meta).toEqual({ role: 'admin', level: 3, beta: true });
  });

  it('grant reports an invalid grant with exit 1 and PubNub\'s message naming the field', async () => {
    const run = await grantkit(['grant', '--ttl', '0', '--channel', 'a=read'], { env: { GRANTKIT_SECRET_KEY: 'sec-c-cli' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Invalid ttl: Range should be 1 to 43200 minute(s). (ttl) [ERR_GRANT_INVALID, HTTP 400]');
    const pattern = await grantkit(['grant', '--ttl', '5', '--channel-pattern', '(a)=read'], { env: { GRANTKIT_SECRET_KEY: 'sec-c-cli' } });
    expect(pattern.code).toBe(1);
    expect(pattern.stderr).toContain('ERR_PATTERN_INVALID');
  });

  it('parse shows a permissions table with local times, and --json the SDK shape; bad tokens exit 1', async () => {
    // The SDK refuses to mix the App Context vocabulary with channels; so does the CLI.
    const refused = await grantkit(['grant', '--ttl', '60', '--channel', 'room-1=read', '--space-pattern', '^team-.*$=read'], {
      env: { GRANTKIT_SECRET_KEY: 'sec-c-cli' },
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('cannot mix');
    const mixed = (await grantkit(['grant', '--ttl', '60', '--authorized-uuid', 'alice', '--channel', 'room-1=read,write', '--channel-pattern', '^team-.*$=read', '--meta', 'role=admin'], {
      env: { GRANTKIT_SECRET_KEY: 'sec-c-cli' },
    })).stdout.trim();
    // Times print in the machine's local zone, with the offset: here India, UTC+05:30.
    const table = await grantkit(['parse', mixed], { env: { TZ: 'Asia/Kolkata' } });
    expect(table.code).toBe(0);
    const expiresAt = verifyToken(mixed, importKey('sec-c-cli')).expiresAt;
    const local = new Date((expiresAt + 5.5 * 3_600) * 1000).toISOString().slice(0, 19).replace('T', ' ');
    expect(table.stdout).toMatch(new RegExp(`Expires\\s+${local} \\+05:30 {2}\\(in (59 min|1 h 0 min)\\)`));
    expect(table.stdout).toContain('Authorized uuid  alice');
    expect(table.stdout).toMatch(/channel\s+exact\s+room-1\s+read, write/);
    expect(table.stdout).toMatch(/channel\s+pattern\s+\^team-\.\*\$\s+read/);
    expect(table.stdout).toContain('role = "admin"');
    expect(table.stdout).toContain('not verified');

    const json = JSON.parse((await grantkit(['parse', '--json', mixed])).stdout) as Record<string, any>;
    expect(json).toMatchObject({ version: 2, ttl: 60, authorized_uuid: 'alice', meta: { role: 'admin' } });
    expect(json.resources.channels['room-1']).toMatchObject({ read: true, write: true, manage: false });
    expect(json.expiresAt).toBe(json.timestamp + 3_600);
    expect(json.tokenId).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const verified = await grantkit(['parse', '--verify', mixed], { env: { GRANTKIT_SECRET_KEY: 'sec-c-cli' } });
    expect(verified.stdout).toContain('valid (current secret)');
    const wrong = await grantkit(['parse', '--verify', mixed], { env: { GRANTKIT_SECRET_KEY: 'sec-c-other' } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('ERR_TOKEN_SIGNATURE_INVALID');

    const stdin = await grantkit(['parse', '-'], { input: `${mixed}\n` });
    expect(stdin.stdout).toContain('room-1');
    const garbage = await grantkit(['parse', 'not-a-token']);
    expect(garbage.code).toBe(1);
    expect(garbage.stderr).toContain('ERR_TOKEN_MALFORMED');
  });

  it('revoke writes to the data directory\'s SQLite store, and refuses foreign tokens', async () => {
    const env = { GRANTKIT_SECRET_KEY: 'sec-c-cli' };
    const token = (await grantkit(['grant', '--ttl', '5', '--channel', 'local-revoke=read'], { env })).stdout.trim();
    // A data directory no service has used: refused, and nothing is created.
    const missing = await grantkit(['revoke', token, '--data-dir', 'revocations'], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`no revocation store at ${join(directory, 'revocations', 'revocations.sqlite3')}`);
    expect(existsSync(join(directory, 'revocations'))).toBe(false);
    new SqliteRevocationStore({ dataDir: join(directory, 'revocations') }).close();
    const run = await grantkit(['revoke', token, '--data-dir', 'revocations'], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('revoked (sqlite');
    const store = new SqliteRevocationStore({ dataDir: join(directory, 'revocations') });
    try {
      expect(store.isRevoked(verifyToken(token, importKey('sec-c-cli')).id)).toBe(true);
    } finally {
      store.close();
    }
    const foreign = await grantkit(['revoke', token, '--data-dir', 'revocations'], { env: { GRANTKIT_SECRET_KEY: 'sec-c-other' } });
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toContain('Token was not issued for this keyset.');
  });
});

describe('grantkit bin against a running service', () => {
  let service: RunningService;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = join(directory, 'service-data');
    service = await startService(['--data-dir', dataDir]);
  });

  afterAll(async () => {
    expect(await service.stop()).toBe(0);
  });

  it('grants through --origin with the demo keyset of the data directory, and revokes through it', async () => {
    const remote = ['--origin', service.url, '--subscribe-key', 'sub-c-demo', '--publish-key', 'pub-c-demo', '--data-dir', dataDir];
    const grant = await grantkit(['grant', '--ttl', '5', '--channel', 'room-1=read', ...remote]);
    expect(grant).toMatchObject({ code: 0 });
    const token = grant.stdout.trim();
    const authorize = () => fetch(`${service.url}/grantkit/v1/sub-c-demo/authorize?channel=room-1&permission=read&auth=${encodeURIComponent(token)}`);
    expect((await authorize()).status).toBe(200);
    const revoke = await grantkit(['revoke', token, ...remote, '--json']);
    expect(revoke.code).toBe(0);
    expect(JSON.parse(revoke.stdout)).toEqual({ revoked: true, tokenId: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), via: service.url });
    expect((await authorize()).status).toBe(403);
    // The service's error, relayed with its status.
    const again = await grantkit(['revoke', 'garbage', ...remote]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`Invalid token: Token is malformed. (token) [ERR_TOKEN_MALFORMED, HTTP 400] (DELETE ${service.url}/v3/pam/sub-c-demo/grant/{token})`);
  });

  it('reports an unreachable service as a failure naming the URL and the cause', async () => {
    const closed = await freePort();
    const run = await grantkit(['grant', '--ttl', '5', '--channel', 'a=read', '--origin', `http://127.0.0.1:${closed}`, '--subscribe-key', 's', '--publish-key', 'p'], {
      env: { GRANTKIT_SECRET_KEY: 'sec' },
    });
    expect(run.code).toBe(1);
    // The URL (no query: it carries the signature) and the cause.
    // The cause is the runtime's own words: Node says `connect ECONNREFUSED 127.0.0.1:<port>`, Bun `ECONNREFUSED: Unable to connect...`.
    const refused = '[^\\n]*ECONNREFUSED[^\\n]*';
    expect(run.stderr).toMatch(new RegExp(`^grantkit grant: POST http://127\\.0\\.0\\.1:${closed}/v3/pam/s/grant could not be reached: ${refused} \\[ERR_NETWORK\\]\\n$`));
    const json = await grantkit(['revoke', 'tok', '--json', '--origin', `http://127.0.0.1:${closed}`, '--subscribe-key', 's', '--publish-key', 'p'], {
      env: { GRANTKIT_SECRET_KEY: 'sec' },
    });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stderr)).toEqual({ error: {
      code: 'ERR_NETWORK', url: `http://127.0.0.1:${closed}/v3/pam/s/grant/{token}`, exitCode: 1,
      message: expect.stringMatching(new RegExp(`^DELETE http://127\\.0\\.0\\.1:${closed}/v3/pam/s/grant/\\{token\\} could not be reached: ${refused} \\[ERR_NETWORK\\]$`)),
    } });
  });

  it('refuses bad serve flags with exit 2', async () => {
    const run = await grantkit(['serve', '--port', 'eighty']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('port must be an integer');
    const store = await grantkit(['serve', '--store', 'redis']);
    expect(store.code).toBe(2);
    expect(store.stderr).toContain('redis-url');
  });
});

describe('grantkit bin: conventions', () => {
  it('prints its version for -V, --version and -v, as JSON with --json', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['-V', '--version', '-v']) expect(await grantkit([flag])).toMatchObject({ code: 0, stdout: `${version}\n` });
    expect(JSON.parse((await grantkit(['--version', '--json'])).stdout)).toEqual({ version });
  });

  it('suggests the nearest command and flag', async () => {
    const command = await grantkit(['sevre']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("unknown command 'sevre' (did you mean 'serve'?)");
    const option = await grantkit(['--verison']);
    expect(option.stderr).toContain("unknown option '--verison' (did you mean --version?)");
    const serveFlag = await grantkit(['serve', '--redis-ulr', 'redis://x']);
    expect(serveFlag.stderr).toContain("Unknown option '--redis-ulr' (did you mean --redis-url?)");
    const json = await grantkit(['sevre', '--json']);
    expect(JSON.parse(json.stderr)).toEqual({ error: { code: 'ERR_USAGE', message: "unknown command 'sevre' (did you mean 'serve'?)", exitCode: 2 } });
  });

  it('every command takes --json', async () => {
    const env = { GRANTKIT_SECRET_KEY: 'sec-c-cli' };
    const grant = JSON.parse((await grantkit(['grant', '--ttl', '5', '--channel', 'a=read', '--json'], { env })).stdout) as { token: string };
    expect(grant.token).toMatch(/^[A-Za-z0-9_+/-]+=*$/);
    expect(JSON.parse((await grantkit(['parse', grant.token, '--json'])).stdout)).toMatchObject({ ttl: 5 });
    expect(Object.keys(JSON.parse((await grantkit(['keygen', '--json'])).stdout) as object)).toContain('secretKey');
    for (const command of ['serve', 'grant', 'parse', 'revoke', 'keygen']) {
      expect((await grantkit([command, '--help'])).stdout, command).toContain('--json');
    }
    // Errors too, with the code.
    const bad = await grantkit(['parse', 'not-a-token', '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stderr)).toMatchObject({ error: { code: 'ERR_TOKEN_MALFORMED', exitCode: 1 } });
  });

  it('read-only commands never write: no demo keyset, no data directory', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'grantkit-readonly-'));
    try {
      const token = (await grantkit(['grant', '--ttl', '5', '--channel', 'a=read'], { env: { GRANTKIT_SECRET_KEY: 'sec-c-cli' }, cwd: empty })).stdout.trim();
      const verify = await grantkit(['parse', '--verify', token], { cwd: empty });
      expect(verify.code).toBe(2);
      expect(verify.stderr).toContain('no keyset is configured and there is no demo keyset at');
      const revoke = await grantkit(['revoke', token], { cwd: empty });
      expect(revoke.code).toBe(2);
      const grant = await grantkit(['grant', '--ttl', '5', '--channel', 'a=read'], { cwd: empty });
      expect(grant.code).toBe(2);
      expect(readdirSync(empty)).toEqual([]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('refuses bad configuration with the key and the nearest valid one', async () => {
    const configDir = mkdtempSync(join(tmpdir(), 'grantkit-config-'));
    try {
      writeFileSync(join(configDir, 'grantkit.json'), JSON.stringify({ prot: 9000 }));
      const file = await grantkit(['serve', '--config', 'grantkit.json'], { cwd: configDir, env: { GRANTKIT_SECRET_KEY: 's', GRANTKIT_SUBSCRIBE_KEY: 'a', GRANTKIT_PUBLISH_KEY: 'b' } });
      expect(file.code).toBe(2);
      expect(file.stderr).toContain(`config file ${join(configDir, 'grantkit.json')}: unknown key 'prot' (did you mean 'port'?)`);
      const variable = await grantkit(['serve'], { cwd: configDir, env: { GRANTKIT_PROT: '9000' } });
      expect(variable.code).toBe(2);
      expect(variable.stderr).toContain('GRANTKIT_PROT is not a grantkit variable (did you mean GRANTKIT_PORT?)');
      expect(readdirSync(configDir)).toEqual(['grantkit.json']);
    } finally {
      rmSync(configDir, { recursive: true, force: true });
    }
  });

  it('serve refuses the demo keyset on a non-loopback host unless told explicitly', async () => {
    const dataDir = join(directory, 'public-demo');
    const refused = await grantkit(['serve', '--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('refusing to serve the DEMO keyset on 0.0.0.0');
    expect(existsSync(dataDir)).toBe(false);
    const allowed = await startService(['--host', '0.0.0.0', '--data-dir', dataDir, '--allow-demo-keyset-on-network']);
    try {
      expect((await fetch(`${allowed.url}/health`)).status).toBe(200);
    } finally {
      expect(await allowed.stop()).toBe(0);
    }
  });

  it('serve logs JSON lines when stdout is not a terminal, readable lines with --log-format pretty', async () => {
    const dataDir = join(directory, 'log-formats');
    mkdirSync(dataDir, { recursive: true });
    // Another program's GRANTKIT_ variable (here the test harness's) is reported and ignored, not refused.
    const json = await startService(['--data-dir', dataDir], { GRANTKIT_TEST_RESULTS: '/tmp/elsewhere' });
    await fetch(`${json.url}/health`);
    expect(await json.stop()).toBe(0);
    for (const line of json.stdout().trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    expect(json.stdout()).toContain('"warning":"GRANTKIT_TEST_RESULTS is not a grantkit variable; ignored"');
    const pretty = await startService(['--data-dir', dataDir, '--log-format', 'pretty'], {}, 15_000, /INFO {2}listening url=(\S+)/);
    expect(await pretty.stop()).toBe(0);
    expect(pretty.stdout()).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3} INFO  listening url=http:\/\/127\.0\.0\.1:\d+ /m);
    expect(pretty.stdout()).not.toContain('\u001b[');
  });

  it('serve on a terminal logs coloured, readable lines (and NO_COLOR turns colours off)', async () => {
    const dataDir = join(directory, 'tty');
    mkdirSync(dataDir, { recursive: true });
    // `script` gives the child a pseudo-terminal, as a person's shell would.
    const onTerminal = (env: string) => new Promise<string>((resolve, reject) => {
      const child = spawn('script', ['-qec', `${env} '${process.execPath}' '${CLI_PATH}' serve --port 0 --data-dir '${dataDir}'`, '/dev/null'], {
        env: { PATH: process.env.PATH ?? '', TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        if (/listening/.test(output)) child.kill('SIGTERM');
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('error', reject);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(output);
      });
    });
    const coloured = await onTerminal('');
    expect(coloured).toMatch(/\u001b\[36mINFO \u001b\[0m listening/);
    expect(coloured).not.toContain('{"time"');
    const plain = await onTerminal('NO_COLOR=1');
    expect(plain).toMatch(/INFO {2}listening/);
    expect(plain).not.toContain('\u001b[36m');
  });
});
