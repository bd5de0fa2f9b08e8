import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amountInWords } from '../../src/invoices/amount-in-words';
import { formatUblAmount, invoiceLines, InvoiceAmountsError } from '../../src/invoices/invoice-amounts';

const item = fc.record({
  description: fc.constantFrom('Plan mensual', 'Recarga', 'Polo talla M', 'Servicio técnico'),
  quantity: fc.integer({ min: 1, max: 1000 }),
  unitAmount: fc.integer({ min: 1, max: 5_000_000 }),
});
const basket = fc.record({
  currency: fc.constantFrom('PEN' as const, 'USD' as const),
  items: fc.array(item, { minLength: 1, maxLength: 20 }),
});

/** quantity × valor unitario back in minor units, rounded half-up: what SUNAT recomputes for observation 4288. */
function lineValueFromUnitValue(quantity: number, unitValue: string): bigint {
  const [whole, fraction = ''] = unitValue.split('.');
  const scaled = BigInt(`${whole}${fraction.padEnd(10, '0')}`); // major units × 10¹⁰
  const product = scaled * BigInt(quantity); // major × 10¹⁰ = minor × 10⁸
  return (2n * product + 10n ** 8n) / (2n * 10n ** 8n);
}

describe('invoiceLines', () => {
  it('adds up to the amount charged, line by line and in the header, with IGV within a céntimo of 18 %', () => {
    fc.assert(
      fc.property(basket, ({ currency, items }) => {
        const { lines, totals } = invoiceLines(items);
        const charged = items.reduce((sum, i) => sum + i.quantity * i.unitAmount, 0);

        expect(lines).toHaveLength(items.length);
        expect(lines.reduce((sum, l) => sum + l.base, 0)).toBe(totals.base);
        expect(lines.reduce((sum, l) => sum + l.igv, 0)).toBe(totals.igv);
        expect(lines.reduce((sum, l) => sum + l.lineTotal, 0)).toBe(totals.total);
        expect(totals.base + totals.igv).toBe(totals.total);
        expect(totals.total).toBe(charged);

        lines.forEach((line, i) => {
          const input = items[i]!;
          expect(line.lineTotal).toBe(input.quantity * input.unitAmount);
          expect(line.base + line.igv).toBe(line.lineTotal);
          expect(Number.isSafeInteger(line.base) && Number.isSafeInteger(line.igv)).toBe(true);
          expect(line.base).toBeGreaterThanOrEqual(0);
          expect(line.igv).toBeGreaterThanOrEqual(0);
          // |igv − base × 0.18| ≤ 1 céntimo, in integers: |100·igv − 18·base| ≤ 100 …
          expect(Math.abs(100 * line.igv - 18 * line.base)).toBeLessThanOrEqual(100);
          // … and in fact ≤ 0.59 céntimo, since base is lineTotal / 1.18 rounded to the nearest céntimo.
          expect(Math.abs(100 * line.igv - 18 * line.base)).toBeLessThanOrEqual(59);
          // The valor unitario reproduces the valor venta.
          expect(lineValueFromUnitValue(line.quantity, line.unitValue)).toBe(BigInt(line.base));
          expect(line.unitValue).toMatch(/^\d+\.\d{2,10}$/);
        });

        // The legend spells the payable amount in the document's currency.
        expect(amountInWords(totals.total, currency)).toMatch(
          new RegExp(` CON ${formatUblAmount(totals.total).slice(-2)}/100 ${currency === 'PEN' ? 'SOLES' : 'DOLARES AMERICANOS'}$`),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('rounds the base to the nearest céntimo of the gross over 1 + rate, for any rate', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 100_000_000 }), (rate, gross) => {
        const { lines } = invoiceLines([{ description: 'x', quantity: 1, unitAmount: gross }], { igvRateBasisPoints: rate });
        const { base, igv } = lines[0]!;
        // |gross·10000 − base·(10000 + rate)| ≤ (10000 + rate) / 2, i.e. base is within half a céntimo of exact.
        expect(2 * Math.abs(gross * 10_000 - base * (10_000 + rate))).toBeLessThanOrEqual(10_000 + rate);
        expect(base + igv).toBe(gross);
      }),
    );
  });

  it('matches the worked examples', () => {
    const one = invoiceLines([{ description: 'Plan', quantity: 1, unitAmount: 11_800 }]);
    expect(one.totals).toEqual({ base: 10_000, igv: 1_800, total: 11_800 });
    expect(one.igvRateBasisPoints).toBe(1800);
    expect(one.lines[0]).toEqual({
      description: 'Plan',
      quantity: 1,
      unitPriceWithIgv: 11_800,
      lineTotal: 11_800,
      base: 10_000,
      igv: 1_800,
      unitValue: '100.00',
    });

    // S/ 1.00 → 0.8474… → 0.85 + 0.15.
    expect(invoiceLines([{ description: 'x', quantity: 1, unitAmount: 100 }]).totals).toEqual({ base: 85, igv: 15, total: 100 });
    // S/ 1.02: base × 18 % rounded would give 0.86 + 0.15 = 1.01; the remainder keeps the charged 1.02.
    expect(invoiceLines([{ description: 'x', quantity: 1, unitAmount: 102 }]).totals).toEqual({ base: 86, igv: 16, total: 102 });

    // The reference's example: 2 × S/ 59.00 (with IGV) → 100.00 + 18.00, unit value 50.00.
    const two = invoiceLines([{ description: 'x', quantity: 2, unitAmount: 5_900 }]);
    expect(two.lines[0]).toMatchObject({ lineTotal: 11_800, base: 10_000, igv: 1_800, unitValue: '50.00' });
  });

  it('gives the valor unitario from the rounded base with up to 10 decimals', () => {
    // 3 × 1.00 → base 2.54 (3.00 / 1.18 = 2.5423…) → 2.54 / 3 = 0.846666… → 0.8466666667.
    expect(invoiceLines([{ description: 'x', quantity: 3, unitAmount: 100 }]).lines[0]).toMatchObject({
      base: 254,
      igv: 46,
      unitValue: '0.8466666667',
    });
    // Trailing zeros are dropped, but two decimals always remain.
    expect(invoiceLines([{ description: 'x', quantity: 4, unitAmount: 118 }]).lines[0]!.unitValue).toBe('1.00');
    expect(invoiceLines([{ description: 'x', quantity: 8, unitAmount: 118 }]).lines[0]!.unitValue).toBe('1.00');
    expect(invoiceLines([{ description: 'x', quantity: 8, unitAmount: 100 }]).lines[0]).toMatchObject({ base: 678, unitValue: '0.8475' });
  });

  it('keeps free lines (unit 0) as long as the invoice has a positive total', () => {
    const { lines, totals } = invoiceLines([
      { description: 'Gift', quantity: 2, unitAmount: 0 },
      { description: 'Plan', quantity: 1, unitAmount: 11_800 },
    ]);
    expect(lines[0]).toMatchObject({ lineTotal: 0, base: 0, igv: 0, unitValue: '0.00' });
    expect(totals.total).toBe(11_800);
  });

  it.each([
    ['no line', []],
    ['zero total', [{ description: 'x', quantity: 1, unitAmount: 0 }]],
    ['zero quantity', [{ description: 'x', quantity: 0, unitAmount: 100 }]],
    ['negative quantity', [{ description: 'x', quantity: -1, unitAmount: 100 }]],
    ['fractional quantity', [{ description: 'x', quantity: 1.5, unitAmount: 100 }]],
    ['negative amount', [{ description: 'x', quantity: 1, unitAmount: -100 }]],
    ['fractional amount', [{ description: 'x', quantity: 1, unitAmount: 10.5 }]],
    ['NaN amount', [{ description: 'x', quantity: 1, unitAmount: Number.NaN }]],
    ['unsafe amount', [{ description: 'x', quantity: 1, unitAmount: 2 ** 53 }]],
    ['blank description', [{ description: '  ', quantity: 1, unitAmount: 100 }]],
    ['total beyond the legend', [{ description: 'x', quantity: 1_000_000, unitAmount: 1_000_000_000 }]],
  ])('rejects %s', (_case, items) => {
    expect(() => invoiceLines(items)).toThrow(InvoiceAmountsError);
  });

  it('names the offending line', () => {
    expect(() =>
      invoiceLines([
        { description: 'ok', quantity: 1, unitAmount: 100 },
        { description: 'bad', quantity: 0, unitAmount: 100 },
      ]),
    ).toThrow(/line 2: quantity must be a positive integer/);
  });

  it.each([-1, 1.5, 10_001, Number.NaN])('rejects an IGV rate of %s basis points', (rate) => {
    expect(() => invoiceLines([{ description: 'x', quantity: 1, unitAmount: 100 }], { igvRateBasisPoints: rate })).toThrow(
      InvoiceAmountsError,
    );
  });
});

describe('formatUblAmount', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [85, '0.85'],
    [100, '1.00'],
    [11_800, '118.00'],
    [2_100_110, '21001.10'],
    [99_999_999_999_999, '999999999999.99'],
    [Number.MAX_SAFE_INTEGER, '90071992547409.91'],
  ])('%d → %s', (minor, text) => expect(formatUblAmount(minor)).toBe(text));

  it('agrees with the integer it came from', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (minor) => {
        expect(BigInt(formatUblAmount(minor).replace('.', ''))).toBe(BigInt(minor));
      }),
    );
  });

  it.each([-1, 0.5, Number.NaN])('rejects %s', (minor) => expect(() => formatUblAmount(minor)).toThrow(RangeError));
});
