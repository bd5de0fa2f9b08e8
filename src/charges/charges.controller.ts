import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { ApiKeyAuth, Caller } from '../common/auth/caller.decorator';
import { ApiIdempotent, ApiJsonBody, ApiJsonResponse, ApiListResponse, ApiProblems } from '../common/docs/api-docs.decorators';
import { Idempotency, type IdempotencyScope } from '../common/idempotency/idempotency-scope';
import { ZodValidationPipe } from '../common/validation/zod-validation.pipe';
import { authenticateSchema, chargeObjectSchema, createChargeSchema, type AuthenticateInput, type CreateChargeInput } from './charge.schemas';
import { ChargesService } from './charges.service';

const gatewayCallSchema = z.object({
  operation: z.string(),
  method: z.string(),
  path: z.string(),
  status: z.number().nullable(),
  duration_ms: z.number(),
  error_class: z.string().nullable(),
  request_body: z.string().nullable().describe('Redacted: tokens, card data, secrets and e-mails masked'),
  response_body: z.string().nullable(),
  created_at: z.string(),
});

@ApiTags('Charges')
@ApiKeyAuth()
@Controller('v1')
export class ChargesController {
  constructor(private readonly charges: ChargesService) {}

  @Post('orders/:id/charges')
  @ApiOperation({
    summary: 'Charge an order',
    description:
      'One attempt at a gateway. 201 whatever the outcome (succeeded, failed, requires_action, pending): an outcome is a result, not an HTTP error. One attempt at a time per order.',
  })
  @ApiParam({ name: 'id', description: 'ord_…' })
  @ApiJsonBody(createChargeSchema)
  @ApiJsonResponse(201, chargeObjectSchema, 'The attempt and its outcome')
  @ApiIdempotent()
  @ApiProblems('validation_error', 'gateway_required', 'gateway_not_supported', 'resource_not_found', 'order_processing', 'order_already_paid', 'order_not_payable', 'payment_method_unusable', 'card_data_not_allowed')
  create(
    @Caller() caller: AuthedCaller,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(createChargeSchema)) body: CreateChargeInput,
    @Idempotency() scope: IdempotencyScope | null,
  ) {
    return this.charges.create(caller, id, body, scope);
  }

  @Post('charges/:id/authenticate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Complete 3-D Secure',
    description:
      'Culqi: retries the charge with the same token and these values. Mercado Pago: syncs the challenge outcome from the gateway. A charge already settled (by a webhook or reconciliation, even one that races this call) is answered as it is, with 200.',
  })
  @ApiParam({ name: 'id', description: 'ch_…' })
  @ApiJsonBody(authenticateSchema)
  @ApiJsonResponse(200, chargeObjectSchema, 'The charge after authentication')
  @ApiIdempotent()
  @ApiProblems('validation_error', 'resource_not_found', 'charge_not_authenticatable', 'order_processing')
  authenticate(@Caller() caller: AuthedCaller, @Param('id') id: string, @Body(new ZodValidationPipe(authenticateSchema)) body: AuthenticateInput) {
    return this.charges.authenticate(caller, id, body);
  }

  @Get('charges/:id')
  @ApiOperation({ summary: 'Retrieve a charge', description: 'With `gateway_calls`: every HTTP exchange with the gateway for it, bodies redacted.' })
  @ApiParam({ name: 'id', description: 'ch_…' })
  @ApiJsonResponse(200, chargeObjectSchema.extend({ gateway_calls: z.array(gatewayCallSchema) }))
  @ApiProblems('resource_not_found')
  get(@Caller() caller: AuthedCaller, @Param('id') id: string) {
    return this.charges.get(caller, id);
  }

  @Get('orders/:id/charges')
  @ApiOperation({ summary: "An order's charges", description: 'Oldest first.' })
  @ApiParam({ name: 'id', description: 'ord_…' })
  @ApiListResponse(chargeObjectSchema)
  @ApiProblems('resource_not_found')
  list(@Caller() caller: AuthedCaller, @Param('id') id: string) {
    return this.charges.listForOrder(caller, id);
  }
}
