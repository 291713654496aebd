/**
 * RFC 8949 Appendix A, every example, through the token CBOR reader. The reader accepts the subset a token needs
 * (definite lengths, integers within ±2^53, string map keys, no tags, the simple values false/true/null/undefined):
 * each example either decodes to exactly the value the RFC gives, or is refused with a typed error that says why.
 */
import { describe, expect, it } from 'vitest';
import vectors from '@grantkit/conformance/vectors/rfc8949-appendix-a.json';
import { isGrantkitError } from '../../src/errors.js';
import { CborReader, type CborValue } from '../../src/token/cbor-reader.js';

interface Vector { hex: string; roundtrip: boolean; decoded?: unknown; diagnostic?: string }

const bytesOf = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
function decode(hex: string): CborValue {
  const bytes = bytesOf(hex);
  const reader = new CborReader(bytes, 16, bytes.length);
  const value = reader.readValue(1);
  if (reader.remaining !== 0) throw new Error('trailing bytes');
  return value;
}
function plain(value: CborValue): unknown {
  if (value instanceof Map) return Object.fromEntries([...value].map(([key, entry]) => [key, plain(entry)]));
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

/** Why an example is outside the token subset, from its first byte and content. */
function refusal(vector: Vector): RegExp | undefined {
  const first = Number.parseInt(vector.hex.slice(0, 2), 16);
  const major = first >> 5;
  if (major === 6) return /uses a tag/;
  // The examples that no encoder would write back (roundtrip false) are the indefinite-length ones, and floats.
  if (!vector.roundtrip && major !== 7) return /indefinite length/;
  if ((first === 0x1b || first === 0x3b) && Number.parseInt(vector.hex.slice(2, 4), 16) > 0x1f) return /beyond 2\^53/;
  if (first === 0xf0 || first === 0xf8) return /unsupported simple value/;
  if (major === 5 && typeof vector.decoded === 'object' && vector.decoded !== null && Object.keys(vector.decoded).some((key) => /^[0-9]+$/.test(key))) return /not a string/;
  if (vector.diagnostic?.startsWith('{1:') ?? false) return /not a string/;
  return undefined;
}

const DIAGNOSTIC_VALUES: Record<string, unknown> = {
  Infinity: Infinity, NaN: Number.NaN, '-Infinity': -Infinity, undefined, "h''": new Uint8Array(0), "h'01020304'": Uint8Array.of(1, 2, 3, 4),
};

describe('RFC 8949 Appendix A through the token CBOR reader', () => {
  it.each((vectors as Vector[]).map((vector) => [vector.hex, vector] as const))('%s', (_hex, vector) => {
    const why = refusal(vector);
    if (why !== undefined) {
      let error: unknown;
      try {
        decode(vector.hex);
      } catch (caught) {
        error = caught;
      }
      expect(isGrantkitError(error), `${vector.hex} should be refused`).toBe(true);
      expect((error as Error).message).toMatch(why);
      return;
    }
    if ('decoded' in vector) {
      expect(plain(decode(vector.hex))).toEqual(vector.decoded);
    } else {
      expect(Object.hasOwn(DIAGNOSTIC_VALUES, vector.diagnostic!), `no expectation for ${vector.diagnostic}`).toBe(true);
      expect(decode(vector.hex)).toEqual(DIAGNOSTIC_VALUES[vector.diagnostic!]);
    }
  });
});
