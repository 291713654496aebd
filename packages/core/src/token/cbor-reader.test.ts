import { decode, Encoder } from 'cbor-x';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CborReader, type CborValue } from './cbor-reader.js';

const encoder = new Encoder({ useRecords: false, variableMapSize: true, tagUint8Array: false, useTag259ForMaps: false } as never);
const read = (bytes: Uint8Array, depth = 16) => {
  const reader = new CborReader(bytes, depth, bytes.length);
  const value = reader.readValue(1);
  if (reader.remaining !== 0) reader.fail('has trailing bytes');
  return value;
};
const hex = (text: string) => Uint8Array.from(text.match(/../g)!, (pair) => Number.parseInt(pair, 16));

/** cbor-x's view of the same bytes, with maps as Maps and byte strings as plain Uint8Arrays, for comparison. */
function normalize(value: unknown): CborValue {
  if (value instanceof Map) return new Map([...value].map(([key, entry]) => [String(key), normalize(entry)]));
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') {
    return new Map(Object.entries(value).map(([key, entry]) => [key, normalize(entry)]));
  }
  return value as CborValue;
}

const scalar = fc.oneof(
  fc.maxSafeInteger(),
  fc.double({ noNaN: true }),
  fc.string({ unit: 'grapheme' }),
  fc.boolean(),
  fc.constant(null),
  fc.uint8Array({ maxLength: 40 }),
);
// cbor-x renames a `__proto__` key to `__proto_` when decoding (its pollution guard); ours keeps keys exact.
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string().filter((key) => key !== '__proto__'), tie('node'), { maxKeys: 4 })),
})).node;

describe('CborReader', () => {
  it('decodes whatever cbor-x encodes (the accepted subset) to the same values', () => {
    fc.assert(
      fc.property(value, (input) => {
        const bytes = encoder.encode(input) as Uint8Array;
        expect(read(bytes)).toEqual(normalize(decode(bytes)));
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });

  it('decodes half, single and double floats', () => {
    expect(read(hex('f93e00'))).toBe(1.5);
    expect(read(hex('f97c00'))).toBe(Infinity);
    expect(read(hex('f90001'))).toBe(2 ** -24);
    expect(read(hex('fa47c35000'))).toBe(100000);
    expect(read(hex('fb3ff8000000000000'))).toBe(1.5);
  });

  it('reads byte-string map keys as text', () => {
    expect(read(hex('a1417601'))).toEqual(new Map([['v', 1]]));
  });

  it.each([
    ['an integer beyond 2^53', '1b0020000000000000'],
    ['a tag', 'c074323031332d30332d32315432303a30343a30305a'],
    ['an indefinite-length array', '9f01ff'],
    ['an indefinite-length string', '7f6161ff'],
    ['a reserved additional info', '1c'],
    ['an unsupported simple value', 'f820'],
    ['a map key that is a number', 'a10101'],
    ['a duplicate key', 'a2617601617602'],
    ['invalid UTF-8', '62c328'],
    ['a length beyond the input', '5a00010000'],
    ['an array count beyond the input', '9a00010000'],
    ['a truncated head', '19'],
  ])('rejects %s', (_name, bytes) => {
    expect(() => read(hex(bytes))).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_MALFORMED' }));
  });

  it('caps nesting depth', () => {
    expect(read(hex('818180'), 3)).toEqual([[[]]]);
    expect(() => read(hex('81818180'), 3)).toThrow(/nested too deeply/);
  });

  it('caps the number of items', () => {
    const bytes = hex('83010203');
    expect(() => new CborReader(bytes, 4, 3).readValue(1)).toThrow(/too many items/);
  });

  it('throws typed errors (never a crash) on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          read(bytes);
        } catch (error) {
          expect(error).toMatchObject({ code: 'ERR_TOKEN_MALFORMED' });
        }
      }),
      { numRuns: 2000 },
    );
  });
});
