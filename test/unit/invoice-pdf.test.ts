import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import type { Currency } from '../../src/common/money';
import { amountInWords } from '../../src/invoices/amount-in-words';
import { type InvoiceItemInput, invoiceLines } from '../../src/invoices/invoice-amounts';
import type { CustomerParty, DocumentReference, DocumentTypeCode, InvoiceDocument } from '../../src/invoices/invoice-document';
import { renderInvoicePdf } from '../../src/invoices/pdf/invoice-pdf';
import { sunatQrText } from '../../src/invoices/pdf/sunat-qr';
import { OUTPUT_DIR } from '../support/test-env';

/**
 * The printed representation is checked the way a reader meets it: poppler (Debian's poppler-utils) counts the
 * pages, extracts the text and rasterises page 1. Without poppler only the QR text is checked.
 */
const POPPLER = ['pdfinfo', 'pdftotext', 'pdftoppm', 'pdfimages'];
const HAS_POPPLER = POPPLER.every((bin) => spawnSync(bin, ['-v']).error === undefined);
// CI installs poppler (.ci/run): there a missing poppler fails the suite instead of skipping the PDF checks.
if (!HAS_POPPLER && process.env.CI) throw new Error('invoice-pdf: poppler-utils is required in CI (apt-get install poppler-utils)');
if (!HAS_POPPLER) console.warn('invoice-pdf: PDF checks skipped, poppler-utils is not installed (apt-get install poppler-utils)');

/** UPDATE_DOCS_SAMPLES=1 (or WRITE_DOCS_SCREENSHOTS=1, which refreshes the e-mail pictures too) rewrites the docs picture. */
const WRITE_DOCS = process.env.UPDATE_DOCS_SAMPLES === '1' || process.env.WRITE_DOCS_SCREENSHOTS === '1';
const DOCS_IMAGES = resolve(__dirname, '..', '..', 'docs', 'images');

/** 595.28 × 841.89 pt at 150 dpi, as pdftoppm rounds it (up). */
const A4_AT_150_DPI = { width: 1241, height: 1754 };
const HASH = 'qNNmX2y4qX9v6m0YkQ1xq7Q9ZcI=';
const FACTURA_CUSTOMER: CustomerParty = { documentType: '6', documentNumber: '20100070970', name: 'Supermercados Peruanos S.A.' };
const ANONYMOUS: CustomerParty = { documentType: '0', documentNumber: '-', name: 'CLIENTES VARIOS' };
const PLAN: InvoiceItemInput = { description: 'Paquete Professional — 500 créditos + 10 % bono', quantity: 1, unitAmount: 11_800 };

interface Overrides {
  typeCode?: DocumentTypeCode;
  series?: string;
  number?: number;
  currency?: Currency;
  customer?: CustomerParty;
  items?: InvoiceItemInput[];
  reference?: DocumentReference;
}

function document(over: Overrides = {}): InvoiceDocument {
  const typeCode = over.typeCode ?? '01';
  const amounts = invoiceLines(over.items ?? [PLAN]);
  const currency = over.currency ?? 'PEN';
  return {
    typeCode,
    series: over.series ?? 'F001',
    number: over.number ?? 1,
    issueDate: '2026-12-04',
    issueTime: '10:15:00',
    currency,
    issuer: {
      ruc: '20000000001',
      legalName: 'SmartPay Demo S.A.C.',
      tradeName: 'SmartPay Demo',
      address: {
        line: 'Av. Javier Prado Este 123',
        district: 'San Isidro',
        province: 'Lima',
        department: 'Lima',
        ubigeo: '150131',
        countryCode: 'PE',
        establishmentCode: '0000',
      },
    },
    customer: over.customer ?? FACTURA_CUSTOMER,
    amounts,
    unitCode: 'ZZ',
    amountInWords: amountInWords(amounts.totals.total, currency),
    ...(typeCode === '07' ? { reference: over.reference } : { paymentTerms: 'Contado' as const }),
  };
}

const creditNote = (): InvoiceDocument =>
  document({
    typeCode: '07',
    series: 'FC01',
    number: 3,
    customer: { ...FACTURA_CUSTOMER, address: 'Av. Ejemplo 456, San Borja, Lima' },
    reference: { typeCode: '01', series: 'F001', number: 7, reasonCode: '01', reasonDescription: 'ANULACION DE LA OPERACION', issueDate: '2026-12-03' },
  });

describe('the QR text', () => {
  it('a factura: RUC|type|series|number|IGV|total|date|customer doc type|number|', () => {
    expect(sunatQrText(document())).toBe('20000000001|01|F001|1|18.00|118.00|2026-12-04|6|20100070970|');
  });

  it('a boleta to the anonymous customer: document type 0, number -, the correlative unpadded', () => {
    const boleta = document({ typeCode: '03', series: 'B001', number: 27, customer: ANONYMOUS, items: [{ description: 'Recarga', quantity: 2, unitAmount: 2_500 }] });
    // 50.00 / 1.18 = 42.37 → IGV 7.63.
    expect(sunatQrText(boleta)).toBe('20000000001|03|B001|27|7.63|50.00|2026-12-04|0|-|');
  });

  it('a credit note carries its own series and number', () => {
    expect(sunatQrText(creditNote())).toBe('20000000001|07|FC01|3|18.00|118.00|2026-12-04|6|20100070970|');
  });
});

describe.skipIf(!HAS_POPPLER)('the printed representation (PDF)', () => {
  // Kept after the run, like the e-mail screenshots, so a failing layout can be looked at.
  const dir = join(OUTPUT_DIR, 'invoice-pdf');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  function save(pdf: Buffer, name: string): string {
    const file = join(dir, `${name}.pdf`);
    writeFileSync(file, pdf);
    return file;
  }
  const run = (bin: string, args: string[]): string => execFileSync(bin, args, { encoding: 'utf8' });
  const info = (file: string): string => run('pdfinfo', [file]);
  const pages = (file: string): number => Number(/^Pages:\s+(\d+)/m.exec(info(file))?.[1]);
  /** Text in reading layout, for what a person reads on one line. */
  const layoutText = (file: string): string => run('pdftotext', ['-layout', file, '-']);
  /** Text in drawing order with whitespace collapsed, so a wrapped description or legend reads as one string. */
  const flatText = (file: string): string => run('pdftotext', ['-raw', file, '-']).replace(/\s+/g, ' ');

  /** Pairs of words whose boxes intersect on some page (tolerating rounding): anything drawn over anything else. */
  function overlappingWords(file: string): string[] {
    const html = run('pdftotext', ['-bbox', file, '-']);
    const found: string[] = [];
    html.split('<page ').slice(1).forEach((page, index) => {
      const words = [...page.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
        x0: Number(m[1]), y0: Number(m[2]), x1: Number(m[3]), y1: Number(m[4]), text: m[5]!,
      }));
      for (let i = 0; i < words.length; i++) {
        for (let j = i + 1; j < words.length; j++) {
          const a = words[i]!;
          const b = words[j]!;
          const dx = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
          const dy = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
          if (dx > 0.5 && dy > 0.5) found.push(`page ${index + 1}: "${a.text}" × "${b.text}"`);
        }
      }
    });
    return found;
  }

  /** Width and height from a PNG's IHDR chunk. */
  function pngSize(png: Buffer): { width: number; height: number } {
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
  }
  /** pdftoppm's default output (binary PPM, `P6 w h 255` then RGB) as the RGBA jsQR reads. */
  function ppmToRgba(ppm: Buffer): { width: number; height: number; data: Uint8ClampedArray } {
    const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 40).toString('latin1'));
    expect(header).not.toBeNull();
    const width = Number(header![1]);
    const height = Number(header![2]);
    const rgb = ppm.subarray(header![0].length);
    const data = new Uint8ClampedArray(width * height * 4);
    for (let i = 0, j = 0; i < width * height; i++, j += 3) data.set([rgb[j]!, rgb[j + 1]!, rgb[j + 2]!, 255], i * 4);
    return { width, height, data };
  }
  /** Page 1 at 150 dpi. */
  function firstPagePng(file: string, out: string): Buffer {
    run('pdftoppm', ['-png', '-r', '150', '-f', '1', '-l', '1', '-singlefile', file, out]);
    return readFileSync(`${out}.png`);
  }

  it('a factura: one A4 page with the issuer, the customer, the lines, the totals, the legend and the hash', async () => {
    const pdf = await renderInvoicePdf(document(), { hash: HASH, brandName: 'SmartPay' });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const file = save(pdf, 'factura');
    expect(pages(file)).toBe(1);
    expect(info(file)).toMatch(/Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
    expect(info(file)).toMatch(/Title:\s+FACTURA ELECTRÓNICA F001-00000001/);

    const text = layoutText(file);
    for (const expected of [
      'SmartPay Demo S.A.C.',
      'Av. Javier Prado Este 123, San Isidro, Lima, Lima',
      'RUC 20000000001',
      'FACTURA ELECTRÓNICA',
      'F001-00000001',
      'Supermercados Peruanos S.A.',
      'RUC 20100070970',
      '04/12/2026',
      '10:15:00',
      'Soles (PEN)',
      'Contado',
      'Servicio',
      'S/ 100.00',
      'S/ 18.00',
      'S/ 118.00',
      'SON: CIENTO DIECIOCHO CON 00/100 SOLES',
      'Página 1 de 1',
    ]) {
      expect(text, expected).toContain(expected);
    }
    // The row: quantity, unit, description, valor unitario, precio unitario, importe.
    expect(text).toMatch(/1\s+Servicio\s+Paquete Professional — 500 créditos \+ 10 % bono\s+100\.00\s+118\.00\s+118\.00/);
    expect(text).toMatch(/Op\. gravada\s+S\/ 100\.00/);
    expect(text).toMatch(/IGV 18 %\s+S\/ 18\.00/);
    expect(text).toMatch(/Importe total\s+S\/ 118\.00/);
    expect(text).toMatch(/Forma de pago\s+Contado/);
    expect(flatText(file)).toContain(`Representación impresa de la factura electrónica. Valor resumen: ${HASH}`);
    expect(overlappingWords(file)).toEqual([]);

    const png = firstPagePng(file, join(dir, 'factura'));
    expect(pngSize(png)).toEqual(A4_AT_150_DPI);
  });

  it('the QR on the page scans back to the SUNAT text, at print resolution and at a phone photo\'s', async () => {
    const doc = document({ typeCode: '03', series: 'B001', number: 27, customer: ANONYMOUS });
    const file = save(await renderInvoicePdf(doc, { hash: HASH }), 'qr');
    for (const dpi of ['150', '300']) {
      const out = join(dir, `qr-${dpi}`);
      run('pdftoppm', ['-r', dpi, '-f', '1', '-l', '1', '-singlefile', file, out]);
      const page = ppmToRgba(readFileSync(`${out}.ppm`));
      const found = jsQR(page.data, page.width, page.height);
      expect(found?.data, `${dpi} dpi`).toBe(sunatQrText(doc));
    }
  });

  it('a boleta to the anonymous customer', async () => {
    const boleta = document({ typeCode: '03', series: 'B001', number: 27, customer: ANONYMOUS });
    const file = save(await renderInvoicePdf(boleta, { hash: HASH }), 'boleta');
    const text = layoutText(file);
    expect(text).toContain('BOLETA DE VENTA ELECTRÓNICA');
    expect(text).toContain('B001-00000027');
    expect(text).toMatch(/Cliente\s+CLIENTES VARIOS/);
    expect(text).toMatch(/Documento\s+—/);
    expect(flatText(file)).toContain(`Representación impresa de la boleta de venta electrónica. Valor resumen: ${HASH}`);
    expect(overlappingWords(file)).toEqual([]);
  });

  it('a credit note: the document it modifies, the reason, no payment terms', async () => {
    const file = save(await renderInvoicePdf(creditNote(), { hash: HASH }), 'credit-note');
    const text = layoutText(file);
    expect(text).toContain('NOTA DE CRÉDITO ELECTRÓNICA');
    expect(text).toContain('FC01-00000003');
    expect(text).toContain('DOCUMENTO QUE MODIFICA');
    expect(text).toMatch(/Documento\s+FACTURA ELECTRÓNICA F001-00000007\s+Fecha de emisión\s+03\/12\/2026/);
    expect(text).toMatch(/Motivo\s+01 — ANULACION DE LA OPERACION/);
    expect(text).toMatch(/Dirección\s+Av\. Ejemplo 456, San Borja, Lima/);
    expect(text).not.toContain('Forma de pago');
    expect(flatText(file)).toContain(`Representación impresa de la nota de crédito electrónica. Valor resumen: ${HASH}`);
    expect(overlappingWords(file)).toEqual([]);
  });

  it('60 lines: long descriptions wrap, the table continues over pages with its header, nothing overlaps', async () => {
    const items = Array.from({ length: 60 }, (_, i): InvoiceItemInput => ({
      description:
        i % 7 === 0
          ? `Línea ${i + 1}: suscripción anual al plan Empresarial con soporte dedicado, conciliación diaria de pagos y reportes contables para el área de finanzas`
          : `Línea ${i + 1}: recarga de créditos`,
      quantity: 1 + (i % 4),
      unitAmount: 1_000 + 37 * i,
    }));
    const doc = document({ items });
    const file = save(await renderInvoicePdf(doc, { hash: HASH, brandName: 'SmartPay' }), 'sixty-lines');
    const count = pages(file);
    expect(count).toBeGreaterThanOrEqual(2);

    const flat = flatText(file);
    for (const item of items) expect(flat, item.description).toContain(item.description);
    const text = layoutText(file);
    // The table header opens every page the table is on; the totals may need a page of their own.
    const headers = text.match(/Descripción/g)?.length ?? 0;
    expect(headers === count || headers === count - 1, `${headers} table headers on ${count} pages`).toBe(true);
    expect(text).toContain(`Página ${count} de ${count}`);
    // Every page after the first says which document it belongs to.
    expect(text.match(/FACTURA ELECTRÓNICA F001-00000001/g)).toHaveLength(count - 1);
    expect(doc.amountInWords).toBe('TRES MIL CIENTO SESENTA Y CINCO CON 00/100 SOLES');
    // Wrapped over two lines here; pdftotext's raw mode may drop the space after the colon.
    expect(flat).toMatch(/SON: ?TRES MIL CIENTO SESENTA Y CINCO CON 00\/100 SOLES/);
    expect(overlappingWords(file)).toEqual([]);
  });

  it('stays in its boxes at the limits: a 500-character description, an unbroken word, a billion in dollars', async () => {
    const long = Array.from({ length: 50 }, (_, i) => `concepto${i}`).join(' ').slice(0, 500);
    const word = 'X'.repeat(120);
    const doc = document({
      currency: 'USD',
      customer: { ...FACTURA_CUSTOMER, name: 'Compañía de Servicios Financieros, Tecnológicos y de Comercio Exterior del Perú Sociedad Anónima Abierta' },
      items: [
        { description: long, quantity: 100, unitAmount: 1_000_000_000 },
        { description: word, quantity: 99_999, unitAmount: 1 },
      ],
    });
    const file = save(await renderInvoicePdf(doc, { hash: HASH, brandName: 'SmartPay' }), 'limits');
    expect(pages(file)).toBe(1);
    const text = layoutText(file);
    expect(text).toContain('Dólares americanos (USD)');
    expect(text).toContain('1,000,000,000.00');
    expect(text).toContain('99,999');
    expect(text).toMatch(/Importe total\s+US\$ 1,000,000,999\.99/);
    expect(flatText(file)).toContain('MIL MILLONES NOVECIENTOS NOVENTA Y NUEVE CON 99/100 DOLARES AMERICANOS');
    expect(flatText(file)).toContain(long);
    expect(overlappingWords(file)).toEqual([]);
  });

  it('is the same bytes for the same inputs (it is rendered again on every download)', async () => {
    const extras = { hash: HASH, brandName: 'SmartPay', brandColor: '#1D4ED8', status: 'accepted' };
    const first = await renderInvoicePdf(document(), extras);
    await new Promise((r) => setTimeout(r, 1100)); // a clock-dependent date would differ by now
    expect((await renderInvoicePdf(document(), extras)).equals(first)).toBe(true);
  });

  it('prints the status, the logo, and characters the standard fonts lack as ?', async () => {
    const logo = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    const doc = document({ items: [{ description: 'Plan 🚀 anual “Pro” – año 2026 ñandú', quantity: 1, unitAmount: 11_800 }] });
    const file = save(await renderInvoicePdf(doc, { hash: HASH, logoPng: logo, status: 'rejected', brandColor: 'not-a-colour' }), 'rejected-with-logo');
    const text = layoutText(file);
    expect(text).toContain('RECHAZADO POR SUNAT');
    expect(text).toContain('Plan ? anual “Pro” – año 2026 ñandú');
    // The logo is the only image: the QR is drawn as vectors (pdfimages lists a PNG's alpha channel as a separate
    // `smask` row, left out here).
    const images = run('pdfimages', ['-list', file]).trim().split('\n').slice(2).filter((row) => row.trim().split(/\s+/)[2] === 'image');
    expect(images).toHaveLength(1);
  });

  it('the sample in docs/images/invoice-sample.png (written with UPDATE_DOCS_SAMPLES=1)', async () => {
    const sample = document({
      items: [
        PLAN,
        { description: 'Soporte prioritario mensual: atención por correo y chat en horario extendido, revisión de integraciones y reportes de conciliación', quantity: 2, unitAmount: 3_540 },
      ],
    });
    expect(sample.amountInWords).toBe('CIENTO OCHENTA Y OCHO CON 80/100 SOLES');
    const pdf = await renderInvoicePdf(sample, { hash: HASH, brandName: 'SmartPay', brandColor: '#0F766E', status: 'accepted' });
    mkdirSync(OUTPUT_DIR, { recursive: true });
    const file = join(OUTPUT_DIR, 'invoice-sample.pdf');
    writeFileSync(file, pdf);
    expect(layoutText(file)).toMatch(/Importe total\s+S\/ 188\.80/);
    expect(overlappingWords(file)).toEqual([]);
    const png = firstPagePng(file, join(WRITE_DOCS ? DOCS_IMAGES : OUTPUT_DIR, 'invoice-sample'));
    expect(pngSize(png)).toEqual(A4_AT_150_DPI);
  });
});
