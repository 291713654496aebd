/**
 * `/ready` and the store-up gauge follow a real redis-server through an outage, both ways: a service started while
 * Redis is down is alive (`/health` 200) but not ready (503 naming redis); it turns ready when Redis starts, not ready
 * when Redis is stopped, and ready again when it is restarted on the same port. Driven through the built CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedis, type RunningRedis } from './helpers/redis-server.js';
import { startService, type RunningService } from './helpers/spawn-service.js';

const ENV = { GRANTKIT_SUBSCRIBE_KEY: 'sub-c-ready', GRANTKIT_PUBLISH_KEY: 'pub-c-ready', GRANTKIT_SECRET_KEY: 'sec-c-ready' };

let port: number;
let redis: RunningRedis | undefined;
let service: RunningService;

beforeAll(async () => {
  port = await freePort();
  service = await startService(['--redis-url', `redis://127.0.0.1:${port}`], { ...ENV, GRANTKIT_READY_TIMEOUT_MS: '500' });
});

afterAll(async () => {
  await service?.stop();
  await redis?.stop();
});

interface Readiness {
  status: number;
  body: { checks: Array<{ name: string; ready: boolean; error?: string }>; error?: { message: string; details: Array<{ message: string; location: string }> } };
  storeUp: string | undefined;
}

async function readiness(): Promise<Readiness> {
  const response = await fetch(`${service.url}/ready`);
  const metrics = await (await fetch(`${service.url}/metrics`)).text();
  return {
    status: response.status,
    body: await response.json() as Readiness['body'],
    storeUp: /^grantkit_store_up\{store="redis"\} ([01])$/m.exec(metrics)?.[1],
  };
}

/** Polls until `/ready` answers `status` (Redis reconnects on its own, up to once a second); bounded. */
async function until(status: number): Promise<Readiness> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const seen = await readiness();
    if (seen.status === status) return seen;
    if (Date.now() > deadline) throw new Error(`/ready stayed ${seen.status}: ${JSON.stringify(seen.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('/ready through a Redis outage', () => {
  it('is alive but not ready while Redis is down from the start, naming redis', async () => {
    expect((await fetch(`${service.url}/health`)).status).toBe(200);
    const down = await readiness();
    expect(down.status).toBe(503);
    expect(down.body.error?.message).toBe('Not ready');
    expect(down.body.error?.details).toEqual([{ message: expect.stringMatching(/^redis: redis is not connected \(\w+\): connect ECONNREFUSED 127\.0\.0\.1:\d+$/), location: 'redis', locationType: 'store' }]);
    expect(down.body.checks).toEqual([expect.objectContaining({ name: 'redis', ready: false })]);
    expect(down.storeUp).toBe('0');
  });

  it('turns ready when Redis starts', async () => {
    redis = await startRedis(port);
    const up = await until(200);
    expect(up.body.checks).toEqual([expect.objectContaining({ name: 'redis', ready: true })]);
    expect(up.storeUp).toBe('1');
  });

  it('turns not ready when Redis stops, while /health stays 200', async () => {
    await redis!.stop();
    redis = undefined;
    const down = await until(503);
    expect(down.body.error?.details[0]?.location).toBe('redis');
    expect(down.storeUp).toBe('0');
    expect((await fetch(`${service.url}/health`)).status).toBe(200);
  });

  it('turns ready again when Redis is restarted on the same port', async () => {
    redis = await startRedis(port);
    const up = await until(200);
    expect(up.storeUp).toBe('1');
  });
});
