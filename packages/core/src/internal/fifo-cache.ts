/**
 * A bounded map that forgets its oldest entries first. Eviction order is kept in a ring of keys rather than by
 * iterating the Map: under constant churn, a Map's iterator walks over the tombstones of deleted entries, which made
 * `map.keys().next()` cost microseconds.
 *
 * @internal
 */
export class FifoCache<K, V> {
  private readonly entries = new Map<K, V>();
  private readonly order: Array<K | undefined>;
  private next = 0;

  constructor(private readonly capacity: number) {
    this.order = new Array<K | undefined>(capacity);
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** Adds or replaces `key`; when full, forgets the entry added longest ago. */
  set(key: K, value: V): void {
    if (!this.entries.has(key)) {
      const evicted = this.order[this.next];
      // The slot may name a key deleted since; deleting it again is harmless.
      if (evicted !== undefined) this.entries.delete(evicted);
      this.order[this.next] = key;
      this.next = (this.next + 1) % this.capacity;
    }
    this.entries.set(key, value);
  }

  delete(key: K): boolean {
    // Its ring slot stays until overwritten; a later `set` of the same key may then be evicted early. Harmless.
    return this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
