import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
    expect(config).toMatchObject({
      port: 8080, host: '127.0.0.1', dataDir: join(cwd, '.grantkit-data'), store: 'sqlite', logLevel: 'info', logFormat: 'auto',
      keysetSource: 'demo', readyTimeoutMs: 1000, metrics: undefined, metricsToken: undefined, allowDemoKeysetOnNetwork: false,
    });
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
    expect(fail({ flags: { store: 'redis' }, env: ENV_KEYSET })).toBe('ERR_CONFIG_INVALID redisUrl');
    expect(fail({ flags: { 'log-level': 'loud' }, env: ENV_KEYSET })).toBe('ERR_CONFIG_INVALID logLevel');
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

  function message(sources: Parameters<typeof resolveServiceConfig>[0]): string {
    try {
      resolveServiceConfig({ cwd, ...sources });
    } catch (error) {
      if (!isGrantkitError(error) || error.code !== 'ERR_CONFIG_INVALID') throw error;
      return error.message;
    }
    throw new Error('expected ERR_CONFIG_INVALID');
  }

  function configFile(name: string, content: unknown): string {
    writeFileSync(join(cwd, name), JSON.stringify(content));
    return name;
  }

  it('refuses an unknown key in the config file, naming it and the nearest valid one', () => {
    expect(message({ flags: { config: configFile('typo.json', { prot: 9000 }) }, env: ENV_KEYSET }))
      .toBe(`config file ${join(cwd, 'typo.json')}: unknown key 'prot' (did you mean 'port'?)`);
    expect(message({ flags: { config: configFile('nested.json', { keysets: [{ subscribeKey: 's', publishKey: 'p', secretkey: 'k' }] }) }, env: {} }))
      .toContain("unknown key 'keysets[0].secretkey' (did you mean 'keysets[0].secretKey'?)");
    expect(message({ flags: { config: configFile('far.json', { completelyDifferent: 1 }) }, env: ENV_KEYSET }))
      .toMatch(/unknown key 'completelyDifferent'$/);
    // Editors' "$schema" pointer is allowed.
    expect(resolveServiceConfig({ cwd, flags: { config: configFile('editor.json', { $schema: './config.schema.json', port: 9001 }) }, env: ENV_KEYSET }).port).toBe(9001);
  });

  it('refuses wrong types and values in the file, the variables and the flags, each named as the user wrote it', () => {
    expect(message({ flags: { config: configFile('type.json', { port: '9000' }) }, env: ENV_KEYSET })).toContain('port must be an integer from 0 to 65535');
    expect(message({ flags: { config: configFile('bool.json', { allowDemoKeysetOnNetwork: 'yes' }) }, env: ENV_KEYSET })).toContain('allowDemoKeysetOnNetwork must be true or false');
    expect(message({ flags: { config: configFile('enum.json', { store: 'reddis' }) }, env: ENV_KEYSET }))
      .toContain("store must be one of sqlite, redis, memory, none (did you mean 'redis'?)");
    expect(message({ flags: { config: configFile('keys.json', { keysets: [{ subscribeKey: 's', publishKey: 'p' }] }) }, env: {} }))
      .toContain('keysets[0] needs exactly one of secretKey and secretKeyEnv');
    expect(message({ flags: { config: configFile('array.json', { keysets: {} }) }, env: {} })).toContain('keysets must be an array');
    expect(message({ env: { ...ENV_KEYSET, GRANTKIT_PORT: '80a' } })).toBe('GRANTKIT_PORT must be an integer from 0 to 65535');
    expect(message({ env: { ...ENV_KEYSET, GRANTKIT_METRICS_TOKEN: 'short' } })).toBe('GRANTKIT_METRICS_TOKEN must be at least 16 characters');
    expect(message({ env: { ...ENV_KEYSET, GRANTKIT_REDIS_URL: 'http://x' } })).toContain('GRANTKIT_REDIS_URL must match');
    expect(message({ flags: { port: '80a' }, env: ENV_KEYSET })).toBe('--port must be an integer from 0 to 65535');
    expect(message({ flags: { 'log-format': 'fancy' }, env: ENV_KEYSET })).toBe('--log-format must be one of auto, pretty, json');
  });

  it('refuses a misspelt GRANTKIT_ variable, naming the nearest known one; warns about, and ignores, unrelated ones', () => {
    expect(message({ env: { ...ENV_KEYSET, GRANTKIT_PROT: '9000' } })).toBe('GRANTKIT_PROT is not a grantkit variable (did you mean GRANTKIT_PORT?)');
    expect(message({ env: { ...ENV_KEYSET, GRANTKIT_SECRETKEY: 'x' } })).toContain('(did you mean GRANTKIT_SECRET_KEY?)');
    expect(message({ env: { ...ENV_KEYSET, GRANTKIT_LOG_LEVLE: 'x' } })).toContain('(did you mean GRANTKIT_LOG_LEVEL?)');
    // The environment is shared: another program's variables (a test harness's) are reported, not refused.
    const shared = resolveServiceConfig({ cwd, env: { ...ENV_KEYSET, GRANTKIT_TEST_RESULTS: '/tmp/x', GRANTKIT_KV_NAMESPACE: 'x', HOME: '/root', PORT: 'x' } });
    expect(shared.port).toBe(8080);
    expect(shared.warnings).toEqual(['GRANTKIT_TEST_RESULTS is not a grantkit variable; ignored', 'GRANTKIT_KV_NAMESPACE is not a grantkit variable; ignored']);
  });

  it('judges a value the same whether it comes from the file or a variable (one schema, two checkers)', () => {
    const schema = JSON.parse(readFileSync(new URL('../../config.schema.json', import.meta.url), 'utf8')) as {
      properties: Record<string, { type?: string; enum?: string[]; minimum?: number; maximum?: number; minLength?: number; pattern?: string; 'x-env'?: string }>;
    };
    let compared = 0;
    for (const [key, property] of Object.entries(schema.properties)) {
      const variable = property['x-env'];
      if (variable === undefined) continue;
      const bad: unknown[] = property.enum !== undefined ? ['nope'] : property.type === 'boolean' ? ['maybe']
        : property.type === 'integer' ? ['x', (property.minimum ?? 0) - 1, (property.maximum ?? 0) + 1]
          : [...(property.minLength !== undefined ? [''] : []), ...(property.pattern !== undefined ? ['http://x'] : [])];
      for (const value of bad) {
        const fromFile = message({ flags: { config: configFile(`same-${key}.json`, { [key]: value }) }, env: ENV_KEYSET })
          .replace(`config file ${join(cwd, `same-${key}.json`)}: ${key} `, '');
        const fromEnv = message({ env: { ...ENV_KEYSET, [variable]: String(value) } }).replace(`${variable} `, '');
        expect(fromEnv, `${key} = ${JSON.stringify(value)}`).toBe(fromFile);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(15);
  });

  it('reads variables and flags as their settings\' types', () => {
    const config = resolveServiceConfig({
      cwd,
      env: { ...ENV_KEYSET, GRANTKIT_METRICS_PORT: '9100', GRANTKIT_METRICS_TOKEN: 'a-token-of-16-chars', GRANTKIT_READY_TIMEOUT_MS: '250' },
      flags: { 'log-format': 'json', 'metrics-host': '127.0.0.2' },
    });
    expect(config).toMatchObject({ metrics: { port: 9100, host: '127.0.0.2' }, metricsToken: 'a-token-of-16-chars', readyTimeoutMs: 250, logFormat: 'json' });
  });

  it('refuses the demo keyset on a non-loopback host unless told explicitly, and writes nothing when it refuses', () => {
    const dataDir = join(cwd, 'public-demo');
    const refused = message({ flags: { host: '0.0.0.0', 'data-dir': dataDir }, env: {} });
    expect(refused).toContain('refusing to serve the DEMO keyset on 0.0.0.0');
    expect(refused).toContain('--allow-demo-keyset-on-network');
    expect(existsSync(dataDir)).toBe(false);
    expect(message({ env: { GRANTKIT_HOST: '10.1.2.3', GRANTKIT_DATA_DIR: dataDir } })).toContain('refusing to serve the DEMO keyset on 10.1.2.3');
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', '::1', '[::1]']) {
      expect(resolveServiceConfig({ cwd, flags: { host, 'data-dir': join(cwd, 'loopback-demo') }, env: {} }).keysetSource).toBe('demo');
    }
    expect(resolveServiceConfig({ cwd, flags: { host: '0.0.0.0', 'data-dir': dataDir, 'allow-demo-keyset-on-network': true }, env: {} }).keysetSource).toBe('demo');
    expect(resolveServiceConfig({ cwd, env: { GRANTKIT_HOST: '0.0.0.0', GRANTKIT_ALLOW_DEMO_KEYSET_ON_NETWORK: 'true', GRANTKIT_DATA_DIR: dataDir } }).keysetSource).toBe('demo');
    // A real keyset may listen anywhere.
    expect(resolveServiceConfig({ cwd, flags: { host: '0.0.0.0' }, env: ENV_KEYSET }).host).toBe('0.0.0.0');
  });

  it('with demoKeyset: existing, reads a demo keyset that is there and never creates one', () => {
    const dataDir = join(cwd, 'read-only');
    expect(message({ flags: { 'data-dir': dataDir }, env: {}, demoKeyset: 'existing' })).toContain('no keyset is configured and there is no demo keyset');
    expect(existsSync(dataDir)).toBe(false);
    const created = resolveServiceConfig({ cwd, flags: { 'data-dir': dataDir }, env: {} }).keysets[0];
    expect(resolveServiceConfig({ cwd, flags: { 'data-dir': dataDir }, env: {}, demoKeyset: 'existing' }).keysets[0]).toEqual(created);
  });
});

describe('loadDemoKeyset', () => {
  it('labels the file as a demo keyset', () => {
    const directory = join(cwd, 'demo');
    loadDemoKeyset(directory);
    expect(readFileSync(join(directory, 'demo-keyset.json'), 'utf8')).toContain('DEMO keyset');
  });
});
