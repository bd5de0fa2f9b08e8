import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BuyerFacts, type DocumentContext, limaDateTime, planCreditNote, planSale, type SaleFacts } from '../../src/invoices/document-builder';
import { DEMO_ISSUER } from '../../src/invoices/demo-issuer';

const ctx: DocumentContext = {
  issuer: {
    ruc: DEMO_ISSUER.ruc,
    legalName: DEMO_ISSUER.legal_name,
    address: { ...DEMO_ISSUER.address, countryCode: 'PE', establishmentCode: '0000' },
  },
  series: { factura: 'F001', boleta: 'B001', credit_note_factura: 'FC01', credit_note_boleta: 'BC01' },
  unitCode: 'ZZ',
  now: new Date('2026-12-04T03:30:00Z'),
};

const sale = (over: Partial<SaleFacts> = {}): SaleFacts => ({
  currency: 'PEN',
  amount: 11800,
  items: [{ description: 'Plan mensual', quantity: 1, unit_amount: 11800 }],
  description: null,
  reference: 'A-1',
  creditPackage: null,
  buyer: null,
  ...over,
});
const buyer = (over: Partial<BuyerFacts>): BuyerFacts => ({ name: 'Ana Pérez', documentType: null, documentNumber: null, invoiceType: 'boleta', businessName: null, address: null, ...over });

describe('which document a sale gets', () => {
  it('a factura only to a buyer who asked for one with a valid RUC', () => {
    const f = planSale(sale({ buyer: buyer({ invoiceType: 'factura', documentType: 'RUC', documentNumber: '20100070970', businessName: 'SUPERMERCADOS PERUANOS S.A.' }) }), ctx);
    expect(f).toMatchObject({ kind: 'factura', typeCode: '01', series: 'F001' });
    expect(f.document.customer).toMatchObject({ documentType: '6', documentNumber: '20100070970', name: 'SUPERMERCADOS PERUANOS S.A.' });
    expect(f.document.paymentTerms).toBe('Contado');
    // A wrong check digit: a boleta, never a factura SUNAT would reject.
    const badRuc = planSale(sale({ buyer: buyer({ invoiceType: 'factura', documentType: 'RUC', documentNumber: '20100070971' }) }), ctx);
    expect(badRuc).toMatchObject({ kind: 'boleta', series: 'B001' });
    expect(badRuc.document.customer.documentType).toBe('0');
  });

  it('a boleta to the buyer’s DNI, CE or passport, else to the anonymous customer', () => {
    expect(planSale(sale({ buyer: buyer({ documentType: 'DNI', documentNumber: '45678912' }) }), ctx).document.customer).toEqual({ documentType: '1', documentNumber: '45678912', name: 'Ana Pérez' });
    expect(planSale(sale({ buyer: buyer({ documentType: 'CE', documentNumber: 'x12345' }) }), ctx).document.customer.documentType).toBe('4');
    expect(planSale(sale({ buyer: buyer({ documentType: 'PASSPORT', documentNumber: 'AB1234' }) }), ctx).document.customer.documentType).toBe('7');
    expect(planSale(sale(), ctx).document.customer).toEqual({ documentType: '0', documentNumber: '-', name: 'CLIENTES VARIOS' });
  });

  it('invoices a credit package as one line naming its credits and bonus', () => {
    const p = planSale(sale({ amount: 19900, items: [{ description: 'x', quantity: 1, unit_amount: 19900 }], creditPackage: { name: 'Professional', credits: 500, bonusCredits: 50 } }), ctx);
    expect(p.document.amounts.lines).toHaveLength(1);
    expect(p.document.amounts.lines[0]!.description).toBe('Paquete Professional: 500 créditos + 50 de bono');
    expect(p.document.amounts.totals.total).toBe(19900);
    expect(p.document.amountInWords).toBe('CIENTO NOVENTA Y NUEVE CON 00/100 SOLES');
  });

  it('uses one line for the whole amount when the items do not add up to it', () => {
    const p = planSale(sale({ amount: 5000, items: [], description: 'Recarga' }), ctx);
    expect(p.document.amounts.lines).toEqual([expect.objectContaining({ description: 'Recarga', quantity: 1, lineTotal: 5000 })]);
  });

  it('dates the document in Lima time (UTC−5)', () => {
    expect(limaDateTime(new Date('2026-12-04T03:30:00Z'))).toEqual({ issueDate: '2026-12-03', issueTime: '22:30:00' });
    expect(planSale(sale(), ctx).document.issueDate).toBe('2026-12-03');
  });
});

describe('credit notes', () => {
  const reasons = { full: '01', partial: '09' };
  const factura = { ...planSale(sale({ amount: 23600, items: [{ description: 'Plan', quantity: 2, unit_amount: 11800 }], buyer: buyer({ invoiceType: 'factura', documentType: 'RUC', documentNumber: '20100070970' }) }), ctx).document, number: 7 };

  it('a full refund repeats the lines, in the F family, referencing the factura', () => {
    const n = planCreditNote(factura, { amount: 23600, full: true, reasons }, ctx);
    expect(n).toMatchObject({ kind: 'credit_note', typeCode: '07', series: 'FC01' });
    expect(n.document.amounts.lines.map((l) => [l.quantity, l.unitPriceWithIgv])).toEqual([[2, 11800]]);
    expect(n.document.reference).toMatchObject({ typeCode: '01', series: 'F001', number: 7, reasonCode: '01', reasonDescription: 'ANULACION DE LA OPERACION' });
    expect(n.document.customer).toEqual(factura.customer);
  });

  it('a partial refund is one line for exactly the refunded amount, in the B family for a boleta', () => {
    const boleta = { ...planSale(sale(), ctx).document, number: 3 };
    const n = planCreditNote(boleta, { amount: 1001, full: false, reasons }, ctx);
    expect(n.series).toBe('BC01');
    expect(n.document.amounts.totals.total).toBe(1001);
    expect(n.document.reference).toMatchObject({ typeCode: '03', number: 3, reasonCode: '09' });
  });

  it('always equals what went back, for any refund of any basket', () => {
    const item = fc.record({ description: fc.constant('Item'), quantity: fc.integer({ min: 1, max: 50 }), unit_amount: fc.integer({ min: 1, max: 2_000_000 }) });
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 20 }), fc.constantFrom('PEN' as const, 'USD' as const), fc.double({ min: 0, max: 1, noNaN: true }), (items, currency, share) => {
        const amount = items.reduce((s, i) => s + i.quantity * i.unit_amount, 0);
        const original = { ...planSale(sale({ currency, amount, items }), ctx).document, number: 1 };
        const refunded = Math.max(1, Math.floor(amount * share));
        const note = planCreditNote(original, { amount: refunded, full: refunded === amount, reasons }, ctx);
        expect(note.document.amounts.totals.total).toBe(refunded);
        expect(note.document.currency).toBe(currency);
        const t = note.document.amounts.totals;
        expect(t.base + t.igv).toBe(t.total);
      }),
      { numRuns: 200 },
    );
  });
});
