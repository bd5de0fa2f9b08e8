import { z } from 'zod';
import { cursorSchema, limitSchema } from '../common/validation/common-schemas';

const gatewaySchema = z.enum(['culqi', 'mercadopago']);

const sourceSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('card_token'),
      token: z.string().min(1).max(255),
      payment_method_id: z.string().min(1).max(40).optional().describe('Mercado Pago only, as its front-end libraries return it'),
      issuer_id: z.union([z.string().min(1).max(40), z.number().int()]).optional().describe('Mercado Pago only'),
    })
    .strict(),
  z.object({ type: z.literal('yape_token'), token: z.string().min(1).max(255) }).strict(),
  z.object({ type: z.literal('payment_method'), payment_method_id: z.string().min(1).max(64) }).strict(),
]);

export const createChargeSchema = z
  .object({
    gateway: gatewaySchema.optional().describe('Required with a card_token; Yape is always Culqi; saved cards are routed when omitted'),
    source: sourceSchema,
    installments: z.number().int().min(1).max(48).default(1),
    email: z.email().max(254).optional().describe("Defaults to the customer's"),
    device_fingerprint: z.string().min(1).max(100).optional(),
    three_ds: z.object({ mode: z.enum(['optional', 'not_supported']) }).strict().optional(),
  })
  .strict();
export type CreateChargeInput = z.infer<typeof createChargeSchema>;

export const authenticateSchema = z
  .object({
    authentication_3ds: z
      .object({
        eci: z.string().min(1).max(10),
        xid: z.string().max(200).optional(),
        cavv: z.string().min(1).max(200),
        protocol_version: z.string().min(1).max(20),
        directory_server_transaction_id: z.string().max(200).optional(),
      })
      .strict(),
  })
  .strict();
export type AuthenticateInput = z.infer<typeof authenticateSchema>;

export const listChargesSchema = z.object({ limit: limitSchema, cursor: cursorSchema.optional() }).strict();

export const chargeObjectSchema = z.object({
  id: z.string().describe('ch_…'),
  object: z.literal('charge'),
  order_id: z.string(),
  status: z.enum(['pending', 'requires_action', 'succeeded', 'failed']),
  amount: z.number().int(),
  currency: z.enum(['PEN', 'USD']),
  gateway: gatewaySchema,
  gateway_charge_id: z.string().nullable(),
  payment_method: z
    .object({ type: z.string(), brand: z.string().nullable(), last4: z.string().nullable(), exp_month: z.number().nullable(), exp_year: z.number().nullable() })
    .nullable(),
  failure: z
    .object({ code: z.string(), decline_code: z.string().nullable(), message: z.string(), gateway_code: z.string().nullable() })
    .nullable(),
  next_action: z.object({ type: z.string() }).passthrough().nullable(),
  routing: z.array(z.object({ gateway: z.string(), reason: z.string(), result: z.string().optional() })),
  processing_ms: z.number().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
