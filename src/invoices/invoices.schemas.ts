import { z } from 'zod';
import { currencySchema, cursorSchema, isoTimestamp, limitSchema } from '../common/validation/common-schemas';

export const INVOICE_TYPES = ['factura', 'boleta', 'credit_note'] as const;
export const INVOICE_STATUSES = ['issued', 'accepted', 'accepted_with_observations', 'rejected', 'error'] as const;

export const listInvoicesSchema = z
  .object({
    order_id: z.string().min(1).max(40).optional(),
    type: z.enum(INVOICE_TYPES).optional(),
    status: z.enum(INVOICE_STATUSES).optional(),
    from: isoTimestamp.optional().describe('Created at or after (ISO 8601)'),
    to: isoTimestamp.optional().describe('Created before (ISO 8601)'),
    limit: limitSchema,
    cursor: cursorSchema.optional(),
  })
  .strict();
export type ListInvoicesQuery = z.infer<typeof listInvoicesSchema>;

const money = z.number().int().describe('Minor units');

/** The response shape (OpenAPI); invoice.presenter.ts builds it. */
export const invoiceSchema = z.object({
  id: z.string().describe('inv_…'),
  object: z.literal('invoice'),
  type: z.enum(INVOICE_TYPES),
  type_code: z.enum(['01', '03', '07']).describe('SUNAT catálogo 01'),
  series: z.string().describe('F001, B001, FC01, BC01…'),
  number: z.number().int(),
  full_number: z.string().describe('F001-00000001'),
  issue_date: z.string().describe('YYYY-MM-DD, Lima time'),
  currency: currencySchema,
  subtotal: money.describe('Operaciones gravadas (without IGV)'),
  igv: money,
  total: money.describe('= the amount charged (or refunded, for a credit note)'),
  customer: z.object({ document_type: z.enum(['RUC', 'DNI', 'CE', 'PASSPORT', 'NONE']), document_number: z.string().nullable(), name: z.string() }),
  lines: z.array(
    z.object({
      description: z.string(),
      quantity: z.number().int(),
      unit_amount: money.describe('Unit price with IGV'),
      unit_value: z.string().describe('Unit value without IGV, decimal string (up to 10 decimals)'),
      subtotal: money,
      igv: money,
      total: money,
    }),
  ),
  amount_in_words: z.string(),
  order_id: z.string(),
  refund_id: z.string().nullable(),
  reference_invoice_id: z.string().nullable().describe('Credit notes: the factura or boleta they modify'),
  replaces_invoice_id: z.string().nullable().describe('Set when this document was issued because that one was rejected'),
  credit_note_reason: z.object({ code: z.string(), description: z.string() }).nullable().describe('Catálogo 09'),
  status: z.enum(INVOICE_STATUSES),
  summary: z
    .string()
    .nullable()
    .describe('The daily summary (resumen diario, `RC-YYYYMMDD-n`) that reported this boleta or its credit note to SUNAT; null when sent on its own (sendBill) or not yet summarised'),
  sunat: z
    .object({ code: z.string().nullable(), description: z.string().nullable(), observations: z.array(z.object({ code: z.string(), description: z.string() })) })
    .nullable()
    .describe('The last answer of SUNAT/OSE (CDR code, or the exception code while resending)'),
  hash: z.string().describe('The signature digest ("valor resumen")'),
  created_at: z.string(),
});
