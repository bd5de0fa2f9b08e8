import { z } from 'zod';

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'base64url');

/** What a browser's `PushSubscription.toJSON()` gives. */
export const createPushSubscriptionSchema = z
  .object({
    endpoint: z.url({ protocol: /^https$/ }).max(2048).describe('The push service URL of the browser (https)'),
    expirationTime: z.number().int().nullable().optional(),
    keys: z.object({ p256dh: base64url.min(80).max(120), auth: base64url.min(16).max(40) }).strict(),
  })
  .strict();
export type CreatePushSubscriptionInput = z.infer<typeof createPushSubscriptionSchema>;

export const pushSubscriptionObjectSchema = z.object({
  id: z.string().describe('psub_…'),
  object: z.literal('push_subscription'),
  endpoint: z.string(),
  created_at: z.string(),
  last_success_at: z.string().nullable(),
});

export const pushKeySchema = z.object({ object: z.literal('push_key'), public_key: z.string().describe('VAPID public key: `applicationServerKey` of PushManager.subscribe()') });
