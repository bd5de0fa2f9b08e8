import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentProblem, rucCheckDigit } from '../../src/customers/peru-documents';

/**
 * Reference check digit, written independently of the implementation: SUNAT weights
 * 5 4 3 2 7 6 5 4 3 2, then 11 − (sum mod 11), keeping only the last digit (10 → 0, 11 → 1).
 */
function referenceCheckDigit(firstTen: string): number {
  const weights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(firstTen[i]), 0);
  return (11 - (sum % 11)) % 10;
}

const rucPrefix = fc.constantFrom('10', '15', '16', '17', '20');
const eightDigits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 8, maxLength: 8 });
const firstTenOfRuc = fc.tuple(rucPrefix, eightDigits).map(([p, rest]) => p + rest);

describe('rucCheckDigit', () => {
  it.each([
    ['2013131295', 5], // SUNAT
    ['2010004721', 8], // Banco de Crédito del Perú
    ['2010007097', 0], // 11 − 1 = 10 → 0
    ['2010000013', 1], // sum ≡ 0 (mod 11): 11 → 1
    ['1045678912', 4],
    ['1500000000', 8],
    ['1612345678', 9],
    ['1799999999', 9],
  ])('check digit of %s is %i', (firstTen, digit) => {
    expect(rucCheckDigit(firstTen)).toBe(digit);
  });

  it('agrees with the reference computation on every RUC body', () => {
    fc.assert(fc.property(firstTenOfRuc, (ten) => rucCheckDigit(ten) === referenceCheckDigit(ten)), { numRuns: 2000 });
  });
});

describe('documentProblem', () => {
  it.each(['20131312955', '20100047218', '20100070970', '20100000131', '10456789124', '15000000008', '16123456789', '17999999999'])(
    'accepts the valid RUC %s',
    (ruc) => expect(documentProblem('RUC', ruc)).toBeNull(),
  );

  it.each([
    ['20131312954', /check digit/],
    ['20100047219', /check digit/],
    ['20100070979', /check digit/],
    ['20100000130', /check digit/],
    ['30131312955', /starts with/],
    ['11131312955', /starts with/],
    ['2013131295', /11 digits/],
    ['201313129550', /11 digits/],
    ['2013131295a', /11 digits/],
    ['', /11 digits/],
  ])('rejects the RUC %s', (ruc, why) => {
    expect(documentProblem('RUC', ruc)).toMatch(why);
  });

  it('rejects every RUC whose check digit is flipped to another value', () => {
    fc.assert(
      fc.property(firstTenOfRuc, fc.integer({ min: 1, max: 9 }), (ten, shift) => {
        const valid = ten + String(referenceCheckDigit(ten));
        const flipped = ten + String((referenceCheckDigit(ten) + shift) % 10);
        return documentProblem('RUC', valid) === null && documentProblem('RUC', flipped) !== null;
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts DNI of exactly 8 digits only', () => {
    expect(documentProblem('DNI', '45678912')).toBeNull();
    expect(documentProblem('DNI', '00000000')).toBeNull();
    for (const bad of ['4567891', '456789123', '4567891A', '4567 8912', '', '٤٥٦٧٨٩١٢']) expect(documentProblem('DNI', bad)).not.toBeNull();
  });

  it('accepts CE and PASSPORT of 4–12 letters or digits only', () => {
    for (const type of ['CE', 'PASSPORT'] as const) {
      for (const ok of ['X123', 'ab12', '001234567890', 'ABCDEFGHIJKL']) expect(documentProblem(type, ok)).toBeNull();
      for (const bad of ['X12', '0012345678901', 'AB-1234', 'AB 1234', 'ÑANDU123', '']) expect(documentProblem(type, bad)).not.toBeNull();
    }
  });
});
