import type { Invoice } from '../invoices/invoice.entity';
import { documentFileName } from '../invoices/invoice-document';
import { renderInvoicePdf } from '../invoices/pdf/invoice-pdf';
import type { Brand } from './templates/email-models';

export interface Attachment {
  name: string;
  contentBase64: string;
  contentType: string;
}

/**
 * A SUNAT document as it travels by e-mail: its printed representation (PDF, rendered again from the stored
 * document — the same every time) and the signed XML, the legal document itself, under SUNAT's file name.
 */
export async function invoiceAttachments(invoice: Invoice, brand: Brand): Promise<Attachment[]> {
  const name = documentFileName(invoice.document.issuer.ruc, invoice.typeCode, invoice.series, invoice.number);
  const pdf = await renderInvoicePdf(invoice.document, { hash: invoice.hash, brandName: brand.name, brandColor: brand.primaryColor });
  return [
    { name: `${name}.pdf`, contentBase64: pdf.toString('base64'), contentType: 'application/pdf' },
    { name: `${name}.xml`, contentBase64: Buffer.from(invoice.xml, 'utf8').toString('base64'), contentType: 'application/xml' },
  ];
}
