/**
 * PubNub's SDK contract scenarios for Access Manager (`@grantkit/conformance`'s
 * `vectors/pubnub-contract-scenarios.json`) as grantkit's tests, driven by the real `pubnub` npm package against a
 * real `grantkit serve`: each scenario's grant, revoke or parse, and what the scenario asserts. Grant scenarios run against a `pubnub`-mode and a `strict`-mode keyset (every one
 * of them is within the documented rules, so both modes answer alike); the feature-disabled scenario runs against a
 * second service without a revocation store. The publish scenarios (authorization failures) need a data plane that
 * grantkit does not serve; the test says so rather than skipping silently.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PubNub from 'pubnub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseToken, type Permission } from '@grantkit/core';
import contract from '@grantkit/conformance/vectors/pubnub-contract-scenarios.json';
import { AccessManager } from '../src/sdk/access-manager.js';
import { startService, type RunningService } from './helpers/spawn-service.js';

const SECRET = 'sec-c-contract-secret';
const PUBLISH_KEY = 'pub-c-contract';
const MODES = { pubnub: 'sub-c-contract', strict: 'sub-c-contract-strict' } as const;

type Scenario = (typeof contract.scenarios)[number] & Record<string, unknown>;
const scenarios = contract.scenarios as Scenario[];
const byContract = (name: string) => scenarios.find((scenario) => scenario.contract === name)!;

let service: RunningService;
let disabled: RunningService;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'grantkit-contract-'));
  const config = join(dir, 'grantkit.json');
  writeFileSync(config, JSON.stringify({
    keysets: [
      { subscribeKey: MODES.pubnub, publishKey: PUBLISH_KEY, secretKey: SECRET },
      { subscribeKey: MODES.strict, publishKey: PUBLISH_KEY, secretKey: SECRET, validation: 'strict' },
    ],
  }));
  [service, disabled] = await Promise.all([
    startService(['--config', config, '--store', 'memory', '--data-dir', dir]),
    startService(['--config', config, '--store', 'none', '--data-dir', dir]),
  ]);
});

afterAll(async () => {
  const codes = await Promise.all([service?.stop(), disabled?.stop()]);
  rmSync(dir, { recursive: true, force: true });
  expect(codes).toEqual([0, 0]);
});

function sdk(subscribeKey: string, target = service): PubNub {
  return new PubNub({
    publishKey: PUBLISH_KEY, subscribeKey, secretKey: SECRET, userId: 'contract-server',
    origin: `127.0.0.1:${target.port}`, ssl: false, logVerbosity: false,
  } as ConstructorParameters<typeof PubNub>[0]);
}

type PermissionLists = Record<string, Record<string, string[]>>;

/** The scenario's `Given ... permissions` steps as the JS SDK's grantToken parameters. */
function sdkParameters(scenario: Scenario): Record<string, unknown> {
  const grant = scenario.grant as unknown as { ttl: number; authorized_uuid?: string; resources?: PermissionLists; patterns?: PermissionLists };
  const flags = (lists: PermissionLists | undefined) => lists === undefined ? undefined : Object.fromEntries(
    Object.entries(lists).map(([type, names]) => [type, Object.fromEntries(
      Object.entries(names).map(([name, permissions]) => [name, Object.fromEntries(permissions.map((permission) => [permission, true]))]),
    )]),
  );
  const overrides = (scenario.sdkPermissions ?? {}) as Record<string, unknown>;
  return {
    ttl: grant.ttl,
    ...(grant.authorized_uuid === undefined ? {} : { authorized_uuid: grant.authorized_uuid }),
    ...(grant.resources === undefined ? {} : { resources: flags(grant.resources) }),
    ...(grant.patterns === undefined ? {} : { patterns: flags(grant.patterns) }),
    ...overrides,
  };
}

/** The `Then the token has ...` steps: exactly the granted permissions are true, on every granted name. */
function expectGrantedPermissions(parsed: ReturnType<PubNub['parseToken']>, scenario: Scenario): void {
  const grant = scenario.grant as unknown as { resources?: PermissionLists; patterns?: PermissionLists };
  for (const where of ['resources', 'patterns'] as const) {
    for (const [type, names] of Object.entries(grant[where] ?? {})) {
      for (const [name, permissions] of Object.entries(names)) {
        const flags = (parsed as unknown as Record<string, Record<string, Record<string, Record<Permission, boolean>>>>)[where]?.[type]?.[name];
        expect(flags, `${where}.${type}.${name}`).toBeDefined();
        for (const permission of ['read', 'write', 'manage', 'delete', 'get', 'update', 'join'] as const) {
          expect(flags![permission], `${where}.${type}.${name}.${permission}`).toBe(permissions.includes(permission));
        }
      }
    }
  }
}

async function failure(promise: Promise<unknown>): Promise<{ statusCode?: number; errorData?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return (error as { status: { statusCode?: number; errorData?: unknown } }).status;
  }
  throw new Error('the call succeeded');
}

describe.each(Object.entries(MODES))('grant scenarios, %s mode', (_mode, subscribeKey) => {
  const grantScenarios = scenarios.filter((scenario) => scenario.feature === 'Grant an access token');

  it('covers every grant scenario of the feature file', () => {
    expect(grantScenarios.map((scenario) => scenario.contract)).toEqual([
      'grantAllPermissions', 'grantWithoutAuthorizedUUID', 'grantWithAuthorizedUUID', 'grantWithoutAnyPermissionsError',
      'grantWithRegExpSyntaxError', 'grantWithRegExpNonCapturingError',
    ]);
  });

  it.each(grantScenarios.map((scenario) => [scenario.contract, scenario] as const))('%s', async (_name, scenario) => {
    const pubnub = sdk(subscribeKey);
    const expected = scenario.expect as { status: number; token?: { ttl: number; authorized_uuid: string | null }; error?: unknown };
    if (expected.status === 200) {
      const token = await pubnub.grantToken(sdkParameters(scenario) as never);
      const parsed = pubnub.parseToken(token)!;
      expect(parsed.ttl).toBe(expected.token!.ttl);
      expect(parsed.authorized_uuid ?? null).toBe(expected.token!.authorized_uuid);
      expectGrantedPermissions(parsed, scenario);
      return;
    }
    const status = await failure(pubnub.grantToken(sdkParameters(scenario) as never));
    expect(status.statusCode).toBe(expected.status);
    // The SDK hands over PubNub's whole error body: every field the scenario checks, and nothing else in it.
    expect(status.errorData).toEqual({ error: expected.error, service: 'Access Manager', status: expected.status });
  });
});

describe('revoke scenarios', () => {
  // The SDK steps' known token: issued by PubNub, so not signed by this keyset.
  const knownToken = scenarios.find((scenario) => scenario.parseToken !== undefined)!.parseToken as string;

  it('revokeValidToken: confirms the revocation', async () => {
    const pubnub = sdk(MODES.pubnub);
    const token = await pubnub.grantToken({ ttl: 60, resources: { channels: { 'channel-1': { read: true } } } });
    expect(await pubnub.revokeToken(token)).toEqual({});
  });

  it('revokeInvalidToken: 400 Invalid token from revoke, at the token in the path, with a detail', async () => {
    const { error, ...rest } = byContract('revokeInvalidToken').expect as { status: number; error: { message: string; source: string; details: Array<{ location: string; locationType: string }> } };
    const status = await failure(sdk(MODES.pubnub).revokeToken(knownToken));
    expect(status.statusCode).toBe(rest.status);
    const body = status.errorData as { error: { message: string; source: string; details: Array<{ message: string; location: string; locationType: string }> }; service: string };
    expect(body.service).toBe('Access Manager');
    expect(body.error).toMatchObject({ message: error.message, source: error.source });
    expect(body.error.details).toEqual([{ location: 'token', locationType: 'path', message: expect.stringMatching(/.+/) }]);
  });

  it('revokeFeatureDisabled: 403 Feature disabled, exactly the scenario’s fields', async () => {
    const expected = byContract('revokeFeatureDisabled').expect as { status: number; error: unknown };
    const pubnub = sdk(MODES.pubnub, disabled);
    const token = await pubnub.grantToken({ ttl: 60, resources: { channels: { 'channel-1': { read: true } } } });
    const status = await failure(pubnub.revokeToken(token));
    expect(status.statusCode).toBe(expected.status);
    expect(status.errorData).toEqual({ error: expected.error, service: 'Access Manager', status: expected.status });
  });

  it('revokeEncodePathParameter: the SDK’s encoded path verifies (a real server then finds no token in it)', async () => {
    const scenario = byContract('revokeEncodePathParameter') as Scenario & { revokeToken: string; realServer: string };
    expect(scenario.realServer).toMatch(/not satisfiable by a real server/);
    const status = await failure(sdk(MODES.pubnub).revokeToken(scenario.revokeToken));
    // 400 about the token, not 403 about the signature: the signature over the encoded path matched.
    expect(status.statusCode).toBe(400);
    expect(status.errorData).toMatchObject({ error: { message: 'Invalid token', source: 'revoke', details: [{ message: 'Token is malformed.', location: 'token', locationType: 'path' }] } });
  });
});

describe('parse scenarios', () => {
  const parseScenarios = scenarios.filter((scenario) => scenario.parseToken !== undefined);
  const pubnub = new PubNub({ subscribeKey: MODES.pubnub, userId: 'parser', logVerbosity: false } as ConstructorParameters<typeof PubNub>[0]);
  const accessManager = new AccessManager({ subscribeKey: MODES.pubnub, secretKey: SECRET });

  it.each(parseScenarios.map((scenario) => [scenario.scenario, scenario] as const))('%s', (_name, scenario) => {
    const token = scenario.parseToken as string;
    const theirs = pubnub.parseToken(token);
    expect(accessManager.parseToken(token)).toStrictEqual(theirs);
    expect({ ...parseToken(token), signature: Buffer.from(parseToken(token).signature) }).toStrictEqual(theirs);
    for (const [path, expected] of Object.entries(scenario.expect as Record<string, unknown>)) {
      if (path === 'authorized_uuid') {
        expect(theirs?.authorized_uuid).toBe(expected);
        continue;
      }
      const [where, type, ...name] = path.split('.');
      const flags = (theirs as unknown as Record<string, Record<string, Record<string, Record<string, boolean>>>>)[where!]![type!]![name.join('.')]!;
      for (const permission of expected as string[]) expect(flags[permission]).toBe(true);
    }
  });
});

describe('authorization failure scenarios', () => {
  it('are publish calls: the data plane is not grantkit’s (documented in the migration guide)', () => {
    const dataPlane = scenarios.filter((scenario) => scenario.dataPlane === true);
    expect(dataPlane.map((scenario) => scenario.contract)).toEqual(['authSuccess', 'authFailureExpired', 'authFailurePermissions', 'authFailureRevoked']);
    for (const scenario of dataPlane) expect(scenario.realServer).toMatch(/grantkit does not serve/);
  });
});
