/**
 * Prometheus metrics for the service, on `prom-client` (the maintained Node client): the process and runtime
 * metrics every Node service exports (`process_*`, `nodejs_*`), a store-up gauge, and grantkit's request counters
 * and per-route duration histograms, fed by the shared handler's `onEvent` hook. Labels are bounded: route, status,
 * an outcome that is a deny reason or an error code, a store name; never a subscribe key, uuid or resource name,
 * which clients choose.
 *
 * @module
 */
import { createRequire } from 'node:module';
import type { Gauge, Metric, Registry } from 'prom-client';

type OutcomeRoute = 'grant' | 'revoke' | 'authorize';

/** Histogram upper bounds, seconds: sub-millisecond for token work, up to seconds for a stalled store. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * One answered request, as {@link Metrics.observe} counts it: the shared handler's `HandlerEvent`, or one of the
 * Node service's own routes (`ready`, `metrics`, `openapi`).
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const event: RequestObservation = { route: 'authorize', status: 403, outcome: 'revoked', durationMs: 0.2 };
 * ```
 */
export interface RequestObservation {
  route: string;
  status: number;
  /** `success`, a deny reason, or an error code. */
  outcome: string;
  durationMs: number;
}

/**
 * The state of one store, as the store-up gauge reports it.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const state: StoreState = { name: 'redis', ready: false };
 * ```
 */
export interface StoreState {
  name: string;
  ready: boolean;
}

/**
 * Options of {@link Metrics}.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const options: MetricsOptions = { version: '1.0.0', defaultMetrics: false };
 * ```
 */
export interface MetricsOptions {
  /** Reported in `grantkit_build_info`. */
  version?: string;
  /** Collect prom-client's process and runtime metrics (CPU, memory, event loop lag, GC, handles). Default true. */
  defaultMetrics?: boolean;
}

/**
 * The metrics registry of one service. `observe` each answered request, `render` for `GET /metrics`; add your own
 * metrics to {@link Metrics.registry}.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * import { createGrantHandler } from '@grantkit/core';
 * import { Metrics } from '@grantkit/node';
 * const metrics = new Metrics();
 * const handler = createGrantHandler({ keysets, onEvent: (event) => metrics.observe(event) });
 * // later: response.end(await metrics.render());
 * ```
 */
export class Metrics {
  /** The `Content-Type` of {@link Metrics.render}'s output (Prometheus text format 0.0.4). */
  static readonly contentType = 'text/plain; version=0.0.4; charset=utf-8';

  /** The prom-client registry everything is registered in. */
  readonly registry: Registry;
  /** Counts not yet added to the counters: route → status → count, and per route outcome → count. */
  readonly #pendingRequests = new Map<string, Map<number, number>>();
  readonly #pendingOutcomes: Record<OutcomeRoute, Map<string, number>> = { grant: new Map(), revoke: new Map(), authorize: new Map() };
  readonly #durations = new RouteDurations();
  readonly #storeUp: Gauge<'store'>;
  #probe: (() => Promise<readonly StoreState[]>) | undefined;

  /**
   * @param options - Version label, and whether to collect process and runtime metrics.
   */
  constructor(options: MetricsOptions = {}) {
    // Loaded on first use: only the service needs it, not every `@grantkit/node` user.
    const client = createRequire(import.meta.url)('prom-client') as typeof import('prom-client');
    this.registry = new client.Registry();
    const registers = [this.registry];
    if (options.defaultMetrics ?? true) client.collectDefaultMetrics({ register: this.registry });
    // Requests are counted in plain maps and added to the prom-client counters when they are read (a scrape, or
    // anything that calls `get()`): a label lookup per request costs more than the count itself.
    const requests = this.#pendingRequests;
    new client.Counter({
      name: 'grantkit_http_requests_total', help: 'HTTP requests answered, by route and status.', labelNames: ['route', 'status'], registers,
      collect() {
        for (const [route, statuses] of requests) {
          for (const [status, count] of statuses) this.inc({ route, status: String(status) }, count);
        }
        requests.clear();
      },
    });
    const outcomes = (route: OutcomeRoute, name: string, help: string) => {
      const pending = this.#pendingOutcomes[route];
      return new client.Counter({
        name, help, labelNames: ['outcome'], registers,
        collect() {
          for (const [outcome, count] of pending) this.inc({ outcome }, count);
          pending.clear();
        },
      });
    };
    outcomes('grant', 'grantkit_grants_total', 'Grant requests, by outcome (success or error code).');
    outcomes('revoke', 'grantkit_revokes_total', 'Revoke requests, by outcome (success or error code).');
    outcomes('authorize', 'grantkit_authorizations_total', 'Authorization checks, by outcome (granted, a deny reason, or an error code).');
    this.registry.registerMetric(this.#durations as unknown as Metric);
    const probe = () => this.#probe?.();
    this.#storeUp = new client.Gauge({
      name: 'grantkit_store_up',
      help: 'Whether each configured store answered its readiness check within its timeout (1) or not (0), checked at scrape time.',
      labelNames: ['store'],
      registers,
      async collect() {
        // `this` is the gauge here (prom-client's collect contract).
        for (const state of (await probe()) ?? []) this.set({ store: state.name }, state.ready ? 1 : 0);
      },
    });
    new client.Gauge({ name: 'grantkit_build_info', help: 'Build information.', labelNames: ['version'], registers })
      .set({ version: options.version ?? 'unknown' }, 1);
  }

  /** Records one answered request. Never throws. */
  observe(event: RequestObservation): void {
    try {
      const route = event.route;
      let statuses = this.#pendingRequests.get(route);
      if (statuses === undefined) this.#pendingRequests.set(route, (statuses = new Map()));
      statuses.set(event.status, (statuses.get(event.status) ?? 0) + 1);
      if (route === 'grant' || route === 'revoke' || route === 'authorize') {
        const outcomes = this.#pendingOutcomes[route];
        outcomes.set(event.outcome, (outcomes.get(event.outcome) ?? 0) + 1);
      }
      this.#durations.observe(route, Math.max(0, event.durationMs) / 1000);
    } catch {
      // Metrics must never break a request.
    }
  }

  /**
   * Sets how the store-up gauge learns the stores' state: called at every scrape.
   *
   * @param probe - Checks every store (with its timeout) and reports each.
   */
  trackStores(probe: () => Promise<readonly StoreState[]>): void {
    this.#probe = probe;
  }

  /** Records a store's state now (between scrapes). */
  setStoreUp(state: StoreState): void {
    this.#storeUp.set({ store: state.name }, state.ready ? 1 : 0);
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** One series of a metric as prom-client's registry reads it. */
interface SeriesValue {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
}

/** One route's durations: per-bucket (not cumulative) counts, their sum and count. */
interface RouteDuration {
  readonly buckets: Float64Array;
  sum: number;
  count: number;
}

/**
 * `grantkit_request_duration_seconds`, the histogram of request durations by route, counted in plain arrays and
 * exposed in the registry as prom-client's own histogram would be (the same series and text). A prom-client
 * `observe` validates and hashes its labels on every call, about half a microsecond per request.
 */
class RouteDurations {
  readonly name = 'grantkit_request_duration_seconds';
  readonly help = 'Time to answer a request, by route.';
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  readonly #routes = new Map<string, RouteDuration>();

  observe(route: string, seconds: number): void {
    let entry = this.#routes.get(route);
    if (entry === undefined) this.#routes.set(route, (entry = { buckets: new Float64Array(BUCKETS.length), sum: 0, count: 0 }));
    let bucket = 0;
    while (bucket < BUCKETS.length && seconds > BUCKETS[bucket]!) bucket++;
    // Past the last bound only the implicit +Inf bucket (the count) holds it.
    if (bucket < BUCKETS.length) entry.buckets[bucket]!++;
    entry.sum += seconds;
    entry.count++;
  }

  /** What the registry reads, in prom-client's shape (`get()` of a metric). */
  get(): { name: string; help: string; type: 'histogram'; values: SeriesValue[]; aggregator: 'sum' } {
    const values: SeriesValue[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const [route, entry] of this.#routes) {
      let cumulative = 0;
      BUCKETS.forEach((le, bucket) => {
        cumulative += entry.buckets[bucket]!;
        values.push({ labels: { le, route }, value: cumulative, metricName: bucketName });
      });
      values.push({ labels: { le: '+Inf', route }, value: entry.count, metricName: bucketName });
      values.push({ labels: { route }, value: entry.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { route }, value: entry.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.#routes.clear();
  }
}
