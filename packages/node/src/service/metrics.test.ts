import { describe, expect, it } from 'vitest';
import { Metrics } from './metrics.js';

describe('Metrics', () => {
  it('renders Prometheus text: HELP/TYPE per family, counters by outcome, a cumulative histogram per route', () => {
    const metrics = new Metrics({ version: '1.2.3' });
    metrics.observe({ route: 'grant', status: 200, outcome: 'success', durationMs: 0.3 });
    metrics.observe({ route: 'grant', status: 400, outcome: 'ERR_GRANT_INVALID', durationMs: 2 });
    metrics.observe({ route: 'revoke', status: 200, outcome: 'success', durationMs: 4 });
    metrics.observe({ route: 'authorize', status: 200, outcome: 'granted', durationMs: 0.2 });
    metrics.observe({ route: 'authorize', status: 403, outcome: 'revoked', durationMs: 0.2 });
    metrics.observe({ route: 'authorize', status: 503, outcome: 'ERR_STORE_UNAVAILABLE', durationMs: 1_200 });
    const text = metrics.render();
    expect(text.endsWith('\n')).toBe(true);
    expect(text).toContain('# TYPE grantkit_grants_total counter');
    expect(text).toContain('grantkit_grants_total{outcome="success"} 1');
    expect(text).toContain('grantkit_grants_total{outcome="ERR_GRANT_INVALID"} 1');
    expect(text).toContain('grantkit_revokes_total{outcome="success"} 1');
    expect(text).toContain('grantkit_authorizations_total{outcome="granted"} 1');
    expect(text).toContain('grantkit_authorizations_total{outcome="revoked"} 1');
    expect(text).toContain('grantkit_authorizations_total{outcome="ERR_STORE_UNAVAILABLE"} 1');
    expect(text).toContain('grantkit_http_requests_total{route="authorize",status="503"} 1');
    expect(text).toContain('# TYPE grantkit_request_duration_seconds histogram');
    expect(text).toContain('grantkit_request_duration_seconds_bucket{route="authorize",le="0.0005"} 2');
    expect(text).toContain('grantkit_request_duration_seconds_bucket{route="authorize",le="1"} 2');
    expect(text).toContain('grantkit_request_duration_seconds_bucket{route="authorize",le="2.5"} 3');
    expect(text).toContain('grantkit_request_duration_seconds_bucket{route="authorize",le="+Inf"} 3');
    expect(text).toContain('grantkit_request_duration_seconds_count{route="authorize"} 3');
    expect(text).toContain('grantkit_build_info{version="1.2.3"} 1');

    // Every sample line is `name{labels} number` or `name number`; every family is declared before its samples.
    const declared = new Set<string>();
    for (const line of text.trim().split('\n')) {
      if (line.startsWith('# TYPE ')) declared.add(line.split(' ')[2]!);
      if (line.startsWith('#')) continue;
      expect(line).toMatch(/^[a-z_]+(\{([a-z_]+="([^"\\\n]|\\.)*",?)+\})? -?[0-9.e+-]+$/);
      const family = line.split(/[{ ]/)[0]!.replace(/_(bucket|sum|count)$/, '');
      expect(declared.has(family) || declared.has(line.split(/[{ ]/)[0]!)).toBe(true);
    }
  });

  it('escapes label values', () => {
    const metrics = new Metrics();
    metrics.observe({ route: 'authorize', status: 403, outcome: 'we"ird\\out\ncome', durationMs: 1 });
    expect(metrics.render()).toContain('grantkit_authorizations_total{outcome="we\\"ird\\\\out\\ncome"} 1');
  });
});
