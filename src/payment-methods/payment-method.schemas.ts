import { z } from 'zod';

export const savePaymentMethodSchema = z
  .object({
    gateway: z.enum(['culqi', 'mercadopago']).optional(),
    token: z.string().min(1).max(255).optional(),
    tokens: z
      .object({ culqi: z.string().min(1).max(255).optional(), mercadopago: z.string().min(1).max(255).optional() })
      .strict()
      .refine((t) => t.culqi !== undefined || t.mercadopago !== undefined, { message: 'at least one gateway token' })
      .optional()
      .describe('One token per gateway for the same card: the card becomes usable at both (failover)'),
    is_default: z.boolean().optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.tokens === undefined && (b.gateway === undefined || b.token === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['token'], message: 'send gateway + token, or tokens' });
    }
    if (b.tokens !== undefined && (b.gateway !== undefined || b.token !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['tokens'], message: 'send either gateway + token or tokens, not both' });
    }
  });
export type SavePaymentMethodInput = z.infer<typeof savePaymentMethodSchema>;

export const paymentMethodObjectSchema = z.object({
  id: z.string().describe('pm_…'),
  object: z.literal('payment_method'),
  customer_id: z.string(),
  gateways: z.array(z.enum(['culqi', 'mercadopago'])),
  brand: z.string().nullable(),
  last4: z.string().nullable(),
  exp_month: z.number().nullable(),
  exp_year: z.number().nullable(),
  is_default: z.boolean(),
  created_at: z.string(),
});
