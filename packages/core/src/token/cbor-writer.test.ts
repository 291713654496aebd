import { Encoder } from 'cbor-x';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validGrant } from '../../test/arbitraries.js';
import { normalizeGrant } from '../grant/grant-input.js';
import { SLOT_KEYS } from './reader.js';
import { CborWriter } from './cbor-writer.js';
import { encodeUnsignedToken } from './writer.js';

// cbor-x with plain, portable settings (no records, no tags, no tag 259 on maps) is the reference our writer must
// match byte for byte.
const reference = new Encoder({ useRecords: false, variableMapSize: true, tagUint8Array: false, useTag259ForMaps: false } as never);
const key = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));

describe('token writer', () => {
  it('writes exactly what cbor-x writes for the same token map', () => {
    fc.assert(
      fc.property(validGrant, fc.integer({ min: 0, max: 2 ** 32 - 1 }), (input, timestamp) => {
        const grant = normalizeGrant(input);
        const slots = (source: typeof grant.resources) => new Map(SLOT_KEYS.map(([type, slot]) => [key(slot), source[type]]));
        const map = new Map<Uint8Array, unknown>([
          [key('v'), 2], [key('t'), timestamp], [key('ttl'), grant.ttl],
          [key('res'), slots(grant.resources)], [key('pat'), slots(grant.patterns)], [key('meta'), grant.meta],
        ]);
        if (grant.authorizedUuid !== undefined) map.set(key('uuid'), grant.authorizedUuid);
        expect(Buffer.from(encodeUnsignedToken(grant, timestamp)).toString('hex')).toBe(Buffer.from(reference.encode(map)).toString('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('writes text the way cbor-x does at every length boundary, ASCII or not', () => {
    const pieces = ['a', 'é', '€', '😀', '\u007f', '\u0080', '\u00ff', '\u0100'];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...pieces)), { maxLength: 3 }), (length, swaps) => {
        const chars = Array.from({ length }, (_, index) => String.fromCharCode(0x20 + (index % 95)));
        for (const [at, piece] of swaps) if (length > 0) chars[at % length] = piece;
        const value = chars.join('');
        const writer = new CborWriter();
        writer.head(4, 2);
        writer.text(value);
        writer.text('after');
        expect(Buffer.from(writer.bytes()).toString('hex')).toBe(Buffer.from(reference.encode([value, 'after'])).toString('hex'));
      }),
      { numRuns: 1_000 },
    );
  });

  it('writes scalars the way cbor-x does at every integer boundary', () => {
    const values = [0, 23, 24, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, -1, -24, -25, -(2 ** 31), -(2 ** 31) - 1, 1.5, -0.25, 1e300, true, false, 'é', 'x'.repeat(300)];
    for (const value of values) {
      const writer = new CborWriter();
      writer.head(5, 1);
      writer.text('n');
      writer.scalar(value);
      expect(Buffer.from(writer.bytes()).toString('hex'), String(value)).toBe(Buffer.from(reference.encode({ n: value })).toString('hex'));
    }
  });
});
