/**
 * `grantkit explain` from the built bin: a grantkit token (signature verified) and a PubNub-issued one (signature not
 * verifiable, contents still evaluated), by operation name and by REST URL, with hints and exit codes; its `--json`
 * answer is exactly what `explainToken` in `@grantkit/core` returns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Channel, explainToken, Group, mintToken } from '@grantkit/core';
import { importKey } from '../src/crypto.js';
import { assertBuilt } from './helpers/spawn-service.js';
import { runGrantkit, type Run } from './helpers/run-grantkit.js';

const SECRET = 'sec-c-explain';
const KEYSET = { GRANTKIT_SECRET_KEY: SECRET, GRANTKIT_SUBSCRIBE_KEY: 'sub-c-explain', GRANTKIT_PUBLISH_KEY: 'pub-c-explain' };
// pubnub/javascript test/integration/components/token_manager.test.ts (issued by PubNub): channel1 read, pattern .* read.
const PUBNUB_TOKEN = 'p0F2AkF0GmEK-4NDdHRsGDxDcmVzpURjaGFuoWhjaGFubmVsMQFDZ3JwoWZncm91cDEBQ3VzcqBDc3BjoER1dWlkoWV1c2VyMQFDcGF0pURjaGFuoWIuKgFDZ3JwoWIuKgFDdXNyoENzcGOgRHV1aWShYi4qAURtZXRhoENzaWdYII5bQpWLi6Z-l5jbShWxZ7QL6o8Dz6_vxluhxrMGzQCN';

let directory: string;
let token: string;

function grantkit(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return runGrantkit(args, { cwd: directory, env });
}

beforeAll(() => {
  assertBuilt();
  directory = mkdtempSync(join(tmpdir(), 'grantkit-explain-'));
  token = mintToken({
    ttl: 60, authorizedUuid: 'alice',
    channels: [Channel.id('room-1').read().write(), Channel.id('room-.*').read()],
    groups: [Group.id('cg').read()],
  }, importKey(SECRET));
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('grantkit explain', () => {
  it('allows a granted publish, verified with the keyset: exit 0', async () => {
    const run = await grantkit(['explain', token, '--uuid', 'alice', 'publish', '--channel', 'room-1'], KEYSET);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Decision\s+ALLOWED/);
    expect(run.stdout).toMatch(/Signature\s+verified with this keyset/);
    expect(run.stdout).toMatch(/ok\s+channel\s+room-1\s+write\s+granted by exact 'room-1'/);
  });

  it('denies a subscribe URL and says what would fix it: exit 1', async () => {
    const url = 'https://ps.pndsn.com/v2/subscribe/sub-c-explain/room-1,room-1-pnpres,room-2/0?uuid=alice&channel-group=cg';
    const run = await grantkit(['explain', token, url], KEYSET);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Decision\s+DENIED/);
    expect(run.stdout).toContain("'room-1' is granted but its presence channel 'room-1-pnpres' is not");
    expect(run.stdout).toContain("'room-.*' is granted as an exact name");
    expect(run.stderr).toContain('grantkit explain: denied: no-grant');
  });

  it('names a uuid mismatch', async () => {
    const run = await grantkit(['explain', token, '--uuid', 'mallory', 'publish', '--channel', 'room-1'], KEYSET);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("bound to uuid 'alice'");
  });

  it('explains a PubNub-issued token: signature not verifiable here, ttl and grants still evaluated', async () => {
    const run = await grantkit(['explain', PUBNUB_TOKEN, '--uuid', 'any', 'subscribe', '--channel', 'channel1'], KEYSET);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Signature\s+does NOT match this keyset/);
    expect(run.stdout).toMatch(/Decision\s+DENIED: Token is expired/); // issued 2021 with a 60 minute ttl
    const unchecked = await grantkit(['explain', PUBNUB_TOKEN, '--uuid', 'any', 'subscribe', '--channel', 'channel1']);
    expect(unchecked.stdout).toMatch(/Signature\s+not checked/);
  });

  it('--json is the library\'s explainToken answer', async () => {
    const run = await grantkit(['explain', token, '--uuid', 'alice', '--json', 'set-memberships', '--target-uuid', 'alice', '--channel', 'room-1'], KEYSET);
    const cli = JSON.parse(run.stdout) as Record<string, unknown>;
    const library = await explainToken(token, { operation: 'set-memberships', uuids: ['alice'], channels: ['room-1'] }, { uuid: 'alice', keys: [importKey(SECRET)] });
    expect(cli).toEqual(JSON.parse(JSON.stringify(library)));
    expect(run.code).toBe(1);
  });

  it('lists the whole map and refuses what is neither an operation nor a URL (exit 2)', async () => {
    const list = await grantkit(['explain', '--list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/set-memberships\s+update on each uuid \+ join on each channel/);
    const bad = await grantkit(['explain', token, 'publsh']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'publsh' is neither an operation nor a URL");
  });
});
