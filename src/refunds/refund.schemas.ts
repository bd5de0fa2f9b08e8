import { z } from 'zod';
import { amountSchema, cursorSchema, limitSchema } from '../common/validation/common-schemas';

export const REFUND_REASONS = ['requested_by_customer', 'duplicate', 'fraudulent'] as const;

export const createRefundSchema = z
  .object({
    order_id: z.string().min(1).max(64),
    amount: amountSchema.optional().describe('Default: the whole refundable remainder'),
    reason: z.enum(REFUND_REASONS).default('requested_by_customer'),
    allow_consumed_credits: z
      .boolean()
      .optional()
      .describe(
        'Credit-package orders only, the admin override: refund anyway although the purchased credits the refund takes back were already used ' +
          '(or expired); reverses only what is left. Without it such a refund is refused with 422 `credits_already_consumed`.',
      ),
  })
  .strict();
export type CreateRefundInput = z.infer<typeof createRefundSchema>;

export const listRefundsSchema = z
  .object({ order_id: z.string().max(64).optional(), limit: limitSchema, cursor: cursorSchema.optional() })
  .strict();
export type ListRefundsQuery = z.infer<typeof listRefundsSchema>;

export const refundObjectSchema = z.object({
  id: z.string().describe('re_…'),
  object: z.literal('refund'),
  order_id: z.string(),
  charge_id: z.string(),
  amount: z.number().int(),
  currency: z.enum(['PEN', 'USD']),
  status: z.enum(['pending', 'succeeded', 'failed']),
  gateway: z.enum(['culqi', 'mercadopago']),
  gateway_refund_id: z.string().nullable(),
  reason: z.enum(REFUND_REASONS),
  failure: z.object({ code: z.string().nullable(), message: z.string() }).nullable(),
  created_at: z.string(),
});
