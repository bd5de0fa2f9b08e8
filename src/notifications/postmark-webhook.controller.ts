import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiJsonResponse } from '../common/docs/api-docs.decorators';
import { PostmarkWebhookService } from './postmark-webhook.service';

const answer = z.object({ received: z.literal(true), recorded: z.boolean().describe('false for a record already received, or a record type SmartPay does not use') });

@ApiTags('Gateway webhooks')
@Controller('webhooks')
export class PostmarkWebhookController {
  constructor(private readonly service: PostmarkWebhookService) {}

  @Post('postmark')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Postmark Delivery / Bounce / SpamComplaint webhook',
    description:
      'Configure in Postmark (Servers › Webhooks) with HTTP Basic auth = POSTMARK_WEBHOOK_USER / POSTMARK_WEBHOOK_PASSWORD (Postmark signs nothing, so without those settings every delivery is refused). Each record is kept once per MessageID and type; a hard bounce or spam complaint stops further e-mail to the address.',
  })
  @ApiHeader({ name: 'Authorization', required: true, description: 'Basic base64(user:password)' })
  @ApiBody({ required: true, schema: { type: 'object', additionalProperties: true } })
  @ApiJsonResponse(200, answer, 'Recorded (or already recorded, or not a record type SmartPay uses)')
  @ApiResponse({ status: 400, description: 'Problem details; `code` is one of: `invalid_json`, `validation_error`', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } })
  @ApiResponse({ status: 401, description: 'Problem details; `code` is `invalid_signature`', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } })
  async receive(@Headers('authorization') authorization: string | undefined, @Body() body: unknown) {
    const { recorded } = await this.service.receive(authorization, body);
    return { received: true as const, recorded };
  }
}
