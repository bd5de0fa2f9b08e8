import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/common/canonical-json';
import { parseDuration } from '../../src/common/duration';
import { isId, newId, pooledRandom } from '../../src/common/ids';
import { assertMinorUnits } from '../../src/common/money';
import { decodeCursor, encodeCursor } from '../../src/common/pagination/cursor-page';
import { ApiError } from '../../src/common/errors/api-error';

describe('canonicalJson', () => {
  it('is the same text for the same data whatever the key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
        expect(JSON.parse(canonicalJson(obj))).toEqual(JSON.parse(JSON.stringify(obj)));
      }),
    );
  });

  it('tells different data apart', () => {
    expect(canonicalJson({ a: 1, b: [1, 2] })).not.toBe(canonicalJson({ a: 1, b: [2, 1] }));
    expect(canonicalJson({ a: '1' })).not.toBe(canonicalJson({ a: 1 }));
  });
});

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '10', '1.5h', '-1s', '0s', '5 weeks', 'h'])('rejects %j', (text) => expect(parseDuration(text)).toBeNull());
});

describe('ids', () => {
  it('are prefixed, well-formed and sort by creation', () => {
    const ids = Array.from({ length: 1000 }, () => newId('order'));
    expect(ids.every((id) => isId('order', id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('draw their randomness uniformly over the 32 symbols, across refills of the byte pool', () => {
    // 40,000 draws span ~10 refills of the 4 KiB pool; each symbol expects 1,250 hits (σ ≈ 35).
    const counts = new Array<number>(32).fill(0);
    for (let i = 0; i < 40_000; i++) {
      const r = pooledRandom();
      expect(r >= 0 && r < 1).toBe(true);
      counts[Math.floor(r * 32)]! += 1;
    }
    expect(Math.min(...counts)).toBeGreaterThan(1_050);
    expect(Math.max(...counts)).toBeLessThan(1_450);
  });

  it('reject other prefixes and malformed bodies', () => {
    const id = newId('order');
    expect(isId('customer', id)).toBe(false);
    expect(isId('order', `${id}x`)).toBe(false);
    expect(isId('order', id.toLowerCase())).toBe(false);
    expect(isId('order', 42)).toBe(false);
  });
});

describe('money', () => {
  it('accepts integer minor units only', () => {
    expect(assertMinorUnits(1050)).toBe(1050);
    expect(() => assertMinorUnits(10.5)).toThrow(RangeError);
    expect(() => assertMinorUnits(-1)).toThrow(RangeError);
    expect(() => assertMinorUnits(2 ** 53)).toThrow(RangeError);
  });
});

describe('cursors', () => {
  it('round-trip an id and refuse anything else', () => {
    const id = newId('order');
    expect(decodeCursor(encodeCursor(id), 'order')).toBe(id);
    expect(() => decodeCursor('not-a-cursor', 'order')).toThrow(ApiError);
    expect(() => decodeCursor(encodeCursor(newId('customer')), 'order')).toThrow(ApiError);
    expect(decodeCursor(undefined, 'order')).toBeUndefined();
  });
});
