import { z } from 'zod';

const retryUrl = z
  .url({ protocol: /^https?$/ })
  .max(500)
  .describe('Checkout link in the payment-failed e-mail; {order_id} and {reference} are replaced');

export const updateAppSchema = z
  .object({
    alert_emails: z
      .array(z.email().max(254))
      .max(10)
      .refine((list) => new Set(list.map((e) => e.toLowerCase())).size === list.length, { message: 'lists an address twice' })
      .optional()
      .describe('Who gets the app’s alerts and daily/weekly summaries'),
    locale: z.enum(['es', 'en']).optional().describe('Language of alerts and summaries'),
    customer_emails: z
      .object({ receipt: z.boolean().optional(), payment_failed: z.boolean().optional(), refund: z.boolean().optional() })
      .strict()
      .optional()
      .describe('Which e-mails the app’s customers get'),
    payment_retry_url: retryUrl.nullable().optional(),
    summaries: z.object({ daily: z.boolean().optional(), weekly: z.boolean().optional() }).strict().optional(),
  })
  .strict();
export type UpdateAppInput = z.infer<typeof updateAppSchema>;

export const appObjectSchema = z.object({
  id: z.string().describe('app_…'),
  object: z.literal('app'),
  name: z.string(),
  alert_emails: z.array(z.string()),
  locale: z.enum(['es', 'en']),
  customer_emails: z.object({ receipt: z.boolean(), payment_failed: z.boolean(), refund: z.boolean() }),
  payment_retry_url: z.string().nullable(),
  summaries: z.object({ daily: z.boolean(), weekly: z.boolean() }),
});
