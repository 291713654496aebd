/**
 * A minimal CBOR writer for the token shape: maps with byte-string keys, text names, unsigned masks, and meta
 * values (any JSON value: nested objects become maps with text keys, arrays arrays, `null` CBOR null).
 * It writes exactly what cbor-x writes with plain, portable settings (`useRecords: false`,
 * `variableMapSize: true`, `tagUint8Array: false`, `useTag259ForMaps: false`), which a property test checks byte for
 * byte; it exists because cbor-x's Map-with-byte-keys path costs several times an HMAC, and minting must not.
 *
 * @internal
 */
import { base64UrlEncodeFirst } from './base64url.js';

const utf8 = new TextEncoder();

export class CborWriter {
  private buffer = new Uint8Array(512);
  private view = new DataView(this.buffer.buffer);
  length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + extra));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  /** Writes a major type with its argument in the shortest form. */
  head(major: number, argument: number): void {
    this.reserve(9);
    const type = major << 5;
    if (argument < 24) {
      this.buffer[this.length++] = type | argument;
    } else if (argument < 0x100) {
      this.buffer[this.length++] = type | 24;
      this.buffer[this.length++] = argument;
    } else if (argument < 0x1_0000) {
      this.buffer[this.length++] = type | 25;
      this.view.setUint16(this.length, argument);
      this.length += 2;
    } else if (argument < 0x1_0000_0000) {
      this.buffer[this.length++] = type | 26;
      this.view.setUint32(this.length, argument);
      this.length += 4;
    } else {
      this.buffer[this.length++] = type | 27;
      this.view.setUint32(this.length, Math.floor(argument / 0x1_0000_0000));
      this.view.setUint32(this.length + 4, argument >>> 0);
      this.length += 8;
    }
  }

  /** Pre-encoded bytes (constant keys). */
  raw(bytes: Uint8Array): void {
    const length = bytes.length;
    this.reserve(length);
    // Most are keys of a few bytes: a loop costs less than set()'s call.
    if (length <= 16) {
      const buffer = this.buffer;
      let at = this.length;
      for (let index = 0; index < length; index++) buffer[at++] = bytes[index]!;
      this.length = at;
      return;
    }
    this.buffer.set(bytes, this.length);
    this.length += length;
  }

  text(value: string): void {
    // ASCII fast path: one byte per code unit, no TextEncoder call. The characters are copied in one pass while
    // checking them, after room for the head; a character beyond ASCII abandons the copy for the general path.
    const length = value.length;
    if (length < 256) {
      this.reserve(length + 2);
      const buffer = this.buffer;
      const start = this.length;
      let at = start + (length < 24 ? 1 : 2);
      let high = 0;
      for (let index = 0; index < length; index++) {
        const code = value.charCodeAt(index);
        high |= code;
        buffer[at++] = code;
      }
      if (high < 0x80) {
        if (length < 24) {
          buffer[start] = 0x60 | length;
        } else {
          buffer[start] = 0x78;
          buffer[start + 1] = length;
        }
        this.length = at;
        return;
      }
    }
    const bytes = utf8.encode(value);
    this.head(3, bytes.length);
    this.raw(bytes);
  }

  /** A meta scalar, encoded as cbor-x encodes it: integers in -2^32..2^32-1 as integers, other numbers as float64. */
  scalar(value: string | number | boolean): void {
    if (typeof value === 'string') return this.text(value);
    if (typeof value === 'boolean') {
      this.reserve(1);
      this.buffer[this.length++] = value ? 0xf5 : 0xf4;
      return;
    }
    if (value >>> 0 === value) return this.head(0, value);
    if (Number.isInteger(value) && value < 0 && value >= -0x1_0000_0000) return this.head(1, -1 - value);
    this.reserve(9);
    this.buffer[this.length++] = 0xfb;
    this.view.setFloat64(this.length, value);
    this.length += 8;
  }

  /**
   * A JSON value as cbor-x encodes it: objects as maps with text keys in insertion order, arrays, `null`, scalars.
   * Callers bound the nesting (validated meta is at most `LIMITS.maxMetaDepth` deep).
   */
  value(value: unknown): void {
    if (value === null) {
      this.reserve(1);
      this.buffer[this.length++] = 0xf6;
      return;
    }
    if (Array.isArray(value)) {
      this.head(4, value.length);
      for (const item of value) this.value(item);
      return;
    }
    if (typeof value === 'object') {
      const keys = Object.keys(value as object);
      this.head(5, keys.length);
      for (const key of keys) {
        this.text(key);
        this.value((value as Record<string, unknown>)[key]);
      }
      return;
    }
    this.scalar(value as string | number | boolean);
  }

  /** Adds `delta` to the first byte written (a map header's count). */
  addToFirstByte(delta: number): void {
    this.buffer[0]! += delta;
  }

  /** What was written, as padded base64url text, without making a view of it. */
  base64Url(): string {
    return base64UrlEncodeFirst(this.buffer, this.length, true);
  }

  /** A copy of what was written. */
  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  /** What was written, without copying: valid until the writer is next reset. */
  written(): Uint8Array {
    // The buffer is this writer's own, from offset 0: a view made directly costs less than subarray's.
    return new Uint8Array(this.buffer.buffer, 0, this.length);
  }

  /** Empties the writer for reuse, keeping its buffer. */
  reset(): this {
    this.length = 0;
    return this;
  }
}
