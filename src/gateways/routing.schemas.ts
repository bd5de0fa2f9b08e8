import { z } from 'zod';
import { CURRENCIES } from '../common/money';

export const SOURCE_TYPES = ['card_token', 'yape_token', 'payment_method'] as const;

export const routingQuerySchema = z
  .object({
    currency: z.enum(CURRENCIES).describe('The order currency'),
    source_type: z.enum(SOURCE_TYPES).default('card_token').describe('What the client is about to create: a card token, a Yape token, or a charge of a saved card'),
  })
  .strict();
export type RoutingQuery = z.infer<typeof routingQuerySchema>;

const gatewayEnum = z.enum(['culqi', 'mercadopago']);

export const routingObjectSchema = z.object({
  gateway: gatewayEnum.describe('Tokenize with this gateway now'),
  public_key: z.string().describe("The gateway's public key for tokenizing (Culqi pk_…, Mercado Pago public key)"),
  fallbacks: z.array(gatewayEnum).describe('Other gateways usable now, in order (open circuits left out unless every gateway is open)'),
  reason: z.enum(['priority', 'health']).describe('`priority`: the configured order; `health`: the first-priority gateway is skipped because its circuit breaker is open'),
});
