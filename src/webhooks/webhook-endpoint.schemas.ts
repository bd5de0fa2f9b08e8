import { z } from 'zod';
import { EVENT_TYPES } from '../events/event-types';

const eventsSchema = z
  .array(z.enum([...EVENT_TYPES, '*']))
  .min(1)
  .max(EVENT_TYPES.length)
  .refine((list) => new Set(list).size === list.length, { message: 'lists an event type twice' })
  .refine((list) => !list.includes('*') || list.length === 1, { message: '"*" (every event) stands alone' })
  .describe('Event types to receive, or ["*"] for all');

const urlSchema = z.string().trim().min(1).max(2048).describe('http(s) URL the events are POSTed to');

export const createWebhookEndpointSchema = z
  .object({ url: urlSchema, events: eventsSchema, description: z.string().trim().min(1).max(500).optional() })
  .strict();
export type CreateWebhookEndpointInput = z.infer<typeof createWebhookEndpointSchema>;

export const updateWebhookEndpointSchema = z
  .object({
    url: urlSchema.optional(),
    events: eventsSchema.optional(),
    description: z.string().trim().min(1).max(500).nullable().optional(),
    status: z.enum(['enabled', 'disabled']).optional().describe('Re-enable an endpoint disabled after failed deliveries, or pause one'),
  })
  .strict();
export type UpdateWebhookEndpointInput = z.infer<typeof updateWebhookEndpointSchema>;

export const webhookEndpointObjectSchema = z.object({
  id: z.string().describe('we_…'),
  object: z.literal('webhook_endpoint'),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  status: z.enum(['enabled', 'disabled']),
  disabled_reason: z.string().nullable(),
  secret: z.string().optional().describe('whsec_… — only in the answers of creation and rotation'),
  previous_secret_expires_at: z.string().nullable().describe('Until when the previous secret still signs (a second signature) after a rotation'),
  created_at: z.string(),
  updated_at: z.string(),
});
