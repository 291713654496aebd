/**
 * A strict, bounded CBOR (RFC 8949) reader for untrusted tokens.
 *
 * cbor-x is the reference we test against, but it is not a front door for hostile input: its limits are module-global, its errors
 * carry no codes, it allocates from declared lengths before checking them (a 9-byte array header declaring 2^64-1
 * items aborts the process in the SDK's decoder), and it keeps duplicate keys. This reader accepts exactly the subset
 * a token needs and bounds every allocation by the bytes actually remaining, so the work is linear in the input:
 * - definite-length items only; no tags, no indefinite lengths, no reserved additional-info values;
 * - integers within ±2^53 (larger ones are rejected rather than silently rounded);
 * - map keys are text or byte strings, unique per map; text is valid UTF-8;
 * - nesting depth and total item count are capped by the caller.
 *
 * @internal
 */
import { TokenMalformedError } from '../errors.js';
import { setEntry } from '../internal/records.js';

/** A decoded CBOR value. Maps keep insertion order and have string keys (byte-string keys are read as UTF-8). */
export type CborValue = number | string | boolean | null | undefined | Uint8Array | CborValue[] | CborMap;
export type CborMap = Map<string, CborValue>;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The number {@link CborReader.readKeyCode} returns for an ASCII key of 1 to 4 characters: 7 bits per character and
 * the length, below 2^30 so it stays a small integer (no heap number, a cheap switch or Map key).
 */
export function keyCode(key: string): number {
  let code = 0;
  for (let index = 0; index < key.length; index++) code = (code << 7) | key.charCodeAt(index);
  return ((key.length - 1) << 28) | code;
}

// Short ASCII strings (names, keys) seen again are returned from here rather than built again: servers decode the
// same names token after token. Direct-mapped by a hash of the bytes; a hit is confirmed character by character.
const INTERN_SIZE = 2_048;
const INTERN_MAX_LENGTH = 32;
const interned: Array<string | undefined> = new Array<string | undefined>(INTERN_SIZE).fill(undefined);

export class CborReader {
  position = 0;
  private items = 0;
  /** Made on first use: only floats need it. */
  private dataView: DataView | undefined = undefined;

  constructor(
    readonly bytes: Uint8Array,
    private readonly maxDepth: number,
    private readonly maxItems: number,
  ) {}

  private get view(): DataView {
    return (this.dataView ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength));
  }

  fail(message: string): never {
    throw new TokenMalformedError(`token CBOR ${message} at byte ${this.position}`, { field: 'token' });
  }

  get remaining(): number {
    return this.bytes.length - this.position;
  }

  /** Major type of the last head read; a field, not a returned tuple, to keep the hot path allocation-free. */
  private major = 0;

  /** Reads an initial byte and its argument: records the major type in {@link major} and returns the argument. */
  private head(): number {
    if (this.position >= this.bytes.length) this.fail('is truncated');
    if (++this.items > this.maxItems) this.fail('has too many items');
    const initial = this.bytes[this.position++]!;
    const major = initial >> 5;
    const info = initial & 31;
    this.major = major;
    if (info < 24) return info;
    let argument: number;
    switch (info) {
      case 24:
        this.need(1);
        argument = this.bytes[this.position]!;
        this.position += 1;
        break;
      case 25:
        this.need(2);
        argument = (this.bytes[this.position]! << 8) | this.bytes[this.position + 1]!;
        this.position += 2;
        break;
      case 26:
        this.need(4);
        argument = uint32(this.bytes, this.position);
        this.position += 4;
        break;
      case 27: {
        this.need(8);
        const high = uint32(this.bytes, this.position);
        const low = uint32(this.bytes, this.position + 4);
        // Floats (major 7) are handled by the caller from the raw bytes; integers must stay exact.
        if (major !== 7 && high > 0x1fffff) this.fail('has an integer beyond 2^53');
        argument = high * 0x1_0000_0000 + low;
        this.position += 8;
        break;
      }
      default:
        // 28..30 are reserved; 31 is an indefinite length (or "break"), which tokens never use.
        this.fail(info === 31 ? 'uses an indefinite length' : 'uses a reserved encoding');
    }
    return argument;
  }

  private need(count: number): void {
    if (count > this.bytes.length - this.position) this.fail('is truncated');
  }

  /** Major type of the next item, or -1 at the end of input. */
  peekMajor(): number {
    return this.position < this.bytes.length ? this.bytes[this.position]! >> 5 : -1;
  }

  /** Reads an unsigned integer; the caller has checked {@link peekMajor} is 0. */
  readUint(): number {
    return this.head();
  }

  /** Reads a text string; the caller has checked {@link peekMajor} is 3. */
  readText(): string {
    return this.text(this.head());
  }

  /** Reads a byte string (copied); the caller has checked {@link peekMajor} is 2. */
  readBytes(): Uint8Array {
    return this.bytesOf(this.head());
  }

  private bytesOf(length: number): Uint8Array {
    this.need(length);
    // Copy into a plain Uint8Array (a Buffer input's slice would alias it and keep Buffer's type).
    const value = new Uint8Array(length);
    const bytes = this.bytes;
    const start = this.position;
    for (let index = 0; index < length; index++) value[index] = bytes[start + index]!;
    this.position += length;
    return value;
  }

  /** Reads a map header and returns its entry count, bounded by the bytes left (each entry takes at least 2). */
  readMapHeader(): number {
    const count = this.head();
    if (this.major !== 5) this.fail('is not a map');
    if (count * 2 > this.remaining) this.fail('declares more map entries than bytes');
    return count;
  }

  /**
   * Reads a short ASCII map key as a number (see {@link keyCode}) without allocating a string, or returns -1 and
   * leaves the position unchanged when the key is not 1 to 4 ASCII bytes, so the caller can fall back to
   * {@link readKey}.
   */
  readKeyCode(): number {
    const start = this.position;
    const length = this.head();
    if ((this.major !== 2 && this.major !== 3) || length === 0 || length > 4 || length > this.remaining) {
      this.position = start;
      this.items--;
      return -1;
    }
    const bytes = this.bytes;
    let code = 0;
    let high = 0;
    for (let index = this.position; index < this.position + length; index++) {
      const byte = bytes[index]!;
      high |= byte;
      code = (code << 7) | byte;
    }
    if (high >= 0x80) {
      this.position = start;
      this.items--;
      return -1;
    }
    this.position += length;
    return ((length - 1) << 28) | code;
  }

  /** Reads a map key: a text or byte string, decoded as UTF-8. */
  readKey(): string {
    const start = this.position;
    const length = this.head();
    if (this.major !== 2 && this.major !== 3) {
      this.position = start;
      this.fail('has a map key that is not a string');
    }
    return this.text(length);
  }

  private text(length: number): string {
    this.need(length);
    const start = this.position;
    this.position += length;
    // Short ASCII keys and names dominate tokens, and repeat from token to token: a name seen before comes from the
    // intern table; a new one is made by one fromCharCode call (a flat string, without TextDecoder's call overhead).
    if (length <= INTERN_MAX_LENGTH) {
      const bytes = this.bytes;
      const end = start + length;
      let high = 0;
      let hash = length;
      for (let index = start; index < end; index++) {
        const byte = bytes[index]!;
        high |= byte;
        hash = Math.imul(hash ^ byte, 0x01000193);
      }
      if (high < 0x80) {
        const slot = (hash ^ (hash >>> 15)) & (INTERN_SIZE - 1);
        const known = interned[slot];
        if (known !== undefined && known.length === length) {
          let same = true;
          for (let index = 0; index < length; index++) {
            if (known.charCodeAt(index) !== bytes[start + index]) {
              same = false;
              break;
            }
          }
          if (same) return known;
        }
        const made = String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
        interned[slot] = made;
        return made;
      }
    }
    return this.utf8(start, length);
  }

  private utf8(start: number, length: number): string {
    try {
      return utf8.decode(this.bytes.subarray(start, start + length));
    } catch (cause) {
      this.position = start;
      throw new TokenMalformedError(`token CBOR has invalid UTF-8 at byte ${start}`, { field: 'token', cause });
    }
  }

  /** Reads any value of the accepted subset. `depth` is the nesting level of the value being read (top level 1). */
  readValue(depth: number): CborValue {
    return this.read(depth, false) as CborValue;
  }

  /**
   * Reads a value as {@link readValue} does (the same checks, errors and bounds), with every map read straight into
   * a plain object (own keys, `__proto__` an ordinary key) instead of a `Map`: what a token's `meta` is.
   */
  readPlain(depth: number): unknown {
    return this.read(depth, true);
  }

  private read(depth: number, plain: boolean): unknown {
    if (depth > this.maxDepth) this.fail('is nested too deeply');
    const start = this.position;
    const argument = this.head();
    switch (this.major) {
      case 0:
        return argument;
      case 1:
        return -1 - argument;
      case 2:
        return this.bytesOf(argument);
      case 3:
        return this.text(argument);
      case 4: {
        if (argument > this.remaining) this.fail('declares more array items than bytes');
        const array: unknown[] = [];
        for (let index = 0; index < argument; index++) array.push(this.read(depth + 1, plain));
        return array;
      }
      case 5: {
        if (argument * 2 > this.remaining) this.fail('declares more map entries than bytes');
        const map = plain ? undefined : new Map<string, unknown>();
        const object: Record<string, unknown> | undefined = plain ? {} : undefined;
        for (let index = 0; index < argument; index++) {
          const keyStart = this.position;
          const key = this.readKey();
          if (map !== undefined ? map.has(key) : Object.hasOwn(object!, key)) {
            this.position = keyStart;
            this.fail('has a duplicate map key');
          }
          const value = this.read(depth + 1, plain);
          if (map !== undefined) map.set(key, value);
          else setEntry(object!, key, value);
        }
        return map ?? object;
      }
      case 6:
        this.position = start;
        return this.fail('uses a tag');
      default:
        return this.simple(start, argument);
    }
  }

  private simple(start: number, argument: number): CborValue {
    const info = this.bytes[start]! & 31;
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 23:
        return undefined;
      case 25:
        return halfToNumber(argument);
      case 26:
        return this.view.getFloat32(start + 1);
      case 27:
        return this.view.getFloat64(start + 1);
      default:
        this.position = start;
        return this.fail('uses an unsupported simple value');
    }
  }
}

function uint32(bytes: Uint8Array, at: number): number {
  return bytes[at]! * 0x100_0000 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
}

function halfToNumber(half: number): number {
  const exponent = (half >> 10) & 0x1f;
  const mantissa = half & 0x3ff;
  const sign = half & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}
