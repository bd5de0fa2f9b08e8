import { formatUblAmount } from '../invoice-amounts';
import type { InvoiceDocument } from '../invoice-document';

/**
 * The text of the QR code printed on a SUNAT receipt: nine fields separated by `|`, with a trailing `|`.
 *
 *   RUC | document type | series | number | IGV | total | issue date | customer doc type | customer doc number |
 *   20000000001|01|F001|1|18.00|118.00|2026-12-04|6|20100070970|
 *
 * - The number is the bare correlative (`1`, not `00000001`), as in the XML file name.
 * - IGV and total are the header amounts with exactly two decimals and no grouping, as in the UBL.
 * - The date is the issue date as `YYYY-MM-DD`.
 * - An anonymous customer prints as document type `0` and number `-`, the values the document itself carries.
 *
 * The hash (valor resumen) is deliberately not a field: SmartPay prints it in words next to the QR instead, so
 * the QR stays the same nine fields whoever reads it. No field can contain a `|`, so nothing is escaped: they
 * are digits, the series, amounts, a date, and an identity document number that customers/peru-documents.ts
 * limits to letters and digits (or the anonymous `-`).
 */
export function sunatQrText(doc: InvoiceDocument): string {
  const fields = [
    doc.issuer.ruc,
    doc.typeCode,
    doc.series,
    String(doc.number),
    formatUblAmount(doc.amounts.totals.igv),
    formatUblAmount(doc.amounts.totals.total),
    doc.issueDate,
    doc.customer.documentType,
    doc.customer.documentNumber,
  ];
  return `${fields.join('|')}|`;
}
