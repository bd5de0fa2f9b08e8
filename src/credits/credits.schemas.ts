import { z } from 'zod';
import { currencySchema, cursorSchema, isoTimestamp, limitSchema, metadataSchema } from '../common/validation/common-schemas';

/** One request never moves more than this many credits (a guard against typos and overflow). */
export const MAX_CREDITS_PER_REQUEST = 100_000_000;

const creditsSchema = z.number().int().min(1).max(MAX_CREDITS_PER_REQUEST);
const referenceSchema = z.string().trim().min(1).max(191);

export const consumeSchema = z
  .object({
    credits: creditsSchema.describe('Credits to debit (a positive integer)'),
    reference: referenceSchema.describe('Unique per customer: the same reference again answers the first transaction, never a second debit'),
    description: z.string().max(500).optional(),
    metadata: metadataSchema.optional(),
  })
  .strict();
export type ConsumeInput = z.infer<typeof consumeSchema>;

export const grantSchema = z
  .object({
    credits: creditsSchema,
    expires_at: isoTimestamp.optional().describe('Default: never'),
    reason: z.string().trim().min(1).max(500).describe('Why the credits were given (kept as the entry description)'),
    reference: referenceSchema.optional().describe('Optional; unique per customer, makes the grant idempotent'),
    metadata: metadataSchema.optional(),
  })
  .strict();
export type GrantInput = z.infer<typeof grantSchema>;

export const TRANSACTION_TYPES = ['purchase', 'bonus', 'grant', 'consume', 'expire', 'refund_reversal', 'renewal'] as const;

export const listTransactionsSchema = z.object({ type: z.enum(TRANSACTION_TYPES).optional(), limit: limitSchema, cursor: cursorSchema.optional() }).strict();
export type ListTransactionsQuery = z.infer<typeof listTransactionsSchema>;

export const autoRenewalSchema = z
  .object({
    enabled: z.boolean(),
    package: z.string().min(1).max(32).optional(),
    currency: currencySchema.optional(),
    payment_method_id: z.string().min(1).max(40).optional(),
    threshold: z.number().int().min(0).max(MAX_CREDITS_PER_REQUEST).optional().describe('Renew when the balance falls below this'),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (!o.enabled) return;
    for (const field of ['package', 'currency', 'payment_method_id', 'threshold'] as const) {
      if (o[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'required when enabled' });
    }
  });
export type AutoRenewalInput = z.infer<typeof autoRenewalSchema>;

export const creditSettingsSchema = z
  .object({ low_balance_threshold: z.number().int().min(0).max(MAX_CREDITS_PER_REQUEST).nullable().optional().describe('null: the deployment default') })
  .strict();
export type UpdateCreditSettingsInput = z.infer<typeof creditSettingsSchema>;

const lotObjectSchema = z.object({
  id: z.string().describe('cl_…'),
  kind: z.enum(['purchased', 'bonus', 'granted', 'renewal']),
  credits: z.number().int(),
  remaining: z.number().int(),
  expires_at: z.string().nullable(),
  order_id: z.string().nullable(),
  created_at: z.string(),
});

export const creditBalanceSchema = z.object({
  object: z.literal('credit_balance'),
  customer_id: z.string(),
  balance: z.number().int().describe('Usable credits now: Σ remaining of lots not past expires_at'),
  lots: z.array(lotObjectSchema),
  auto_renewal: z
    .object({
      enabled: z.boolean(),
      package: z.string().nullable(),
      currency: z.string().nullable(),
      payment_method_id: z.string().nullable(),
      threshold: z.number().int().nullable(),
      status: z.enum(['idle', 'pending', 'retrying', 'disabled']),
      attempts: z.number().int(),
      order_id: z.string().nullable(),
      last_failure: z.string().nullable(),
    })
    .nullable(),
  low_balance_threshold: z.number().int(),
});

export const creditTransactionSchema = z.object({
  id: z.string().describe('ctx_…'),
  object: z.literal('credit_transaction'),
  customer_id: z.string(),
  type: z.enum(TRANSACTION_TYPES),
  credits: z.number().int().describe('Signed: negative for consume, expire and refund_reversal'),
  balance_after: z.number().int(),
  reference: z.string().nullable(),
  description: z.string().nullable(),
  lots: z.array(z.object({ lot_id: z.string(), credits: z.number().int() })),
  order_id: z.string().nullable(),
  refund_id: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  created_at: z.string(),
});
