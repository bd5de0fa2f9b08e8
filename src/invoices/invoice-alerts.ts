import type { AlertSpec } from '../alerts/alert-rules';
import type { Invoice } from './invoice.entity';
import { fullDocumentNumber } from './invoice-document';

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
