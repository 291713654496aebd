import { describe, expect, it } from 'vitest';
import { FifoCache } from './fifo-cache.js';

describe('FifoCache', () => {
  it('keeps at most its capacity, forgetting the oldest first', () => {
    const cache = new FifoCache<string, number>(3);
    for (const [index, key] of ['a', 'b', 'c', 'd'].entries()) cache.set(key, index);
    expect(cache.has('a')).toBe(false);
    expect([cache.get('b'), cache.get('c'), cache.get('d')]).toEqual([1, 2, 3]);
    expect(cache.size).toBe(3);
  });

  it('replaces a value in place without taking another slot', () => {
    const cache = new FifoCache<string, number>(2);
    cache.set('a', 1);
    cache.set('a', 2);
    cache.set('b', 3);
    expect([cache.get('a'), cache.get('b')]).toEqual([2, 3]);
  });

  it('stays bounded and cheap under churn (no iteration over deleted entries)', () => {
    const cache = new FifoCache<number, number>(1_000);
    for (let index = 0; index < 200_000; index++) {
      cache.set(index, index);
      if (index % 3 === 0) cache.delete(index - 1);
    }
    expect(cache.size).toBeLessThanOrEqual(1_000);
    expect(cache.get(199_999)).toBe(199_999);
  });
});
