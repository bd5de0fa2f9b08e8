import type { Invoice } from './invoice.entity';
import { fullDocumentNumber } from './invoice-document';

const DOCUMENT_TYPE_NAME: Record<string, string> = { '6': 'RUC', '1': 'DNI', '4': 'CE', '7': 'PASSPORT', '0': 'NONE' };

/** An invoice as the API, its events and webhooks show it (api.md, "Invoices"). */
export function presentInvoice(i: Invoice) {
  return {
    id: i.id,
    object: 'invoice' as const,
    type: i.kind,
    type_code: i.typeCode,
    series: i.series,
    number: i.number,
    full_number: fullDocumentNumber(i.series, i.number),
    issue_date: i.document.issueDate,
    currency: i.currency,
    subtotal: i.subtotal,
    igv: i.igv,
    total: i.total,
    customer: {
      document_type: DOCUMENT_TYPE_NAME[i.customer.documentType] ?? i.customer.documentType,
      document_number: i.customer.documentNumber === '-' ? null : i.customer.documentNumber,
      name: i.customer.name,
    },
    lines: i.document.amounts.lines.map((l) => ({
      description: l.description,
      quantity: l.quantity,
      unit_amount: l.unitPriceWithIgv,
      unit_value: l.unitValue,
      subtotal: l.base,
      igv: l.igv,
      total: l.lineTotal,
    })),
    amount_in_words: i.document.amountInWords,
    order_id: i.orderId,
    refund_id: i.refundId,
    reference_invoice_id: i.referenceInvoiceId,
    replaces_invoice_id: i.replacesInvoiceId,
    credit_note_reason: i.document.reference ? { code: i.document.reference.reasonCode, description: i.document.reference.reasonDescription } : null,
    status: i.status,
    /** `RC-20261205-1` when the document was reported in a daily summary (issuers with `boletas: daily_summary`). */
    summary: i.summaryDocument,
    sunat: i.sunatCode === null ? null : { code: i.sunatCode, description: i.sunatDescription, observations: i.sunatObservations },
    hash: i.hash,
    created_at: i.createdAt.toISOString(),
  };
}

export type InvoiceView = ReturnType<typeof presentInvoice>;
