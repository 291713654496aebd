/**
 * The default store's promise: a revoke that answered 200 survives `kill -9` of the service and a restart on the same
 * data directory. Also: the demo keyset persists there, so tokens issued before the crash still verify after it.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessManager } from '../src/sdk/access-manager.js';
import { loadDemoKeyset } from '../src/service/config.js';
import { startService, type RunningService } from './helpers/spawn-service.js';

let dataDir: string;
const services: RunningService[] = [];

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'grantkit-durability-'));
});

afterAll(async () => {
  for (const service of services) await service.kill9();
  rmSync(dataDir, { recursive: true, force: true });
});

async function decide(url: string, token: string): Promise<{ status: number; reason: unknown }> {
  const response = await fetch(`${url}/grantkit/v1/sub-c-demo/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, channel: 'room-1', permission: 'read' }),
  });
  return { status: response.status, reason: ((await response.json()) as { reason?: unknown }).reason };
}

describe('SQLite revocations across kill -9', () => {
  it('keeps a revocation that answered 200 after SIGKILL and restart, and keeps unrevoked tokens valid', async () => {
    const first = await startService(['--data-dir', dataDir]);
    services.push(first);
    // The service generated the demo keyset in the data directory; a remote client uses the same keys.
    const keyset = loadDemoKeyset(dataDir);
    expect(statSync(join(dataDir, 'demo-keyset.json')).mode & 0o777).toBe(0o600);
    const client = new AccessManager({ ...keyset, origin: first.url });
    const revoked = await client.grantToken({ ttl: 30, resources: { channels: { 'room-1': { read: true } } } });
    // A different grant: identical grants minted in the same second are the same token (and share one revocation).
    const kept = await client.grantToken({ ttl: 31, resources: { channels: { 'room-1': { read: true } } } });

    await client.revokeToken(revoked);
    // No grace period: the moment the 200 arrived, the process dies without any chance to flush.
    await first.kill9();
    expect(first.child.signalCode).toBe('SIGKILL');

    const second = await startService(['--data-dir', dataDir]);
    services.push(second);
    expect(await decide(second.url, revoked)).toEqual({ status: 403, reason: 'revoked' });
    expect(await decide(second.url, kept)).toEqual({ status: 200, reason: 'granted' });
    expect(await second.stop()).toBe(0);
  });

  it('shares one data directory between two processes (WAL): a revoke on one is seen by the other at once', async () => {
    const [a, b] = await Promise.all([startService(['--data-dir', dataDir]), startService(['--data-dir', dataDir])]);
    services.push(a, b);
    const keyset = loadDemoKeyset(dataDir);
    const token = await new AccessManager({ ...keyset, origin: a.url }).grantToken({ ttl: 5, resources: { channels: { 'room-1': { read: true } } } });
    expect((await decide(b.url, token)).status).toBe(200);
    await new AccessManager({ ...keyset, origin: a.url }).revokeToken(token);
    expect(await decide(b.url, token)).toEqual({ status: 403, reason: 'revoked' });
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);
  });
});
