/**
 * Plain-object records keyed by untrusted names. A name like `__proto__` must become an own property, never a
 * prototype assignment, so every write goes through {@link setEntry}.
 *
 * @internal
 */
export function setEntry<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    record[key] = value;
  }
}

/** Own enumerable keys with a value; `Object.keys` never walks the prototype. */
export function hasEntry(record: object, key: string): boolean {
  return Object.hasOwn(record, key);
}
