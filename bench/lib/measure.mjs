/**
 * Timing and allocation helpers shared by the bench scripts. Cases run interleaved (one batch of each per round), so
 * load from other processes on a shared machine hits every case alike; each case reports its median batch rate.
 * Batches are timed in this process's CPU time (user + system, all threads), not wall time: on a machine shared with
 * other builds, wall time also counts the time spent waiting for a core, which swings by multiples.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/** Runs `size` calls of `run` (awaiting each when `isAsync`) and returns calls per millisecond. */
export async function batch(run, isAsync, size) {
  const started = process.cpuUsage();
  if (isAsync) for (let index = 0; index < size; index++) await run();
  else for (let index = 0; index < size; index++) run();
  const used = process.cpuUsage(started);
  return size / Math.max(0.001, (used.user + used.system) / 1000);
}

/**
 * Measures cases interleaved for about `budgetMs` each; returns name → { nsPerOp, opsPerSecond, spread }.
 * `spread` is (p75 - p25) / median of the batch rates: how noisy the figure was.
 */
export async function measureInterleaved(cases, { budgetMs, batchMs = 20, maxRounds = 10_000 }) {
  // Calibrate a batch size per case so one batch takes about batchMs (after a JIT warm-up).
  const sizes = new Map();
  for (const { name, run, isAsync } of cases) {
    await batch(run, isAsync, 200);
    const perMs = await batch(run, isAsync, 500);
    sizes.set(name, Math.max(10, Math.round(perMs * batchMs)));
  }
  const rates = new Map(cases.map(({ name }) => [name, []]));
  const deadline = performance.now() + budgetMs * cases.length;
  let rounds = 0;
  while ((performance.now() < deadline || rounds < 3) && rounds < maxRounds) {
    for (const { name, run, isAsync } of cases) rates.get(name).push(await batch(run, isAsync, sizes.get(name)));
    rounds++;
  }
  const results = new Map();
  for (const [name, list] of rates) {
    list.sort((left, right) => left - right);
    const at = (fraction) => list[Math.min(list.length - 1, Math.floor(list.length * fraction))];
    const median = at(0.5);
    results.set(name, { nsPerOp: 1e6 / median, opsPerSecond: median * 1000, spread: (at(0.75) - at(0.25)) / median, rounds });
  }
  return results;
}

/**
 * Bytes allocated per call, from the heap growth over `count` calls with no garbage collection in between (the
 * script runs with a large young generation; a window in which a GC ran is retried with fewer calls).
 */
export async function bytesPerOp(run, isAsync, count = 2_000) {
  if (typeof globalThis.gc !== 'function') return undefined;
  for (let attempt = 0; attempt < 4; attempt++, count = Math.max(50, count >> 2)) {
    await batch(run, isAsync, 100);
    globalThis.gc();
    let collections = 0;
    const observer = new PerformanceObserver((list) => { collections += list.getEntries().length; });
    observer.observe({ entryTypes: ['gc'] });
    const before = v8.getHeapStatistics().used_heap_size;
    await batch(run, isAsync, count);
    const after = v8.getHeapStatistics().used_heap_size;
    await new Promise((resolve) => setImmediate(resolve));
    observer.disconnect();
    if (collections === 0 && after >= before) return (after - before) / count;
  }
  return undefined;
}

/** Ratio of two measured cases (time per op), or undefined when either is missing. */
export function ratio(results, slow, fast) {
  const a = results.get(slow);
  const b = results.get(fast);
  return a && b ? a.nsPerOp / b.nsPerOp : undefined;
}
