import { z } from 'zod';
import { cursorSchema, limitSchema } from '../common/validation/common-schemas';

export const signInSchema = z
  .object({
    email: z.string().trim().min(3).max(254),
    password: z.string().min(1).max(200),
  })
  .strict();
export type SignInInput = z.infer<typeof signInSchema>;

export const listJobsSchema = z
  .object({
    status: z.enum(['queued', 'running', 'succeeded', 'dead']).optional(),
    limit: limitSchema,
  })
  .strict();

export const listAuditSchema = z.object({ limit: limitSchema, cursor: cursorSchema.optional() }).strict();

// ---- responses, for the API reference (docs/admin.md has the prose) ----
const adminObject = z.object({ id: z.string(), email: z.string(), role: z.enum(['admin', 'viewer']) });
export const sessionObjectSchema = z.object({
  object: z.literal('admin_session'),
  admin: adminObject,
  csrf_token: z.string().describe('send it back as X-CSRF-Token on every write'),
  expires_at: z.string(),
});
export const appsListSchema = z.object({ object: z.literal('list'), data: z.array(z.object({ id: z.string(), name: z.string(), created_at: z.string() })) });
export const gatewaysListSchema = z.object({
  object: z.literal('list'),
  data: z.array(z.object({ gateway: z.enum(['culqi', 'mercadopago']), configured: z.boolean(), circuit: z.enum(['closed', 'open', 'half_open']) })),
});
const jobObject = z.object({
  id: z.string(),
  type: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  max_attempts: z.number().int(),
  run_at: z.string(),
  last_error: z.string().nullable(),
  created_at: z.string(),
});
export const jobsListSchema = z.object({
  object: z.literal('list'),
  counts: z.object({ queued: z.number().int(), running: z.number().int(), dead: z.number().int() }),
  data: z.array(jobObject),
});
export const jobRetriedSchema = z.object({ id: z.string(), retried: z.literal(true) });
export const auditEntrySchema = z.object({
  id: z.string(),
  object: z.literal('audit_entry'),
  admin_id: z.string().nullable(),
  admin_email: z.string(),
  action: z.string(),
  method: z.string(),
  path: z.string(),
  app_id: z.string().nullable(),
  target_id: z.string().nullable(),
  status: z.number().int().nullable().describe('null while the action runs'),
  ip: z.string().nullable(),
  created_at: z.string(),
});
export const orderActivitySchema = z.object({
  object: z.literal('order_activity'),
  order_id: z.string(),
  events: z.array(z.object({}).passthrough()).describe('with their deliveries and every attempt'),
  gateway_webhooks: z.array(z.object({}).passthrough()),
  emails: z.array(z.object({}).passthrough()),
});
export const creditsOverviewSchema = z.object({
  object: z.literal('credits_overview'),
  low_balances: z.array(z.object({}).passthrough()),
  auto_renewals: z.array(z.object({}).passthrough()),
});
