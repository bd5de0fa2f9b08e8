import { z } from 'zod';
import { cursorSchema, limitSchema } from '../common/validation/common-schemas';

export const listAlertsSchema = z.object({ status: z.enum(['open', 'acknowledged', 'resolved']).optional(), limit: limitSchema, cursor: cursorSchema.optional() }).strict();
export type ListAlertsQuery = z.infer<typeof listAlertsSchema>;

export const alertObjectSchema = z.object({
  id: z.string().describe('alr_…'),
  object: z.literal('alert'),
  scope: z.enum(['app', 'deployment']).describe('`deployment`: gateways and the job queue, shared by every app (read-only through the API)'),
  rule: z.enum(['success_rate', 'circuit_open', 'dead_jobs', 'webhook_endpoint_disabled', 'email_bounces', 'invoice_rejected', 'invoice_stuck']),
  severity: z.enum(['critical', 'warning']),
  status: z.enum(['open', 'acknowledged', 'resolved']),
  title: z.string(),
  detail: z.string(),
  data: z.record(z.string(), z.unknown()),
  opened_at: z.string(),
  acknowledged_at: z.string().nullable(),
  resolved_at: z.string().nullable(),
  resolved_by: z.enum(['system', 'api', 'cli']).nullable().describe('`system`: the condition cleared'),
  updated_at: z.string(),
});
