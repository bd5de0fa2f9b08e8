import { applyDecorators, Body, Controller, Headers, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiJsonResponse } from '../common/docs/api-docs.decorators';
import { ERROR_CODES, type ErrorCode } from '../common/errors/error-codes';
import type { WebhookHeaders } from '../gateways/culqi/culqi.webhook';
import { GatewayWebhookInbox } from './gateway-webhook-inbox.service';

const received = z.object({ received: z.literal(true) });
type Received = z.infer<typeof received>;

/** Problem responses of the webhook routes (ApiProblems adds the API-key codes, which do not apply here). */
const WebhookProblems = (...codes: ErrorCode[]): MethodDecorator =>
  applyDecorators(
    ...[...new Set(codes.map((c) => ERROR_CODES[c].status))].map((status) =>
      ApiResponse({
        status,
        description: `Problem details; \`code\` is one of: ${codes
          .filter((c) => ERROR_CODES[c].status === status)
          .map((c) => `\`${c}\``)
          .join(', ')}`,
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      }),
    ),
  );

const ANY_JSON = ApiBody({ required: true, schema: { type: 'object', additionalProperties: true } });

/**
 * Inbound gateway notifications (api.md, "Gateway webhooks"): no API key — each gateway's own scheme
 * authenticates — answered 200 as soon as the delivery is stored; the work happens in a job.
 */
@ApiTags('Gateway webhooks')
@Controller('webhooks')
export class GatewayWebhooksController {
  constructor(private readonly inbox: GatewayWebhookInbox) {}

  @Post('culqi')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Culqi event notification',
    description:
      'Configure this URL in CulqiPanel › Eventos › Webhooks. When `CULQI_WEBHOOK_USER` is set, the delivery must carry the same HTTP Basic credentials (else 401 `invalid_signature`); without it deliveries are accepted but marked unverified. Either way the charge is re-fetched from Culqi before anything changes; redeliveries of one `evt_…` id are acknowledged and ignored.',
  })
  @ANY_JSON
  @ApiJsonResponse(200, received, 'Stored (or already stored); processed asynchronously')
  @WebhookProblems('invalid_json', 'validation_error', 'invalid_signature', 'unsupported_media_type')
  async culqi(@Body() body: unknown, @Headers() headers: WebhookHeaders): Promise<Received> {
    await this.inbox.receiveCulqi(body, headers);
    return { received: true };
  }

  @Post('mercadopago')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Mercado Pago notification (Webhooks)',
    description:
      'Set as the payment’s `notification_url` by SmartPay (from `SMARTPAY_PUBLIC_URL`) or in the Mercado Pago panel. The `x-signature` HMAC is checked with the webhook secret, with a 5-minute tolerance on `ts` (seconds or milliseconds); a forged, missing or stale signature gets 401 `invalid_signature` and nothing is stored. The payment is then re-fetched from Mercado Pago; redeliveries of one notification id are acknowledged and ignored.',
  })
  @ApiQuery({ name: 'data.id', required: false, schema: { type: 'string' }, description: 'The payment id (covered by the signature)' })
  @ApiQuery({ name: 'type', required: false, schema: { type: 'string' }, description: 'The topic, `payment`' })
  @ApiHeader({ name: 'x-signature', required: true, description: '`ts=<timestamp>,v1=<hex HMAC-SHA256>`' })
  @ApiHeader({ name: 'x-request-id', required: false, description: 'Part of the signed manifest' })
  @ANY_JSON
  @ApiJsonResponse(200, received, 'Stored (or already stored); processed asynchronously')
  @WebhookProblems('invalid_json', 'validation_error', 'invalid_signature', 'unsupported_media_type')
  async mercadoPago(@Query() query: Record<string, unknown>, @Body() body: unknown, @Headers() headers: WebhookHeaders): Promise<Received> {
    await this.inbox.receiveMercadoPago(query, body, headers);
    return { received: true };
  }
}
