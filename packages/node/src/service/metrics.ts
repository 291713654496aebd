/**
 * Prometheus metrics for the service, fed by the shared handler's `onEvent` hook. Written by hand (a few counters and
 * one histogram) rather than pulling in a client library. Labels are bounded: route, status, and an outcome that is a
 * deny reason or an error code; never a subscribe key, uuid or resource name, which clients choose.
 *
 * @module
 */
import type { HandlerEvent } from '@grantkit/core';

/** Histogram upper bounds, seconds: sub-millisecond for token work, up to seconds for a stalled store. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

/**
 * A metrics registry for one service process. `observe` each handler event, `render` for `GET /metrics`.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * import { createGrantHandler } from '@grantkit/core';
 * import { Metrics } from '@grantkit/node';
 * const metrics = new Metrics();
 * const handler = createGrantHandler({ keysets, onEvent: (event) => metrics.observe(event) });
 * // later: response.end(metrics.render());
 * ```
 */
export class Metrics {
  /** The `Content-Type` of {@link Metrics.render}'s output (Prometheus text format 0.0.4). */
  static readonly contentType = 'text/plain; version=0.0.4; charset=utf-8';

  readonly #requests = new Map<string, number>();
  readonly #grants = new Map<string, number>();
  readonly #revokes = new Map<string, number>();
  readonly #authorizations = new Map<string, number>();
  readonly #durations = new Map<string, Histogram>();
  readonly #startTime: number;
  readonly #version: string;

  /**
   * @param options - `version` reported in `grantkit_build_info`.
   */
  constructor(options: { version?: string } = {}) {
    this.#startTime = Date.now() / 1000;
    this.#version = options.version ?? 'unknown';
  }

  /** Records one handler event. Never throws. */
  observe(event: HandlerEvent): void {
    increment(this.#requests, labels({ route: event.route, status: String(event.status) }));
    const outcome = labels({ outcome: event.outcome });
    if (event.route === 'grant') increment(this.#grants, outcome);
    else if (event.route === 'revoke') increment(this.#revokes, outcome);
    else if (event.route === 'authorize') increment(this.#authorizations, outcome);
    const key = labels({ route: event.route });
    let histogram = this.#durations.get(key);
    if (histogram === undefined) {
      histogram = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.#durations.set(key, histogram);
    }
    const seconds = Math.max(0, event.durationMs) / 1000;
    for (let index = 0; index < BUCKETS.length; index++) if (seconds <= BUCKETS[index]!) histogram.counts[index]!++;
    histogram.sum += seconds;
    histogram.count++;
  }

  /** The Prometheus text exposition of every metric. */
  render(): string {
    const lines: string[] = [];
    counter(lines, 'grantkit_http_requests_total', 'HTTP requests answered, by route and status.', this.#requests);
    counter(lines, 'grantkit_grants_total', 'Grant requests, by outcome (success or error code).', this.#grants);
    counter(lines, 'grantkit_revokes_total', 'Revoke requests, by outcome (success or error code).', this.#revokes);
    counter(lines, 'grantkit_authorizations_total', 'Authorization checks, by outcome (granted, a deny reason, or an error code).', this.#authorizations);
    lines.push('# HELP grantkit_request_duration_seconds Time to answer a request, by route.');
    lines.push('# TYPE grantkit_request_duration_seconds histogram');
    for (const [key, histogram] of this.#durations) {
      BUCKETS.forEach((bound, index) => {
        lines.push(`grantkit_request_duration_seconds_bucket{${key},le="${bound}"} ${histogram.counts[index]}`);
      });
      lines.push(`grantkit_request_duration_seconds_bucket{${key},le="+Inf"} ${histogram.count}`);
      lines.push(`grantkit_request_duration_seconds_sum{${key}} ${histogram.sum}`);
      lines.push(`grantkit_request_duration_seconds_count{${key}} ${histogram.count}`);
    }
    lines.push('# HELP grantkit_build_info Build information.');
    lines.push('# TYPE grantkit_build_info gauge');
    lines.push(`grantkit_build_info{${labels({ version: this.#version })}} 1`);
    lines.push('# HELP grantkit_process_start_time_seconds Start time of the process, Unix seconds.');
    lines.push('# TYPE grantkit_process_start_time_seconds gauge');
    lines.push(`grantkit_process_start_time_seconds ${this.#startTime}`);
    return `${lines.join('\n')}\n`;
  }
}

function counter(lines: string[], name: string, help: string, values: Map<string, number>): void {
  lines.push(`# HELP ${name} ${help}`);
  lines.push(`# TYPE ${name} counter`);
  for (const [key, value] of values) lines.push(`${name}{${key}} ${value}`);
}

function increment(values: Map<string, number>, key: string): void {
  values.set(key, (values.get(key) ?? 0) + 1);
}

function labels(values: Record<string, string>): string {
  return Object.entries(values).map(([name, value]) => `${name}="${escapeLabel(value)}"`).join(',');
}

/** Label values escape backslash, double quote and newline (text format 0.0.4). */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
