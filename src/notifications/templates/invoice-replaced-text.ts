import type { InvoiceReplacedModel, Locale } from './email-models';

/**
 * The words of the replacement notice, one dictionary per locale with the same keys (a missing translation is a
 * compile error), beside email-text.ts rather than inside it: only this message speaks of SUNAT documents.
 */

type Doc = InvoiceReplacedModel['document'];

export interface InvoiceReplacedText {
  /** The document's name inside a sentence: `boleta de venta`, `sales receipt`. */
  name: Record<Doc, string>;
  subject(doc: Doc, replaced: string, replacement: string, brand: string): string;
  preview(doc: Doc, replaced: string, replacement: string): string;
  heading: string;
  intro(doc: Doc, replaced: string, replacement: string, brand: string): string;
  nothingToDo(doc: Doc): string;
  labels: { replaced: string; replacement: string; issued: string; details: string };
  why(brand: string): string;
}

// Every Spanish document name is feminine (la factura, la boleta, la nota de crédito): one agreement fits all.
const es: InvoiceReplacedText = {
  name: { factura: 'factura', boleta: 'boleta de venta', credit_note: 'nota de crédito' },
  subject: (doc, replaced, replacement, brand) => `Tu ${es.name[doc]} ${replaced} fue reemplazada por ${replacement} — ${brand}`,
  preview: (doc, replaced, replacement) => `Adjuntamos la ${es.name[doc]} ${replacement}, que reemplaza a la ${replaced}.`,
  heading: 'Reemplazamos tu comprobante',
  intro: (doc, replaced, replacement, brand) =>
    `SUNAT rechazó la ${es.name[doc]} ${replaced} que te enviamos ${doc === 'credit_note' ? 'por la devolución de tu pago' : 'por tu pago'} a ${brand}, así que ese comprobante no tiene validez. En su lugar emitimos la ${es.name[doc]} ${replacement}, que adjuntamos a este correo (PDF y XML).`,
  nothingToDo: (doc) => `${doc === 'credit_note' ? 'Tu devolución' : 'Tu pago'} no cambia y no necesitas hacer nada. Guarda el nuevo comprobante y descarta el anterior.`,
  labels: { replaced: 'Comprobante anterior (sin validez)', replacement: 'Nuevo comprobante', issued: 'Fecha de emisión', details: 'Detalles' },
  why: (brand) => `Recibes este correo porque te enviamos un comprobante de un pago a ${brand}.`,
};

const en: InvoiceReplacedText = {
  name: { factura: 'invoice', boleta: 'sales receipt', credit_note: 'credit note' },
  subject: (doc, replaced, replacement, brand) => `Your ${en.name[doc]} ${replaced} was replaced by ${replacement} — ${brand}`,
  preview: (doc, replaced, replacement) => `Attached: ${en.name[doc]} ${replacement}, which replaces ${replaced}.`,
  heading: 'We replaced your tax document',
  intro: (doc, replaced, replacement, brand) =>
    `SUNAT rejected the ${en.name[doc]} ${replaced} we sent you for ${doc === 'credit_note' ? 'the refund of your payment' : 'your payment'} to ${brand}, so that document is not valid. We issued ${en.name[doc]} ${replacement} in its place; it is attached to this e-mail (PDF and XML).`,
  nothingToDo: (doc) => `${doc === 'credit_note' ? 'Your refund' : 'Your payment'} is unchanged and you don't need to do anything. Keep the new document and discard the old one.`,
  labels: { replaced: 'Previous document (void)', replacement: 'New document', issued: 'Issue date', details: 'Details' },
  why: (brand) => `You are receiving this e-mail because we sent you a tax document for a payment to ${brand}.`,
};

const DICTIONARIES: Record<Locale, InvoiceReplacedText> = { es, en };

export function invoiceReplacedText(locale: Locale): InvoiceReplacedText {
  return DICTIONARIES[locale];
}
