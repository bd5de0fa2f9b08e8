import type { AlertSpec } from '../alerts/alert-rules';
import type { Invoice } from './invoice.entity';
import { fullDocumentNumber } from './invoice-document';
import type { InvoiceSummary } from './summary/invoice-summary.entity';

/** A rejected document: its number is burned; SmartPay issues a corrected one while reissues remain, else a person must. */
export function invoiceRejectedAlert(i: Invoice, reissued: boolean): AlertSpec {
  const number = fullDocumentNumber(i.series, i.number);
  const what = `${i.sunatCode ?? '?'} ${i.sunatDescription ?? ''}`.trim();
  return {
    appId: i.appId,
    rule: 'invoice_rejected',
    key: `invoice_rejected:${i.id}`,
    severity: reissued ? 'warning' : 'critical',
    copy: {
      en: {
        title: `SUNAT rejected ${number}`,
        detail: `SUNAT/OSE rejected ${number} (order ${i.orderId}): ${what}. The number is burned. ${reissued ? 'A corrected document is being issued under a new number.' : 'No reissue is left (INVOICE_MAX_REISSUES): correct the cause and issue it again.'}`,
        facts: [
          { label: 'Document', value: number },
          { label: 'Code', value: i.sunatCode ?? '' },
          { label: 'Order', value: i.orderId },
        ],
      },
      es: {
        title: `SUNAT rechazó ${number}`,
        detail: `SUNAT/OSE rechazó ${number} (pedido ${i.orderId}): ${what}. El número queda inutilizado. ${reissued ? 'Se está emitiendo un comprobante corregido con un nuevo número.' : 'No quedan reemisiones (INVOICE_MAX_REISSUES): corrige la causa y emítelo de nuevo.'}`,
        facts: [
          { label: 'Comprobante', value: number },
          { label: 'Código', value: i.sunatCode ?? '' },
          { label: 'Pedido', value: i.orderId },
        ],
      },
    },
    data: { invoice_id: i.id, full_number: number, order_id: i.orderId, code: i.sunatCode, description: i.sunatDescription, reissued },
  };
}

/** A document SUNAT/OSE never answered for, after every resend of the schedule. */
export function invoiceStuckAlert(i: Invoice, lastError: string): AlertSpec {
  const number = fullDocumentNumber(i.series, i.number);
  return {
    appId: i.appId,
    rule: 'invoice_stuck',
    key: `invoice_stuck:${i.id}`,
    severity: 'critical',
    copy: {
      en: {
        title: `${number} could not be sent to SUNAT`,
        detail: `${number} was sent ${i.submitAttempts} times without an answer (last: ${lastError}). It is marked "error"; check the SUNAT/OSE endpoint and credentials. Facturas must reach SUNAT within 3 days of issue.`,
        facts: [
          { label: 'Document', value: number },
          { label: 'Attempts', value: String(i.submitAttempts) },
        ],
      },
      es: {
        title: `${number} no pudo enviarse a SUNAT`,
        detail: `${number} se envió ${i.submitAttempts} veces sin respuesta (última: ${lastError}). Quedó en estado "error"; revisa el endpoint y las credenciales de SUNAT/OSE. Las facturas deben llegar a SUNAT dentro de los 3 días de su emisión.`,
        facts: [
          { label: 'Comprobante', value: number },
          { label: 'Intentos', value: String(i.submitAttempts) },
        ],
      },
    },
    data: { invoice_id: i.id, full_number: number, order_id: i.orderId, attempts: i.submitAttempts, last_error: lastError },
  };
}

/** A rejected daily summary: every document in it is rejected with it (numbers burned, corrected ones reissued). */
export function summaryRejectedAlert(s: InvoiceSummary, documents: number, reissued: number): AlertSpec {
  const what = `${s.sunatCode ?? '?'} ${s.sunatDescription ?? ''}`.trim();
  return {
    appId: s.appId,
    rule: 'invoice_rejected',
    key: `invoice_rejected:${s.id}`,
    severity: reissued === documents ? 'warning' : 'critical',
    copy: {
      en: {
        title: `SUNAT rejected the daily summary ${s.documentId}`,
        detail: `SUNAT/OSE rejected the daily summary ${s.documentId} (boletas of ${s.referenceDate}): ${what}. Its ${documents} documents are rejected and their numbers burned; ${reissued} are being issued again under new numbers for the next summary${reissued < documents ? ', the others need a person (INVOICE_MAX_REISSUES)' : ''}.`,
        facts: [
          { label: 'Summary', value: s.documentId },
          { label: 'Code', value: s.sunatCode ?? '' },
          { label: 'Documents', value: String(documents) },
        ],
      },
      es: {
        title: `SUNAT rechazó el resumen diario ${s.documentId}`,
        detail: `SUNAT/OSE rechazó el resumen diario ${s.documentId} (boletas del ${s.referenceDate}): ${what}. Sus ${documents} comprobantes quedan rechazados y sus números inutilizados; ${reissued} se están emitiendo de nuevo con nuevos números para el siguiente resumen${reissued < documents ? ', los demás requieren atención (INVOICE_MAX_REISSUES)' : ''}.`,
        facts: [
          { label: 'Resumen', value: s.documentId },
          { label: 'Código', value: s.sunatCode ?? '' },
          { label: 'Comprobantes', value: String(documents) },
        ],
      },
    },
    data: { summary_id: s.id, document_id: s.documentId, reference_date: s.referenceDate, code: s.sunatCode, description: s.sunatDescription, documents, reissued },
  };
}

/** A daily summary SUNAT/OSE never took or never decided, after every resend or poll of the schedules. */
export function summaryStuckAlert(s: InvoiceSummary, lastError: string): AlertSpec {
  return {
    appId: s.appId,
    rule: 'invoice_stuck',
    key: `invoice_stuck:${s.id}`,
    severity: 'critical',
    copy: {
      en: {
        title: `The daily summary ${s.documentId} is stuck`,
        detail: `The daily summary ${s.documentId} (boletas of ${s.referenceDate}, ${s.lineCount} documents) got no decision from SUNAT/OSE after ${s.submitAttempts} sends and ${s.polls} status checks (last: ${lastError}). It is marked "error"; its documents are still unreported. Check the SUNAT/OSE endpoint and credentials.`,
        facts: [
          { label: 'Summary', value: s.documentId },
          { label: 'Documents', value: String(s.lineCount) },
        ],
      },
      es: {
        title: `El resumen diario ${s.documentId} está detenido`,
        detail: `El resumen diario ${s.documentId} (boletas del ${s.referenceDate}, ${s.lineCount} comprobantes) no obtuvo respuesta de SUNAT/OSE tras ${s.submitAttempts} envíos y ${s.polls} consultas (última: ${lastError}). Quedó en estado "error"; sus comprobantes siguen sin informarse. Revisa el endpoint y las credenciales de SUNAT/OSE.`,
        facts: [
          { label: 'Resumen', value: s.documentId },
          { label: 'Comprobantes', value: String(s.lineCount) },
        ],
      },
    },
    data: { summary_id: s.id, document_id: s.documentId, reference_date: s.referenceDate, documents: s.lineCount, last_error: lastError },
  };
}
