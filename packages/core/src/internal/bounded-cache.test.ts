import { describe, expect, it } from 'vitest';
import { BoundedCache } from './bounded-cache.js';

describe('BoundedCache', () => {
  it('forgets only its oldest entry when full, so a working set just past its size keeps the rest', () => {
    const cache = new BoundedCache<number>(3, 1_000);
    for (const key of ['a', 'b', 'c', 'd']) cache.set(key, key.charCodeAt(0), 1);
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.get('d'), cache.size]).toEqual([undefined, 98, 99, 100, 3]);
    // Churn through many more keys than it holds: it stays full and bounded, holding the newest.
    for (let index = 0; index < 10_000; index++) cache.set(`k${index}`, index, 1);
    expect([cache.size, cache.get('k9999'), cache.get('k9997'), cache.get('k9996')]).toEqual([3, 9_999, 9_997, undefined]);
  });

  it('stays within its byte bound, forgetting the oldest entries first', () => {
    const cache = new BoundedCache<string>(100, 10);
    cache.set('a', 'A', 4);
    cache.set('b', 'B', 4);
    cache.set('c', 'C', 4); // 12 bytes: 'a' goes
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.size]).toEqual([undefined, 'B', 'C', 2]);
    // Replacing an entry makes it the newest: over the bound, the oldest other entry goes, not the one just set.
    cache.set('b', 'B2', 7);
    expect([cache.get('b'), cache.get('c'), cache.size]).toEqual(['B2', undefined, 1]);
    cache.set('d', 'D', 3);
    expect([cache.get('b'), cache.get('d'), cache.size]).toEqual(['B2', 'D', 2]);
  });
});
