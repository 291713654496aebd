/**
 * Readiness: whether every store the service depends on answers within its timeout. `/ready` and the store-up gauge
 * both ask it; concurrent asks share one round of checks, so a scrape storm cannot multiply store traffic.
 *
 * @module
 */
import type { MaybePromise } from '@grantkit/core';

/**
 * One dependency `/ready` checks: a store, or anything else the service cannot answer without.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const check: ReadinessCheck = { name: 'redis', check: () => store.ping(), timeoutMs: 500 };
 * ```
 */
export interface ReadinessCheck {
  /** Named in `/ready`'s answer and as the `store` label of `grantkit_store_up`. */
  name: string;
  /** Resolves (or returns) when the dependency answers; throws or rejects when it does not. */
  check: () => MaybePromise<unknown>;
  /** How long to wait, ms. Default: the server's `readyTimeoutMs`. */
  timeoutMs?: number;
}

/**
 * The outcome of one {@link ReadinessCheck}.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const result: ReadinessResult = { name: 'redis', ready: false, durationMs: 1000, error: 'did not answer within 1000 ms' };
 * ```
 */
export interface ReadinessResult {
  name: string;
  ready: boolean;
  durationMs: number;
  /** Why it is not ready (never a credential: store errors carry addresses and causes only). */
  error?: string;
}

/** Runs the checks, each bounded by its timeout; concurrent callers share one run. @internal */
export function createReadiness(checks: readonly ReadinessCheck[], defaultTimeoutMs: number): () => Promise<ReadinessResult[]> {
  let running: Promise<ReadinessResult[]> | undefined;
  return () => {
    running ??= Promise.all(checks.map((check) => runCheck(check, check.timeoutMs ?? defaultTimeoutMs)))
      .finally(() => { running = undefined; });
    return running;
  };
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<ReadinessResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([Promise.resolve().then(() => check.check()).then(() => 'ok' as const), expired]);
    const durationMs = round(performance.now() - started);
    return outcome === 'ok'
      ? { name: check.name, ready: true, durationMs }
      : { name: check.name, ready: false, durationMs, error: `did not answer within ${timeoutMs} ms` };
  } catch (error) {
    return { name: check.name, ready: false, durationMs: round(performance.now() - started), error: reasonOf(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** The innermost cause's message: `connect ECONNREFUSED 127.0.0.1:6390` says more than "store is unavailable". */
function reasonOf(error: unknown): string {
  const messages: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    messages.push(current.message);
    current = current.cause;
  }
  return messages.length === 0 ? String(error) : messages.join(': ');
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
