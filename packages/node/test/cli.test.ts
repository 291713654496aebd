/**
 * The built `grantkit` bin, run as users run it: help and usage errors with exit codes, keygen, grant → parse →
 * revoke locally and through a running service.
 */
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRevocationStore } from '../src/store/sqlite.js';
import { verifyToken } from '@grantkit/core';
import { importKey } from '../src/crypto.js';
import { assertBuilt, CLI_PATH, startService, type RunningService } from './helpers/spawn-service.js';
import { runGrantkit, type Run } from './helpers/run-grantkit.js';

let directory: string;

function grantkit(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<Run> {
  return runGrantkit(args, { cwd: directory, ...options });
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
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const flag = await grantkit(['grant', '--ttl', '5', '--chanel', 'a=read']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/Unknown option '--chanel'/);
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
    const revoke = await grantkit(['revoke', token, ...remote]);
    expect(revoke).toMatchObject({ code: 0, stdout: 'revoked\n' });
    expect((await authorize()).status).toBe(403);
    // The service's error, relayed with its status.
    const again = await grantkit(['revoke', 'garbage', ...remote]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Invalid token: Token is malformed. (token) [ERR_TOKEN_MALFORMED, HTTP 400]');
  });

  it('reports an unreachable service as a failure, not a crash', async () => {
    const run = await grantkit(['grant', '--ttl', '5', '--channel', 'a=read', '--origin', 'http://127.0.0.1:9', '--subscribe-key', 's', '--publish-key', 'p'], {
      env: { GRANTKIT_SECRET_KEY: 'sec' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ERR_NETWORK');
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
