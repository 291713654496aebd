import { describe, expect, it } from 'vitest';
import client from 'prom-client';
import { Metrics } from './metrics.js';

describe('Metrics', () => {
  it('renders Prometheus text: counters by outcome, a histogram per route, build info', async () => {
    const metrics = new Metrics({ version: '1.2.3', defaultMetrics: false });
    metrics.observe({ route: 'grant', status: 200, outcome: 'success', durationMs: 0.3 });
    metrics.observe({ route: 'grant', status: 400, outcome: 'ERR_GRANT_INVALID', durationMs: 2 });
    metrics.observe({ route: 'revoke', status: 200, outcome: 'success', durationMs: 4 });
    metrics.observe({ route: 'authorize', status: 200, outcome: 'granted', durationMs: 0.2 });
    metrics.observe({ route: 'authorize', status: 403, outcome: 'revoked', durationMs: 0.2 });
    metrics.observe({ route: 'authorize', status: 503, outcome: 'ERR_STORE_UNAVAILABLE', durationMs: 1_200 });
    metrics.observe({ route: 'ready', status: 200, outcome: 'success', durationMs: 1 });
    const text = await metrics.render();
    expect(text).toContain('# TYPE grantkit_grants_total counter');
    expect(text).toContain('grantkit_grants_total{outcome="success"} 1');
    expect(text).toContain('grantkit_grants_total{outcome="ERR_GRANT_INVALID"} 1');
    expect(text).toContain('grantkit_revokes_total{outcome="success"} 1');
    expect(text).toContain('grantkit_authorizations_total{outcome="granted"} 1');
    expect(text).toContain('grantkit_authorizations_total{outcome="revoked"} 1');
    expect(text).toContain('grantkit_authorizations_total{outcome="ERR_STORE_UNAVAILABLE"} 1');
    expect(text).toContain('grantkit_http_requests_total{route="authorize",status="503"} 1');
    expect(text).toContain('grantkit_http_requests_total{route="ready",status="200"} 1');
    expect(text).toContain('# TYPE grantkit_request_duration_seconds histogram');
    expect(text).toContain('grantkit_request_duration_seconds_bucket{le="0.0005",route="authorize"} 2');
    expect(text).toContain('grantkit_request_duration_seconds_bucket{le="1",route="authorize"} 2');
    expect(text).toContain('grantkit_request_duration_seconds_bucket{le="2.5",route="authorize"} 3');
    expect(text).toContain('grantkit_request_duration_seconds_bucket{le="+Inf",route="authorize"} 3');
    expect(text).toContain('grantkit_request_duration_seconds_count{route="authorize"} 3');
    expect(text).toContain('grantkit_request_duration_seconds_count{route="ready"} 1');
    expect(text).toContain('grantkit_build_info{version="1.2.3"} 1');
    expect(text).not.toContain('process_cpu');
  });

  it('reports each store as up or down at scrape time', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    let redisUp = true;
    metrics.trackStores(async () => [{ name: 'redis', ready: redisUp }, { name: 'sqlite', ready: true }]);
    expect(await metrics.render()).toContain('grantkit_store_up{store="redis"} 1');
    redisUp = false;
    const text = await metrics.render();
    expect(text).toContain('grantkit_store_up{store="redis"} 0');
    expect(text).toContain('grantkit_store_up{store="sqlite"} 1');
  });

  it('exports the process and runtime metrics operators expect', async () => {
    const text = await new Metrics().render();
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_version_info']) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it('escapes label values', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.observe({ route: 'authorize', status: 403, outcome: 'we"ird\\out\ncome', durationMs: 1 });
    expect(await metrics.render()).toContain('grantkit_authorizations_total{outcome="we\\"ird\\\\out\\ncome"} 1');
  });

  it('renders the duration histogram exactly as the prom-client Histogram does for the same observations', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const registry = new client.Registry();
    const reference = new client.Histogram({
      name: 'grantkit_request_duration_seconds', help: 'Time to answer a request, by route.', labelNames: ['route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry],
    });
    // Bounds themselves, values between them, zero, past the last bound, and a route seen once.
    const samples: Array<[string, number]> = [];
    for (const ms of [0, 0.5, 0.50001, 1, 7, 25, 99.9, 250, 999, 2_500, 5_000, 5_001, 60_000]) samples.push(['grant', ms], ['authorize', ms / 3]);
    samples.push(['ready', 1]);
    for (const [route, durationMs] of samples) {
      metrics.observe({ route, status: 200, outcome: 'success', durationMs });
      reference.observe({ route }, durationMs / 1000);
    }
    const ours = await metrics.registry.getSingleMetricAsString('grantkit_request_duration_seconds');
    expect(ours).toBe(await registry.getSingleMetricAsString('grantkit_request_duration_seconds'));
    expect(ours).toContain('grantkit_request_duration_seconds_bucket{le="+Inf",route="grant"} 13');
    const json = (await metrics.registry.getMetricsAsJSON()).find((metric) => metric.name === 'grantkit_request_duration_seconds');
    expect(json?.type).toBe('histogram');
    metrics.registry.resetMetrics();
    expect(await metrics.registry.getSingleMetricAsString('grantkit_request_duration_seconds')).not.toContain('route="grant"');
  });
});
