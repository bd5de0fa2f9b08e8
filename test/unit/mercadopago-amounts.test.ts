import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalToMinor, MAX_EXACT_MINOR, minorToDecimal, minorToDecimalString, tryDecimalToMinor } from '../../src/gateways/mercadopago/mercadopago.amounts';

const TEN_TO_12 = 1_000_000_000_000;

describe('minor units → Mercado Pago decimals', () => {
  it.each([
    [11800, '118.00', 118],
    [1050, '10.50', 10.5],
    [1, '0.01', 0.01],
    [0, '0.00', 0],
    [99, '0.99', 0.99],
    [100, '1.00', 1],
    [123456789012, '1234567890.12', 1234567890.12],
  ])('%i → %s → %d', (minor, decimal, json) => {
    expect(minorToDecimalString(minor)).toBe(decimal);
    expect(minorToDecimal(minor)).toBe(json);
    expect(JSON.stringify({ transaction_amount: minorToDecimal(minor) })).toBe(`{"transaction_amount":${json}}`);
  });

  it('refuses what is not a safe, non-negative integer it can carry exactly', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, MAX_EXACT_MINOR + 1, Number.MAX_SAFE_INTEGER]) {
      expect(() => minorToDecimal(bad)).toThrow(RangeError);
    }
  });

  it('builds the decimal text with integer arithmetic only', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: TEN_TO_12 }), (minor) => {
        const whole = Math.trunc(minor / 100);
        const cents = minor % 100;
        expect(minorToDecimalString(minor)).toBe(`${whole}.${String(cents).padStart(2, '0')}`);
      }),
    );
  });
});

describe('Mercado Pago decimals → minor units', () => {
  it.each([
    [118, 11800],
    [10.5, 1050],
    [0.01, 1],
    [58.8, 5880],
    [0, 0],
    ['118.00', 11800],
    ['10.5', 1050],
    [1e3, 100000],
    ['1.5e2', 15000],
  ])('%s → %i', (decimal, minor) => {
    expect(decimalToMinor(decimal)).toBe(minor);
  });

  it.each([
    [0.1 + 0.2, 'a float sum'],
    [0.001, 'three decimals'],
    [1e-7, 'exponent form below a cent'],
    [1.005, 'three decimals'],
    [-1, 'negative'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'infinite'],
    [1e21, 'too large'],
    [Number.MAX_SAFE_INTEGER, 'unsafe once in minor units'],
    ['abc', 'not a number'],
    ['', 'empty'],
    ['1,50', 'comma'],
  ])('rejects %s (%s)', (value, _why) => {
    expect(() => decimalToMinor(value)).toThrow(RangeError);
    expect(tryDecimalToMinor(value)).toBeNull();
  });

  it('round-trips every minor amount up to 10^12, also through JSON text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: TEN_TO_12 }), (minor) => {
        const decimal = minorToDecimal(minor);
        expect(decimalToMinor(decimal)).toBe(minor);
        const wire = JSON.parse(JSON.stringify({ amount: decimal })) as { amount: number };
        expect(decimalToMinor(wire.amount)).toBe(minor);
        expect(decimalToMinor(minorToDecimalString(minor))).toBe(minor);
      }),
      { numRuns: 2000 },
    );
  });

  it('never rounds: any double is either rejected or converted to exactly the same value', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (value) => {
        const minor = tryDecimalToMinor(value);
        if (minor === null) return;
        expect(minorToDecimal(minor)).toBe(value === 0 ? 0 : value);
      }),
      { numRuns: 5000 },
    );
  });

  it('rejects sums of cent amounts whose float result is not a 2-decimal number, accepts the rest exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 100_000 }), (a, b) => {
        const sum = a / 100 + b / 100; // deliberately float arithmetic, like a careless client
        const shortest = String(sum);
        const decimals = shortest.includes('.') ? shortest.split('.')[1]!.length : 0;
        if (decimals > 2 || shortest.includes('e')) {
          expect(() => decimalToMinor(sum)).toThrow(RangeError);
        } else {
          expect(decimalToMinor(sum)).toBe(a + b);
        }
      }),
      { numRuns: 3000 },
    );
    expect(() => decimalToMinor(0.1 + 0.2)).toThrow(/more than 2 decimals/);
  });

  it('integers are whole soles', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), (soles) => {
        expect(decimalToMinor(soles)).toBe(soles * 100);
      }),
    );
  });
});
