import PDFDocument from 'pdfkit';
import { type BitMatrix, create as qrMatrix } from 'qrcode';
import { formatCount, formatMoney } from '../../notifications/templates/money-format';
import { formatUblAmount, type InvoiceLineAmounts } from '../invoice-amounts';
import { type DocumentTypeCode, fullDocumentNumber, type IdentityDocumentType, type InvoiceDocument } from '../invoice-document';
import { sunatQrText } from './sunat-qr';

/**
 * The printed representation (representación impresa) of a SUNAT document: an A4 PDF with what the signed XML
 * says, laid out the way Peruvian receipts are read — issuer on the left, a box with RUC, document type and number
 * on the right, customer and dates, the lines, the totals, the amount in words, the QR and the hash.
 *
 * It is rendered again from the stored document whenever it is needed (API download, e-mail attachment), so the
 * output depends only on its inputs: the PDF's dates are the issue date, not the time of rendering.
 *
 * Only the standard Helvetica fonts are used (nothing to embed or license). They encode text as WinAnsi, which
 * covers Spanish (á é í ó ú ñ ü ¿ ¡) but nothing beyond; `printable` replaces the rest so that a merchant's emoji
 * in a description cannot corrupt the page.
 */

export interface InvoicePdfExtras {
  /** The digest value of the XML signature (valor resumen), printed under the QR. */
  hash: string;
  /** Printed in the footer. */
  brandName?: string;
  /** `#rrggbb`: the title box, the table header and the total. Anything else falls back to SmartPay's teal. */
  brandColor?: string;
  /** Printed above the issuer's name. */
  logoPng?: Buffer;
  /** The invoice's SUNAT status (`accepted`, `rejected`, …); printed under the title box when given. */
  status?: string;
}

const PAGE_WIDTH = 595.28; // A4 in points
const PAGE_HEIGHT = 841.89;
const MARGIN = 40;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;
/** Content never goes below this line: the footer lives underneath. */
const CONTENT_BOTTOM = PAGE_HEIGHT - 58;
const FOOTER_Y = PAGE_HEIGHT - 42;

const REGULAR = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const DEFAULT_BRAND = '#0F766E';
const INK = '#1F2937';
const MUTED = '#6B7280';
const RULE = '#D1D5DB';
const QR_SIZE = 88;
/** Lima has been UTC−5 all year since 1994: the stored local date and time name one instant. */
const LIMA_OFFSET = '-05:00';

interface StatusMark {
  label: string;
  color: string;
  /** A document SUNAT refused is not a receipt: every page says so across it. */
  watermark?: string;
}

const STATUS_MARKS: Record<string, StatusMark> = {
  issued: { label: 'PENDIENTE DE RESPUESTA DE SUNAT', color: '#B45309' },
  accepted: { label: 'ACEPTADO POR SUNAT', color: '#15803D' },
  accepted_with_observations: { label: 'ACEPTADO POR SUNAT CON OBSERVACIONES', color: '#15803D' },
  rejected: { label: 'RECHAZADO POR SUNAT', color: '#B91C1C', watermark: 'RECHAZADO' },
  error: { label: 'NO RECIBIDO POR SUNAT', color: '#B91C1C' },
};

interface Theme {
  brand: string;
  /** Text colour on the brand colour: white, or near-black when the brand is light. */
  onBrand: string;
  brandName?: string;
  logo?: Buffer;
  status?: StatusMark;
}

type Align = 'left' | 'center' | 'right';
interface TextStyle {
  font?: string;
  size?: number;
  color?: string;
  align?: Align;
}
type Row = readonly [label: string, value: string];

interface Column {
  title: string;
  width: number;
  align: Align;
  /** Only the description wraps; every other cell is one line. */
  wraps?: boolean;
  cell: (line: InvoiceLineAmounts, doc: InvoiceDocument) => string;
}

const CELL_PADDING = 6;
const COLUMNS: readonly Column[] = [
  { title: 'Cant.', width: 38, align: 'right', cell: (l) => formatCount(l.quantity) },
  { title: 'Unidad', width: 52, align: 'center', cell: (_l, d) => unitLabel(d.unitCode) },
  { title: 'Descripción', width: 0, align: 'left', wraps: true, cell: (l) => l.description }, // the remaining width
  { title: 'V. unitario', width: 66, align: 'right', cell: (l) => printedUnitValue(l.unitValue) },
  { title: 'P. unitario', width: 66, align: 'right', cell: (l) => amount(l.unitPriceWithIgv) },
  { title: 'Importe', width: 70, align: 'right', cell: (l) => amount(l.lineTotal) },
];
const DESCRIPTION_WIDTH = CONTENT_WIDTH - COLUMNS.reduce((sum, c) => sum + c.width, 0);

export async function renderInvoicePdf(doc: InvoiceDocument, extras: InvoicePdfExtras): Promise<Buffer> {
  // Level Q (25 % recovery): the QR still reads from a creased or smudged printout. Drawn as vector squares, not
  // embedded as a PNG: encoding a PNG only for pdfkit to decode it again was three quarters of the render time,
  // and vectors print sharp at any resolution.
  const qr = qrMatrix(sunatQrText(doc), { errorCorrectionLevel: 'Q' }).modules;
  const issued = new Date(`${doc.issueDate}T${doc.issueTime}${LIMA_OFFSET}`);
  if (Number.isNaN(issued.getTime())) throw new RangeError(`invoice PDF: not an issue date and time: ${doc.issueDate} ${doc.issueTime}`);

  const number = fullDocumentNumber(doc.series, doc.number);
  const pdf = new PDFDocument({
    size: 'A4',
    margin: 0, // every position is computed here, so pdfkit never breaks a page on its own
    bufferPages: true, // the footer's "Página 1 de N" is written once N is known
    lang: 'es-PE',
    info: {
      Title: `${documentTitle(doc.typeCode)} ${number}`,
      Author: doc.issuer.legalName,
      Creator: 'SmartPay',
      CreationDate: issued,
      ModDate: issued,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  new InvoicePdfWriter(pdf, doc, themeOf(extras), qr, extras.hash).write();
  pdf.end();
  return done;
}

class InvoicePdfWriter {
  private y = MARGIN;
  private readonly number: string;
  private readonly title: string;

  constructor(
    private readonly pdf: PDFKit.PDFDocument,
    private readonly doc: InvoiceDocument,
    private readonly theme: Theme,
    private readonly qr: BitMatrix,
    private readonly hash: string,
  ) {
    this.number = fullDocumentNumber(doc.series, doc.number);
    this.title = documentTitle(doc.typeCode);
  }

  write(): void {
    this.header();
    this.parties();
    if (this.doc.reference) this.reference(this.doc.reference);
    this.lines();
    this.summary();
    this.footers();
  }

  private header(): void {
    const { issuer } = this.doc;
    const boxWidth = 210;
    const boxX = PAGE_WIDTH - MARGIN - boxWidth;
    const width = boxX - MARGIN - 24;
    let y = MARGIN;
    if (this.theme.logo) {
      this.pdf.image(this.theme.logo, MARGIN, y, { fit: [160, 48] });
      y += 58;
    }
    const name = issuer.tradeName ?? issuer.legalName;
    y += this.text(name, MARGIN, y, { font: BOLD, size: 16, color: INK }, width) + 4;
    if (name.toLowerCase() !== issuer.legalName.toLowerCase()) {
      y += this.text(issuer.legalName, MARGIN, y, { font: BOLD, size: 9.5 }, width) + 3;
    }
    const a = issuer.address;
    y += this.text([a.line, a.district, a.province, a.department].join(', '), MARGIN, y, { size: 9, color: MUTED }, width) + 2;
    y += this.text(`RUC ${issuer.ruc}`, MARGIN, y, { size: 9, color: MUTED }, width);
    this.y = Math.max(y, this.titleBox(boxX, MARGIN, boxWidth)) + 18;
  }

  /** The box every Peruvian receipt has top right; returns its bottom (with the status under it, if any). */
  private titleBox(x: number, top: number, width: number): number {
    const pad = 10;
    let y = top + pad + 2;
    y += this.text(`RUC ${this.doc.issuer.ruc}`, x, y, { font: BOLD, size: 12, align: 'center' }, width) + 8;
    const band = this.measure(this.title, BOLD, 11, width - 2 * pad) + 14;
    this.pdf.rect(x, y, width, band).fill(this.theme.brand);
    this.text(this.title, x + pad, y + 7.5, { font: BOLD, size: 11, color: this.theme.onBrand, align: 'center' }, width - 2 * pad);
    y += band + 9;
    y += this.text(this.number, x, y, { font: BOLD, size: 13, align: 'center' }, width) + pad;
    this.pdf.roundedRect(x, top, width, y - top, 5).lineWidth(1.2).stroke(this.theme.brand);

    const status = this.theme.status;
    if (!status) return y;
    y += 8;
    const height = this.measure(status.label, BOLD, 8, width - 12) + 8;
    this.pdf.roundedRect(x, y, width, height, 3).lineWidth(0.8).stroke(status.color);
    this.text(status.label, x + 6, y + 4.5, { font: BOLD, size: 8, color: status.color, align: 'center' }, width - 12);
    return y + height;
  }

  private parties(): void {
    const { customer } = this.doc;
    const left: Row[] = [
      ['Cliente', customer.name],
      ['Documento', customerDocument(customer.documentType, customer.documentNumber)],
    ];
    if (customer.address) left.push(['Dirección', customer.address]);
    const right: Row[] = [
      ['Fecha de emisión', printedDate(this.doc.issueDate)],
      ['Hora de emisión', this.doc.issueTime],
      ['Moneda', this.doc.currency === 'PEN' ? 'Soles (PEN)' : 'Dólares americanos (USD)'],
    ];
    if (this.doc.paymentTerms) right.push(['Forma de pago', this.doc.paymentTerms]);
    this.infoBox(left, right);
  }

  private reference(ref: NonNullable<InvoiceDocument['reference']>): void {
    this.infoBox(
      [
        ['Documento', `${documentTitle(ref.typeCode)} ${fullDocumentNumber(ref.series, ref.number)}`],
        ['Motivo', `${ref.reasonCode} — ${ref.reasonDescription}`],
      ],
      [['Fecha de emisión', printedDate(ref.issueDate)]],
      'DOCUMENTO QUE MODIFICA',
    );
  }

  /** A bordered box of label–value rows in two columns (the right one narrower). */
  private infoBox(left: readonly Row[], right: readonly Row[], title?: string): void {
    const pad = 10;
    const gap = 16;
    const rightWidth = 204;
    const leftWidth = CONTENT_WIDTH - 2 * pad - gap - rightWidth;
    const top = this.y;
    let y = top + pad;
    if (title) y += this.text(title, MARGIN + pad, y, { font: BOLD, size: 8, color: this.theme.brand }, leftWidth) + 5;
    const leftBottom = this.rows(left, MARGIN + pad, y, leftWidth, 62);
    const rightBottom = this.rows(right, MARGIN + pad + leftWidth + gap, y, rightWidth, 84);
    const bottom = Math.max(leftBottom, rightBottom) + pad - 4;
    this.pdf.roundedRect(MARGIN, top, CONTENT_WIDTH, bottom - top, 4).lineWidth(0.8).stroke(RULE);
    this.y = bottom + 12;
  }

  private rows(rows: readonly Row[], x: number, top: number, width: number, labelWidth: number): number {
    let y = top;
    for (const [label, value] of rows) {
      const labelHeight = this.text(label, x, y + 0.7, { font: BOLD, size: 8, color: MUTED }, labelWidth - 6);
      const valueHeight = this.text(value, x + labelWidth, y, { size: 9 }, width - labelWidth);
      y += Math.max(labelHeight, valueHeight) + 4;
    }
    return y;
  }

  private lines(): void {
    this.tableHeader();
    for (const line of this.doc.amounts.lines) {
      const descriptionHeight = this.measure(line.description, REGULAR, 9, DESCRIPTION_WIDTH - 2 * CELL_PADDING);
      const height = Math.max(descriptionHeight, 11) + 2 * CELL_PADDING;
      if (this.y + height > CONTENT_BOTTOM) {
        this.newPage();
        this.tableHeader();
      }
      let x = MARGIN;
      for (const column of COLUMNS) {
        const width = column.width || DESCRIPTION_WIDTH;
        const value = column.cell(line, this.doc);
        if (column.wraps) this.text(value, x + CELL_PADDING, this.y + CELL_PADDING, { size: 9 }, width - 2 * CELL_PADDING);
        else this.cell(value, x, this.y + CELL_PADDING, width, column.align);
        x += width;
      }
      this.y += height;
      this.pdf.moveTo(MARGIN, this.y).lineTo(MARGIN + CONTENT_WIDTH, this.y).lineWidth(0.5).stroke(RULE);
    }
  }

  private tableHeader(): void {
    const height = 20;
    this.pdf.rect(MARGIN, this.y, CONTENT_WIDTH, height).fill(this.theme.brand);
    let x = MARGIN;
    for (const column of COLUMNS) {
      const width = column.width || DESCRIPTION_WIDTH;
      this.cell(column.title, x, this.y + 6.5, width, column.align, { font: BOLD, size: 8.5, color: this.theme.onBrand });
      x += width;
    }
    this.y += height;
  }

  /** The QR's dark modules as filled rectangles, one per horizontal run, in one path. */
  private qrCode(x: number, y: number): void {
    const { size } = this.qr;
    const module = QR_SIZE / size;
    for (let row = 0; row < size; row++) {
      for (let col = 0; col < size; ) {
        if (!this.qr.get(row, col)) {
          col++;
          continue;
        }
        const start = col;
        while (col < size && this.qr.get(row, col)) col++;
        this.pdf.rect(x + start * module, y + row * module, (col - start) * module, module);
      }
    }
    this.pdf.fill('#000000');
  }

  /** Amount in words and the QR on the left, totals on the right; kept together on one page. */
  private summary(): void {
    const totalsWidth = 230;
    const leftWidth = CONTENT_WIDTH - totalsWidth - 28;
    const words = `SON: ${this.doc.amountInWords}`;
    const legend = `Representación impresa de la ${documentNoun(this.doc.typeCode)} electrónica. Valor resumen: ${this.hash}`;
    const leftHeight = this.measure(words, BOLD, 9, leftWidth) + 14 + QR_SIZE + 12 + this.measure(legend, REGULAR, 8, leftWidth);
    const totalsHeight = 3 * 20 + 6;
    this.y += 16;
    if (this.y + Math.max(leftHeight, totalsHeight) > CONTENT_BOTTOM) this.newPage();
    const top = this.y;

    let y = top + this.text(words, MARGIN, top, { font: BOLD, size: 9 }, leftWidth) + 14;
    this.qrCode(MARGIN, y);
    y += QR_SIZE + 12;
    this.text(legend, MARGIN, y, { size: 8, color: MUTED }, leftWidth);

    const { totals, igvRateBasisPoints } = this.doc.amounts;
    const x = PAGE_WIDTH - MARGIN - totalsWidth;
    const rows: Row[] = [
      ['Op. gravada', formatMoney(totals.base, this.doc.currency)],
      [`IGV ${igvRateBasisPoints / 100} %`, formatMoney(totals.igv, this.doc.currency)],
    ];
    let ty = top - 4;
    for (const [label, value] of rows) {
      this.text(label, x + 10, ty + 5, { size: 9, color: MUTED }, 120);
      this.cell(value, x, ty + 5, totalsWidth, 'right', { size: 9.5 });
      ty += 20;
      this.pdf.moveTo(x, ty).lineTo(x + totalsWidth, ty).lineWidth(0.5).stroke(RULE);
    }
    ty += 6;
    const style = { font: BOLD, size: 10.5, color: this.theme.onBrand };
    this.pdf.roundedRect(x, ty, totalsWidth, 24, 3).fill(this.theme.brand);
    this.text('Importe total', x + 10, ty + 7, style, 120);
    this.cell(formatMoney(totals.total, this.doc.currency), x, ty + 7, totalsWidth, 'right', style);
    this.y = Math.max(y, ty + 24);
  }

  /** Pages after the first repeat who issued what, so a loose page still says which document it belongs to. */
  private newPage(): void {
    this.pdf.addPage();
    const style = { font: BOLD, size: 8.5, color: MUTED };
    this.text(`${this.doc.issuer.legalName} · RUC ${this.doc.issuer.ruc}`, MARGIN, MARGIN, style, CONTENT_WIDTH / 2);
    this.cell(`${this.title} ${this.number}`, MARGIN + CONTENT_WIDTH / 2, MARGIN, CONTENT_WIDTH / 2, 'right', style, 0);
    this.y = MARGIN + 16;
    this.pdf.moveTo(MARGIN, this.y).lineTo(MARGIN + CONTENT_WIDTH, this.y).lineWidth(0.8).stroke(this.theme.brand);
    this.y += 12;
  }

  private footers(): void {
    const { start, count } = this.pdf.bufferedPageRange();
    for (let i = 0; i < count; i++) {
      this.pdf.switchToPage(start + i);
      const status = this.theme.status;
      if (status?.watermark) {
        this.pdf.save();
        this.pdf.rotate(-40, { origin: [PAGE_WIDTH / 2, PAGE_HEIGHT / 2] });
        this.pdf.fillOpacity(0.12);
        this.text(status.watermark, 0, PAGE_HEIGHT / 2 - 40, { font: BOLD, size: 80, color: status.color, align: 'center' }, PAGE_WIDTH);
        this.pdf.restore();
      }
      this.pdf.moveTo(MARGIN, FOOTER_Y - 8).lineTo(MARGIN + CONTENT_WIDTH, FOOTER_Y - 8).lineWidth(0.5).stroke(RULE);
      const style = { size: 7.5, color: MUTED };
      this.text('Consulte la validez de este comprobante en www.sunat.gob.pe', MARGIN, FOOTER_Y, style, CONTENT_WIDTH * 0.65);
      const page = `Página ${i + 1} de ${count}`;
      this.cell(this.theme.brandName ? `${this.theme.brandName} · ${page}` : page, MARGIN + CONTENT_WIDTH * 0.65, FOOTER_Y, CONTENT_WIDTH * 0.35, 'right', style, 0);
    }
  }

  /** Wrapped text at (x, y), `width` wide; returns its height. */
  private text(value: string, x: number, y: number, style: TextStyle, width: number): number {
    const text = printable(value);
    this.style(style);
    this.pdf.text(text, x, y, { width, align: style.align ?? 'left', lineGap: 1.5 });
    return this.pdf.heightOfString(text, { width, lineGap: 1.5 });
  }

  /**
   * One line in a table cell, never wrapped: a number that does not fit its column is set smaller instead of
   * breaking into a second line over the row below.
   */
  private cell(value: string, x: number, y: number, width: number, align: Align, style: TextStyle = { size: 9 }, padding = CELL_PADDING): void {
    const text = printable(value);
    const room = width - 2 * padding;
    this.style(style);
    const natural = this.pdf.widthOfString(text);
    if (natural > room) this.pdf.fontSize((style.size ?? 9) * (room / natural));
    const used = Math.min(natural, room);
    const left = align === 'left' ? x + padding : align === 'right' ? x + width - padding - used : x + (width - used) / 2;
    this.pdf.text(text, left, y, { lineBreak: false });
  }

  private measure(value: string, font: string, size: number, width: number): number {
    this.pdf.font(font).fontSize(size);
    return this.pdf.heightOfString(printable(value), { width, lineGap: 1.5 });
  }

  private style(style: TextStyle): void {
    this.pdf.font(style.font ?? REGULAR).fontSize(style.size ?? 9).fillColor(style.color ?? INK);
  }
}

function themeOf(extras: InvoicePdfExtras): Theme {
  const brand = extras.brandColor && /^#[0-9a-f]{6}$/i.test(extras.brandColor) ? extras.brandColor : DEFAULT_BRAND;
  const brandName = extras.brandName?.trim();
  return {
    brand,
    onBrand: isLight(brand) ? '#111827' : '#FFFFFF',
    brandName: brandName ? brandName : undefined,
    logo: extras.logoPng,
    status: extras.status === undefined ? undefined : (STATUS_MARKS[extras.status] ?? { label: extras.status.toUpperCase(), color: MUTED }),
  };
}

/** Perceived brightness (ITU-R BT.601 weights): a yellow or pastel brand gets dark text, not white. */
function isLight(hex: string): boolean {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
  return r * 0.299 + g * 0.587 + b * 0.114 > 160;
}

function documentTitle(typeCode: DocumentTypeCode): string {
  switch (typeCode) {
    case '01':
      return 'FACTURA ELECTRÓNICA';
    case '03':
      return 'BOLETA DE VENTA ELECTRÓNICA';
    case '07':
      return 'NOTA DE CRÉDITO ELECTRÓNICA';
  }
}

/** The document as a noun in the legend: "Representación impresa de la boleta de venta electrónica". */
function documentNoun(typeCode: DocumentTypeCode): string {
  switch (typeCode) {
    case '01':
      return 'factura';
    case '03':
      return 'boleta de venta';
    case '07':
      return 'nota de crédito';
  }
}

const IDENTITY_LABELS: Record<IdentityDocumentType, string> = { '6': 'RUC', '1': 'DNI', '4': 'CE', '7': 'Pasaporte', '0': '—' };

/** `RUC 20100070970`, `DNI 45678912`; the anonymous customer (type 0, number `-`) as a plain dash. */
function customerDocument(type: IdentityDocumentType, number: string): string {
  if (type === '0') return number === '-' || number === '' ? '—' : number;
  return `${IDENTITY_LABELS[type]} ${number}`;
}

/** Catálogo 03 codes mean nothing to a customer; the two SmartPay uses are named. */
function unitLabel(unitCode: string): string {
  if (unitCode === 'ZZ') return 'Servicio';
  if (unitCode === 'NIU') return 'Unidad';
  return unitCode;
}

/** `2026-12-04` → `04/12/2026`, the way dates are written in Peru. */
function printedDate(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return day && month && year ? `${day}/${month}/${year}` : isoDate;
}

/** Minor units → `1,234.50`: the totals' format (formatMoney) without the currency symbol, for table cells. */
function amount(minor: number): string {
  return formatUblAmount(minor).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * The valor unitario rounded half-up to the céntimo for reading. The XML carries it with up to ten decimals
 * (8.4733333333 for three units at S/ 10.00 with IGV); on paper two decimals read like every other amount, and the row's
 * importe is quantity × precio unitario, which is exact.
 */
function printedUnitValue(unitValue: string): string {
  const [whole = '0', fraction = ''] = unitValue.split('.');
  const scaled = BigInt(`${whole}${fraction.padEnd(10, '0').slice(0, 10)}`); // major × 10¹⁰ = minor × 10⁸
  const minor = (2n * scaled + 10n ** 8n) / (2n * 10n ** 8n);
  return amount(Number(minor));
}

/** Windows-1252 characters above 0x7F outside Latin-1: the rest of what the standard fonts can show. */
const WIN_ANSI_EXTRAS = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/**
 * Text the standard fonts can encode: composed accents (NFC), odd spaces as spaces, typographic hyphens as `-`,
 * invisible characters dropped, and anything else (emoji, CJK, …) as `?`. pdfkit would otherwise write such a
 * character's code unchecked into the page and garble the line.
 */
function printable(text: string): string {
  const normalized = text
    .normalize('NFC')
    .replace(/[\u200b-\u200d\u2060\ufeff\u00ad]/g, '')
    .replace(/[\t\n\r\u2000-\u200a\u202f\u205f\u3000]/g, ' ')
    .replace(/[\u2010-\u2012]/g, '-');
  let out = '';
  for (const ch of normalized) {
    const code = ch.codePointAt(0)!;
    const latin = (code >= 0x20 && code < 0x7f) || (code >= 0xa0 && code <= 0xff);
    out += latin || WIN_ANSI_EXTRAS.has(ch) ? ch : '?';
  }
  return out;
}
