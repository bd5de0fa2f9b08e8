import { z } from 'zod';
import { amountSchema, currencySchema, cursorSchema, isoTimestamp, limitSchema, metadataSchema } from '../common/validation/common-schemas';
import { customerDocumentSchema } from '../customers/customer.schemas';

export const ORDER_STATUSES = [
  'pending',
  'processing',
  'requires_action',
  'paid',
  'partially_refunded',
  'refunded',
  'disputed',
  'canceled',
  'expired',
] as const;

const itemSchema = z
  .object({
    description: z.string().trim().min(1).max(200),
    quantity: z.number().int().min(1).max(10_000),
    unit_amount: amountSchema,
  })
  .strict();

export const createOrderSchema = z
  .object({
    amount: amountSchema.optional().describe('Required unless credit_package sets it'),
    currency: currencySchema,
    description: z.string().trim().min(1).max(500).optional(),
    reference: z.string().trim().min(1).max(255).optional().describe("The merchant's own id; unique per app"),
    customer_id: z.string().max(64).optional().describe('With credit_package, this or `customer` is required'),
    customer: z
      .object({
        email: z.email().max(254),
        name: z.string().trim().min(1).max(200).optional(),
        document: customerDocumentSchema.optional(),
        locale: z.enum(['es', 'en']).optional().describe('Language of the e-mails the customer gets; default es'),
      })
      .strict()
      .optional()
      .describe("Reuses the app's customer with this e-mail, else creates one"),
    items: z.array(itemSchema).min(1).max(100).optional().describe('Σ quantity × unit_amount must equal amount'),
    credit_package: z.string().min(1).max(32).optional().describe('Sets amount and items from the package price'),
    metadata: metadataSchema.optional(),
    expires_at: isoTimestamp.optional().describe('Default: now + ORDER_TTL (24 h)'),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.customer_id !== undefined && o.customer !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['customer'], message: 'send either customer_id or customer, not both' });
    }
    if (o.credit_package === undefined && o.amount === undefined) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: 'required (or set credit_package)' });
    }
    if (o.credit_package !== undefined && o.items !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['items'], message: 'a credit_package order gets its items from the package' });
    }
    // Paying the order grants the credits to a customer's account: without one they would be paid for and lost.
    if (o.credit_package !== undefined && o.customer_id === undefined && o.customer === undefined) {
      ctx.addIssue({ code: 'custom', path: ['customer_id'], message: 'required with credit_package (or `customer`): credits belong to a customer' });
    }
  });
export type CreateOrderInput = z.infer<typeof createOrderSchema>;

export const listOrdersSchema = z
  .object({
    status: z.enum(ORDER_STATUSES).optional(),
    customer_id: z.string().max(64).optional(),
    reference: z.string().max(255).optional(),
    gateway: z.enum(['culqi', 'mercadopago']).optional().describe('the gateway that took (or is taking) the payment'),
    currency: currencySchema.optional(),
    amount_min: z.coerce.number().int().min(0).optional().describe('integer minor units, inclusive'),
    amount_max: z.coerce.number().int().min(0).optional().describe('integer minor units, inclusive'),
    created_from: isoTimestamp.optional(),
    created_to: isoTimestamp.optional(),
    limit: limitSchema,
    cursor: cursorSchema.optional(),
  })
  .strict();
export type ListOrdersQuery = z.infer<typeof listOrdersSchema>;

/** The Order object of the contract, for the API reference. */
export const orderObjectSchema = z.object({
  id: z.string().describe('ord_…'),
  object: z.literal('order'),
  status: z.enum(ORDER_STATUSES),
  amount: z.number().int(),
  currency: currencySchema,
  amount_refunded: z.number().int(),
  amount_refundable: z.number().int(),
  description: z.string().nullable(),
  reference: z.string().nullable(),
  customer_id: z.string().nullable(),
  items: z.array(itemSchema),
  metadata: z.record(z.string(), z.string()),
  credit_package: z.string().nullable(),
  gateway: z.enum(['culqi', 'mercadopago']).nullable(),
  suggested_gateway: z.enum(['culqi', 'mercadopago']).nullable(),
  latest_charge: z.object({}).passthrough().nullable().describe('The latest charge, inline'),
  invoice_id: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  paid_at: z.string().nullable(),
  canceled_at: z.string().nullable(),
  expires_at: z.string(),
});
