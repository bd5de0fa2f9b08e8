import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amountInWords, integerInWords, MAX_AMOUNT_IN_WORDS } from '../../src/invoices/amount-in-words';

// [minor units, words before "CON", cents]
const CASES: [number, string, string][] = [
  [0, 'CERO', '00'],
  [1, 'CERO', '01'],
  [100, 'UNO', '00'],
  [1_100, 'ONCE', '00'],
  [1_500, 'QUINCE', '00'],
  [1_600, 'DIECISEIS', '00'],
  [2_000, 'VEINTE', '00'],
  [2_100, 'VEINTIUNO', '00'],
  [2_200, 'VEINTIDOS', '00'],
  [2_300, 'VEINTITRES', '00'],
  [2_600, 'VEINTISEIS', '00'],
  [2_900, 'VEINTINUEVE', '00'],
  [3_000, 'TREINTA', '00'],
  [3_100, 'TREINTA Y UNO', '00'],
  [9_900, 'NOVENTA Y NUEVE', '00'],
  [10_000, 'CIEN', '00'],
  [10_100, 'CIENTO UNO', '00'],
  [11_000, 'CIENTO DIEZ', '00'],
  [11_500, 'CIENTO QUINCE', '00'],
  [11_800, 'CIENTO DIECIOCHO', '00'],
  [12_100, 'CIENTO VEINTIUNO', '00'],
  [20_000, 'DOSCIENTOS', '00'],
  [50_000, 'QUINIENTOS', '00'],
  [55_500, 'QUINIENTOS CINCUENTA Y CINCO', '00'],
  [70_000, 'SETECIENTOS', '00'],
  [90_000, 'NOVECIENTOS', '00'],
  [99_900, 'NOVECIENTOS NOVENTA Y NUEVE', '00'],
  [100_000, 'MIL', '00'],
  [100_100, 'MIL UNO', '00'],
  [110_000, 'MIL CIEN', '00'],
  [200_000, 'DOS MIL', '00'],
  [1_000_000, 'DIEZ MIL', '00'],
  [2_100_000, 'VEINTIUN MIL', '00'],
  [2_100_110, 'VEINTIUN MIL UNO', '10'],
  [3_100_000, 'TREINTA Y UN MIL', '00'],
  [10_000_000, 'CIEN MIL', '00'],
  [10_100_000, 'CIENTO UN MIL', '00'],
  [12_100_000, 'CIENTO VEINTIUN MIL', '00'],
  [99_999_999, 'NOVECIENTOS NOVENTA Y NUEVE MIL NOVECIENTOS NOVENTA Y NUEVE', '99'],
  [100_000_000, 'UN MILLON', '00'],
  [100_000_100, 'UN MILLON UNO', '00'],
  [100_100_000, 'UN MILLON MIL', '00'],
  [200_000_000, 'DOS MILLONES', '00'],
  [250_000_000, 'DOS MILLONES QUINIENTOS MIL', '00'],
  [2_100_000_000, 'VEINTIUN MILLONES', '00'],
  [3_100_000_000, 'TREINTA Y UN MILLONES', '00'],
  [10_000_000_000, 'CIEN MILLONES', '00'],
  [100_000_000_000, 'MIL MILLONES', '00'],
  [100_100_000_000, 'MIL UN MILLONES', '00'],
  [2_100_100_000_000, 'VEINTIUN MIL UN MILLONES', '00'],
  [
    MAX_AMOUNT_IN_WORDS,
    'NOVECIENTOS NOVENTA Y NUEVE MIL NOVECIENTOS NOVENTA Y NUEVE MILLONES NOVECIENTOS NOVENTA Y NUEVE MIL NOVECIENTOS NOVENTA Y NUEVE',
    '99',
  ],
];

describe('amountInWords', () => {
  it.each(CASES)('%d minor units in PEN and USD', (minor, words, cents) => {
    expect(amountInWords(minor, 'PEN')).toBe(`${words} CON ${cents}/100 SOLES`);
    expect(amountInWords(minor, 'USD')).toBe(`${words} CON ${cents}/100 DOLARES AMERICANOS`);
  });

  it('writes the legend of the reference example', () => {
    expect(amountInWords(11_800, 'PEN')).toBe('CIENTO DIECIOCHO CON 00/100 SOLES');
  });

  it('uses plain upper-case A–Z words, single spaces, and the exact cents', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_AMOUNT_IN_WORDS }), fc.constantFrom('PEN' as const, 'USD' as const), (minor, currency) => {
        const text = amountInWords(minor, currency);
        expect(text).toMatch(/^[A-Z]+( [A-Z]+)* CON \d{2}\/100 (SOLES|DOLARES AMERICANOS)$/);
        expect(text).toContain(` CON ${String(minor % 100).padStart(2, '0')}/100 `);
        // Apocope only before MIL / MILLON(ES), and 1 000 is MIL, never UN MIL.
        expect(text).not.toMatch(/\b(UN|VEINTIUN) CON\b/);
        expect(text).not.toMatch(/\bUNO (MIL|MILLON|MILLONES)\b/);
        expect(text).not.toMatch(/(^|\bMILLON |\bMILLONES )UN MIL /);
        // CIEN only alone or as a multiplier; 101–199 say CIENTO.
        expect(text).not.toMatch(/\bCIEN (?!CON\b|MIL\b|MILLONES\b)/);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([-1, 0.5, Number.NaN, MAX_AMOUNT_IN_WORDS + 1])('rejects %s', (minor) => {
    expect(() => amountInWords(minor, 'PEN')).toThrow(RangeError);
  });

  it('rejects a currency it cannot name', () => {
    expect(() => amountInWords(100, 'EUR' as never)).toThrow(/unsupported currency EUR/);
  });
});

// An independent reading of the words, to check every number round-trips.
const VALUES: Record<string, number> = {
  CERO: 0, UN: 1, UNO: 1, DOS: 2, TRES: 3, CUATRO: 4, CINCO: 5, SEIS: 6, SIETE: 7, OCHO: 8, NUEVE: 9,
  DIEZ: 10, ONCE: 11, DOCE: 12, TRECE: 13, CATORCE: 14, QUINCE: 15, DIECISEIS: 16, DIECISIETE: 17, DIECIOCHO: 18,
  DIECINUEVE: 19, VEINTE: 20, VEINTIUN: 21, VEINTIUNO: 21, VEINTIDOS: 22, VEINTITRES: 23, VEINTICUATRO: 24,
  VEINTICINCO: 25, VEINTISEIS: 26, VEINTISIETE: 27, VEINTIOCHO: 28, VEINTINUEVE: 29, TREINTA: 30, CUARENTA: 40,
  CINCUENTA: 50, SESENTA: 60, SETENTA: 70, OCHENTA: 80, NOVENTA: 90, CIEN: 100, CIENTO: 100, DOSCIENTOS: 200,
  TRESCIENTOS: 300, CUATROCIENTOS: 400, QUINIENTOS: 500, SEISCIENTOS: 600, SETECIENTOS: 700, OCHOCIENTOS: 800,
  NOVECIENTOS: 900,
};
function readWords(words: string): number {
  let millions = 0;
  let thousands = 0;
  let small = 0;
  for (const word of words.split(' ')) {
    if (word === 'Y') continue;
    if (word === 'MIL') {
      thousands += (small || 1) * 1000;
      small = 0;
    } else if (word === 'MILLON' || word === 'MILLONES') {
      millions += (thousands + small) * 1_000_000;
      thousands = 0;
      small = 0;
    } else {
      const value = VALUES[word];
      if (value === undefined) throw new Error(`unknown word ${word}`);
      small += value;
    }
  }
  return millions + thousands + small;
}

describe('integerInWords', () => {
  it('reads back as the number it spells', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 2_000_000 }), fc.integer({ min: 0, max: 999_999_999_999 })),
        (n) => {
          expect(readWords(integerInWords(n))).toBe(n);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('spells every number from 0 to 2 000 so that it reads back', () => {
    for (let n = 0; n <= 2_000; n++) expect(readWords(integerInWords(n))).toBe(n);
  });

  it.each([-1, 1.5, 1_000_000_000_000])('rejects %s', (n) => expect(() => integerInWords(n)).toThrow(RangeError));
});
