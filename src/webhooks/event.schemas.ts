import { z } from 'zod';
import { cursorSchema, limitSchema } from '../common/validation/common-schemas';
import { EVENT_TYPES } from '../events/event-types';

export const listEventsSchema = z.object({ type: z.enum(EVENT_TYPES).optional(), limit: limitSchema, cursor: cursorSchema.optional() }).strict();
export type ListEventsQuery = z.infer<typeof listEventsSchema>;

export const redeliverEventSchema = z
  .object({ endpoint_id: z.string().min(1).max(64).optional().describe('Only to this endpoint (it may be newer than the event); default every enabled endpoint subscribed to the type') })
  .strict();
export type RedeliverEventInput = z.infer<typeof redeliverEventSchema>;

const attemptSchema = z.object({
  id: z.string().describe('dla_…'),
  attempt: z.number().int(),
  trigger: z.enum(['automatic', 'manual']),
  url: z.string(),
  status_code: z.number().int().nullable(),
  succeeded: z.boolean(),
  duration_ms: z.number().int(),
  response_excerpt: z.string().nullable().describe('The first characters of the endpoint’s answer'),
  error: z.string().nullable().describe('Why there was no HTTP answer'),
  created_at: z.string(),
});

export const deliverySchema = z.object({
  id: z.string().describe('dlv_…'),
  object: z.literal('event_delivery'),
  endpoint_id: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed', 'canceled']),
  attempt_count: z.number().int(),
  last_status_code: z.number().int().nullable(),
  next_attempt_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  attempts: z.array(attemptSchema).optional(),
});

export const eventObjectSchema = z.object({
  id: z.string().describe('evt_…; also the `webhook-id` of its deliveries'),
  object: z.literal('event'),
  type: z.enum(EVENT_TYPES),
  created_at: z.string(),
  data: z.record(z.string(), z.unknown()).describe('The resource as the API showed it when the event happened'),
});

export const eventWithDeliveriesSchema = eventObjectSchema.extend({ deliveries: z.array(deliverySchema) });

export const redeliveryResultSchema = z.object({
  object: z.literal('event_redelivery'),
  event_id: z.string(),
  deliveries: z.array(deliverySchema.pick({ id: true, object: true, endpoint_id: true, status: true })),
});
