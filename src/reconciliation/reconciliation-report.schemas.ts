import { z } from 'zod';
import { isoTimestamp } from '../common/validation/common-schemas';

/** The longest period one report covers (each gateway is listed over the whole period). */
export const MAX_REPORT_DAYS = 31;
const MAX_REPORT_MS = MAX_REPORT_DAYS * 24 * 60 * 60_000;

export const reportQuerySchema = z
  .object({
    from: isoTimestamp.describe('Start of the period (ISO 8601 with offset or Z), inclusive'),
    to: isoTimestamp.describe(`End of the period, inclusive; after \`from\`, at most ${MAX_REPORT_DAYS} days later`),
  })
  .strict()
  .superRefine((q, ctx) => {
    const span = Date.parse(q.to) - Date.parse(q.from);
    if (!(span > 0)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    else if (span > MAX_REPORT_MS) ctx.addIssue({ code: 'custom', path: ['to'], message: `the period may span at most ${MAX_REPORT_DAYS} days` });
  });
export type ReportQuery = z.infer<typeof reportQuerySchema>;

const GATEWAY_STATUSES = ['succeeded', 'failed', 'pending', 'requires_action', 'refunded', 'disputed'] as const;
const CHARGE_STATUSES = ['pending', 'requires_action', 'succeeded', 'failed'] as const;

const entrySchema = z.object({
  gateway: z.enum(['culqi', 'mercadopago']),
  gateway_charge_id: z.string().nullable().describe("The gateway's charge / payment id; null when the gateway has none"),
  gateway_amount: z.number().int().nullable().describe("The gateway's amount in minor units (before refunds)"),
  gateway_status: z.enum(GATEWAY_STATUSES).nullable(),
  charge_id: z.string().nullable().describe('Our charge (ch_…); null when no SmartPay charge accounts for the gateway charge'),
  amount: z.number().int().nullable().describe('Our amount in minor units'),
  status: z.enum(CHARGE_STATUSES).nullable().describe('Our charge status'),
});

export const reportObjectSchema = z.object({
  object: z.literal('reconciliation_report'),
  from: z.string(),
  to: z.string(),
  matched: z.number().int().describe('Charges whose gateway counterpart agrees on status family and amount'),
  missing_locally: z
    .array(entrySchema)
    .describe(
      "Gateway charges no SmartPay charge of yours accounts for: a second gateway charge naming one of your charges (`charge_id` set). Gateway charges naming no known SmartPay charge are listed only in the operator's (CLI) report, since gateway accounts are shared by all apps.",
    ),
  missing_at_gateway: z.array(entrySchema).describe('Your charges that succeeded or recorded a gateway charge id, absent from the gateway'),
  amount_mismatches: z.array(entrySchema).describe('The same charge with a different amount or currency at the gateway'),
  status_mismatches: z
    .array(entrySchema)
    .describe('The same charge in another status family (money taken / failed / still open); charges pending for less than a few minutes are in flight and not listed'),
});
