import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isGrantkitError } from '@grantkit/core';
import { loadDemoKeyset, resolveServiceConfig } from './config.js';

const cwd = mkdtempSync(join(tmpdir(), 'grantkit-config-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const ENV_KEYSET = { GRANTKIT_SUBSCRIBE_KEY: 'sub-c-env', GRANTKIT_PUBLISH_KEY: 'pub-c-env', GRANTKIT_SECRET_KEY: 'sec-c-env' };

describe('resolveServiceConfig', () => {
  it('defaults: port 8080 on 127.0.0.1, SQLite in ./.grantkit-data, and a demo keyset created there', () => {
    const config = resolveServiceConfig({ env: {}, cwd });
    expect(config).toMatchObject({ port: 8080, host: '127.0.0.1', dataDir: join(cwd, '.grantkit-data'), store: 'sqlite', logLevel: 'info', keysetSource: 'demo' });
    expect(config.keysets).toHaveLength(1);
    expect(config.keysets[0]).toMatchObject({ subscribeKey: 'sub-c-demo', publishKey: 'pub-c-demo' });
    expect(config.keysets[0]!.secretKey).toMatch(/^sec-c-demo-[A-Za-z0-9_-]{43}$/);
    // Stable across restarts, private to the owner.
    expect(resolveServiceConfig({ env: {}, cwd }).keysets[0]!.secretKey).toBe(config.keysets[0]!.secretKey);
    expect(statSync(join(cwd, '.grantkit-data', 'demo-keyset.json')).mode & 0o777).toBe(0o600);
  });

  it('takes one keyset from GRANTKIT_* variables, previous secrets comma-separated', () => {
    const config = resolveServiceConfig({ env: { ...ENV_KEYSET, GRANTKIT_PREVIOUS_SECRET_KEYS: 'old-1, old-2' }, cwd, flags: { 'data-dir': 'env-data' } });
    expect(config.keysetSource).toBe('env');
    expect(config.keysets).toEqual([{
      subscribeKey: 'sub-c-env', publishKey: 'pub-c-env', secretKey: 'sec-c-env', previousSecretKeys: ['old-1', 'old-2'], validation: 'pubnub',
    }]);
  });

  it('resolves validation per keyset: the keyset’s own, else --validation over GRANTKIT_VALIDATION over the file', () => {
    const path = join(cwd, 'validation.json');
    writeFileSync(path, JSON.stringify({
      validation: 'strict',
      keysets: [
        { subscribeKey: 'sub-c-own', publishKey: 'pub-c-1', secretKey: 'sec-c-1', validation: 'pubnub' },
        { subscribeKey: 'sub-c-default', publishKey: 'pub-c-2', secretKey: 'sec-c-2' },
      ],
    }));
    const modes = (sources: Parameters<typeof resolveServiceConfig>[0]) => {
      const config = resolveServiceConfig({ cwd, ...sources });
      return [config.validation, ...config.keysets.map((keyset) => keyset.validation)];
    };
    expect(modes({ flags: { config: path } })).toEqual(['strict', 'pubnub', 'strict']);
    expect(modes({ flags: { config: path }, env: { GRANTKIT_VALIDATION: 'pubnub' } })).toEqual(['pubnub', 'pubnub', 'pubnub']);
    expect(modes({ flags: { config: path, validation: 'strict' }, env: { GRANTKIT_VALIDATION: 'pubnub' } })).toEqual(['strict', 'pubnub', 'strict']);
    expect(() => resolveServiceConfig({ cwd, env: { ...ENV_KEYSET, GRANTKIT_VALIDATION: 'loose' } })).toThrow(expect.objectContaining({ field: 'validation' }));
    writeFileSync(path, JSON.stringify({ keysets: [{ subscribeKey: 's', publishKey: 'p', secretKey: 'k', validation: 'lax' }] }));
    expect(() => resolveServiceConfig({ cwd, flags: { config: path } })).toThrow(expect.objectContaining({ field: 'keysets[0].validation' }));
  });

  it('flags beat variables beat the config file; config file keysets may read secrets from the environment', () => {
    const path = join(cwd, 'grantkit.json');
    writeFileSync(path, JSON.stringify({
      port: 9000, host: '0.0.0.0', store: 'memory', logLevel: 'warn',
      keysets: [
        { subscribeKey: 'sub-c-1', publishKey: 'pub-c-1', secretKey: 'sec-c-1' },
        { subscribeKey: 'sub-c-2', publishKey: 'pub-c-2', secretKeyEnv: 'SECRET_TWO', previousSecretKeysEnv: 'OLD_TWO' },
      ],
    }));
    const config = resolveServiceConfig({
      flags: { config: 'grantkit.json', port: '7000' },
      env: { GRANTKIT_HOST: '127.0.0.2', SECRET_TWO: 'sec-c-2', OLD_TWO: 'old' , ...ENV_KEYSET },
      cwd,
    });
    expect(config).toMatchObject({ port: 7000, host: '127.0.0.2', store: 'memory', logLevel: 'warn', keysetSource: 'config+env' });
    expect(config.keysets.map((keyset) => keyset.subscribeKey)).toEqual(['sub-c-1', 'sub-c-2', 'sub-c-env']);
    expect(config.keysets[1]).toMatchObject({ secretKey: 'sec-c-2', previousSecretKeys: ['old'] });
  });

  it('reads keysets with core\'s reader: GRANTKIT_KEYSETS too, and every key trimmed, from the environment and the file', () => {
    const path = join(cwd, 'padded.json');
    writeFileSync(path, JSON.stringify({ keysets: [{ subscribeKey: 'sub-c-file ', publishKey: 'pub-c-file', secretKey: 'sec-c-file\n', previousSecretKeys: [' old '] }] }));
    const config = resolveServiceConfig({
      flags: { config: 'padded.json' },
      env: {
        GRANTKIT_SUBSCRIBE_KEY: 'sub-c-env', GRANTKIT_PUBLISH_KEY: 'pub-c-env', GRANTKIT_SECRET_KEY: 'sec-c-env\n',
        GRANTKIT_KEYSETS: JSON.stringify([{ subscribeKey: 'sub-c-json', publishKey: 'pub-c-json', secretKey: ' sec-c-json' }]),
      },
      cwd,
    });
    expect(config.keysets).toEqual([
      { subscribeKey: 'sub-c-file', publishKey: 'pub-c-file', secretKey: 'sec-c-file', previousSecretKeys: ['old'], validation: 'pubnub' },
      { subscribeKey: 'sub-c-env', publishKey: 'pub-c-env', secretKey: 'sec-c-env', validation: 'pubnub' },
      { subscribeKey: 'sub-c-json', publishKey: 'pub-c-json', secretKey: 'sec-c-json', validation: 'pubnub' },
    ]);
  });

  it('a Redis URL implies the redis store', () => {
    expect(resolveServiceConfig({ env: { ...ENV_KEYSET, GRANTKIT_REDIS_URL: 'redis://127.0.0.1:1' }, cwd }).store).toBe('redis');
  });

  it('names the setting in every configuration error: ERR_CONFIG_INVALID for settings, ERR_KEY_INVALID for keys', () => {
    const fail = (sources: Parameters<typeof resolveServiceConfig>[0]) => {
      try {
        resolveServiceConfig({ cwd, ...sources });
      } catch (error) {
        if (!isGrantkitError(error)) throw error;
        return `${error.code} ${error.field}`;
      }
      throw new Error('expected a grantkit error');
    };
    expect(fail({ flags: { port: '80a' }, env: ENV_KEYSET })).toBe('ERR_CONFIG_INVALID port');
    expect(fail({ flags: { port: '70000' }, env: ENV_KEYSET })).toBe('ERR_CONFIG_INVALID port');
    expect(fail({ flags: { store: 'postgres' }, env: ENV_KEYSET })).toBe('ERR_CONFIG_INVALID store');
    expect(fail({ flags: { store: 'redis' }, env: ENV_KEYSET })).toBe('ERR_CONFIG_INVALID redis-url');
    expect(fail({ flags: { 'log-level': 'loud' }, env: ENV_KEYSET })).toBe('ERR_CONFIG_INVALID log-level');
    expect(fail({ env: { GRANTKIT_SUBSCRIBE_KEY: 'sub-c-only' } })).toBe('ERR_KEY_INVALID GRANTKIT_PUBLISH_KEY');
    expect(fail({ env: { GRANTKIT_KEYSETS: '[{"subscribeKey":"s","publishKey":"p"}]' } })).toBe('ERR_KEY_INVALID GRANTKIT_KEYSETS[0].secretKey');
    expect(fail({ flags: { config: 'missing.json' }, env: {} })).toBe('ERR_CONFIG_INVALID config');
    writeFileSync(join(cwd, 'bad.json'), '{ nope');
    expect(fail({ flags: { config: 'bad.json' }, env: {} })).toBe('ERR_CONFIG_INVALID config');
    writeFileSync(join(cwd, 'dup.json'), JSON.stringify({ keysets: [
      { subscribeKey: 's', publishKey: 'p', secretKey: 'k' }, { subscribeKey: 's', publishKey: 'p', secretKey: 'k' },
    ] }));
    expect(fail({ flags: { config: 'dup.json' }, env: {} })).toBe('ERR_CONFIG_INVALID keysets[1].subscribeKey');
    writeFileSync(join(cwd, 'noenv.json'), JSON.stringify({ keysets: [{ subscribeKey: 's', publishKey: 'p', secretKeyEnv: 'NOT_SET' }] }));
    expect(fail({ flags: { config: 'noenv.json' }, env: {} })).toBe('ERR_CONFIG_INVALID keysets[0].secretKeyEnv');
    writeFileSync(join(cwd, 'blank.json'), JSON.stringify({ keysets: [{ subscribeKey: 's', publishKey: ' ', secretKey: 'k' }] }));
    expect(fail({ flags: { config: 'blank.json' }, env: {} })).toBe('ERR_KEY_INVALID keysets[0].publishKey');
  });
});

describe('loadDemoKeyset', () => {
  it('labels the file as a demo keyset', () => {
    const directory = join(cwd, 'demo');
    loadDemoKeyset(directory);
    expect(readFileSync(join(directory, 'demo-keyset.json'), 'utf8')).toContain('DEMO keyset');
  });
});
