/**
 * A cache bounded in entries and in bytes that forgets its oldest entries first, one at a time, so a working set just
 * past its size loses a little (the oldest entries) rather than everything at once. Entries live in a ring of slots
 * (parallel arrays, no wrapper object per entry); the Map holds each key's slot. Eviction walks the ring, not the
 * Map's iterator: under constant churn a Map's iterator walks over the tombstones of deleted entries.
 *
 * @internal
 */
export class BoundedCache<V> {
  private readonly slots = new Map<string, number>();
  private readonly keys: Array<string | undefined>;
  private readonly values: Array<V | undefined>;
  private readonly sizes: Float64Array;
  private head = 0;
  /** Ring slots in use, holes included. */
  private count = 0;
  /** Entries held. */
  private held = 0;
  private bytes = 0;

  constructor(private readonly maxEntries: number, private readonly maxBytes: number) {
    this.keys = new Array<string | undefined>(maxEntries).fill(undefined);
    this.values = new Array<V | undefined>(maxEntries).fill(undefined);
    this.sizes = new Float64Array(maxEntries);
  }

  get(key: string): V | undefined {
    const slot = this.slots.get(key);
    return slot === undefined ? undefined : this.values[slot];
  }

  /** Adds `key` as the newest entry (a key already held is replaced), then forgets the oldest until within bounds. */
  set(key: string, value: V, bytes: number): void {
    const known = this.slots.get(key);
    if (known !== undefined) {
      // The old slot stays in the ring as a hole until eviction reaches it.
      this.slots.delete(key);
      this.bytes -= this.sizes[known]!;
      this.keys[known] = undefined;
      this.values[known] = undefined;
      this.sizes[known] = 0;
      this.held--;
    }
    if (this.count === this.maxEntries) this.evictOldest();
    const slot = (this.head + this.count) % this.maxEntries;
    this.count++;
    this.held++;
    this.keys[slot] = key;
    this.slots.set(key, slot);
    this.values[slot] = value;
    this.sizes[slot] = bytes;
    this.bytes += bytes;
    while (this.bytes > this.maxBytes && this.held > 1) this.evictOldest();
  }

  /** Entries held. */
  get size(): number {
    return this.held;
  }

  /** Frees the oldest slot of the ring (an entry, or the hole a replaced entry left). */
  private evictOldest(): void {
    const slot = this.head;
    const key = this.keys[slot];
    if (key !== undefined) {
      this.slots.delete(key);
      this.bytes -= this.sizes[slot]!;
      this.keys[slot] = undefined;
      this.values[slot] = undefined;
      this.held--;
    }
    this.head = (slot + 1) % this.maxEntries;
    this.count--;
  }
}
