import { z } from 'zod';
import { currencySchema, isoTimestamp } from '../common/validation/common-schemas';
import { isTimeZone } from '../config/config.schema';

export const REPORT_GATEWAYS = ['culqi', 'mercadopago'] as const;

const scope = {
  from: isoTimestamp.optional().describe('Start, inclusive (ISO 8601); default: 30 days before `to`'),
  to: isoTimestamp.optional().describe('End, exclusive (ISO 8601); default: now'),
  currency: currencySchema.optional().describe('Only charges (and refunds) in this currency'),
  gateway: z.enum(REPORT_GATEWAYS).optional().describe('Only charges (and refunds) through this gateway'),
};

export const reportSummaryQuerySchema = z.object(scope).strict();
export type ReportSummaryQuery = z.infer<typeof reportSummaryQuerySchema>;

export const reportTimeseriesQuerySchema = z
  .object({
    ...scope,
    interval: z.enum(['hour', 'day']).default('day').describe('Bucket size, in local time of `time_zone`'),
    time_zone: z.string().max(64).refine(isTimeZone, { message: 'must be an IANA time zone like America/Lima' }).optional().describe('Default: REPORT_TIMEZONE (America/Lima)'),
  })
  .strict();
export type ReportTimeseriesQuery = z.infer<typeof reportTimeseriesQuerySchema>;

export const transactionsCsvQuerySchema = z
  .object({
    ...scope,
    status: z.enum(['pending', 'requires_action', 'succeeded', 'failed']).optional(),
  })
  .strict();
export type TransactionsCsvQuery = z.infer<typeof transactionsCsvQuerySchema>;

// ---- response shapes (OpenAPI); reports.service.ts builds them

const money = z.number().int().describe('Minor units');
const moneyCount = z.object({ currency: currencySchema, count: z.number().int(), amount: money });
const latency = z.object({ average: z.number().int().nullable(), p95: z.number().int().nullable() }).describe('Milliseconds from the request to the gateway’s final answer');
const chargeFigures = {
  attempts: z.number().int().describe('Charges that ended: succeeded + failed'),
  succeeded: z.number().int(),
  failed: z.number().int(),
  in_progress: z.number().int().describe('Pending or waiting for 3-D Secure; in no rate'),
  success_rate: z.number().nullable().describe('succeeded / attempts, 0..1; null without attempts'),
};
/** Ledger movements of the app's customers, as positive numbers; not narrowed by `currency` or `gateway`. */
const creditMovements = {
  purchased: z.number().int().describe('Credits of purchased and renewed packages'),
  bonus: z.number().int().describe('Bonus credits of those packages'),
  granted: z.number().int().describe('Manual grants'),
  consumed: z.number().int(),
  expired: z.number().int(),
  reversed: z.number().int().describe('Unused credits taken back by refunds of purchases'),
};
const codeCount = z.object({ code: z.string(), count: z.number().int() });

const summaryFigures = {
  charges: z.object(chargeFigures),
  processed: z.array(moneyCount).describe('Succeeded charges per currency'),
  processing_time_ms: latency,
  gateways: z.array(z.object({ gateway: z.string(), ...chargeFigures, conversion: z.number().nullable(), processed: z.array(moneyCount), processing_time_ms: latency })),
  payment_methods: z.array(z.object({ source_type: z.enum(['card_token', 'yape_token', 'payment_method']), card_brand: z.string().nullable(), ...chargeFigures })),
  declines: z.array(codeCount).describe('Failed charges with a normalised decline code (issuer or antifraud decisions)'),
  errors: z.array(codeCount).describe('Other failed charges, by failure code (gateway errors, timeouts)'),
  refunds: z.array(moneyCount).describe('Succeeded refunds created in the period'),
  credits: z.object({
    packages_sold: z.array(z.object({ package: z.string(), count: z.number().int(), currency: currencySchema, amount: money })),
    ...creditMovements,
  }),
};

export const reportSummarySchema = z.object({
  object: z.literal('report_summary'),
  from: z.string(),
  to: z.string(),
  currency: currencySchema.nullable(),
  gateway: z.string().nullable(),
  ...summaryFigures,
  previous_period: z.object({ from: z.string(), to: z.string(), ...summaryFigures }).describe('The same figures for the period of equal length just before'),
});

export const reportTimeseriesSchema = z.object({
  object: z.literal('report_timeseries'),
  from: z.string().describe('Start of the first bucket'),
  to: z.string().describe('End of the last bucket'),
  interval: z.enum(['hour', 'day']),
  time_zone: z.string(),
  currency: currencySchema.nullable(),
  gateway: z.string().nullable(),
  buckets: z.array(
    z.object({
      start: z.string(),
      end: z.string(),
      attempts: z.number().int(),
      succeeded: z.number().int(),
      failed: z.number().int(),
      success_rate: z.number().nullable(),
      processed: z.array(moneyCount),
      average_processing_ms: z.number().int().nullable(),
      credits: z.object(creditMovements).describe('Credit ledger movements written in the bucket (every currency and gateway)'),
    }),
  ),
});
