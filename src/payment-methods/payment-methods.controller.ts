import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { ApiKeyAuth, Caller } from '../common/auth/caller.decorator';
import { ApiIdempotent, ApiJsonBody, ApiJsonResponse, ApiListResponse, ApiProblems } from '../common/docs/api-docs.decorators';
import { Idempotency, type IdempotencyScope } from '../common/idempotency/idempotency-scope';
import { ZodValidationPipe } from '../common/validation/zod-validation.pipe';
import { paymentMethodObjectSchema, savePaymentMethodSchema, type SavePaymentMethodInput } from './payment-method.schemas';
import { PaymentMethodsService } from './payment-methods.service';

@ApiTags('Customers')
@ApiKeyAuth()
@Controller('v1/customers/:id/payment-methods')
export class PaymentMethodsController {
  constructor(private readonly paymentMethods: PaymentMethodsService) {}

  @Post()
  @ApiOperation({
    summary: 'Save a card',
    description: 'Saves the tokenized card at the gateway (customer + card there); with `tokens` for both gateways the card is usable at either.',
  })
  @ApiParam({ name: 'id', description: 'cus_…' })
  @ApiJsonBody(savePaymentMethodSchema)
  @ApiJsonResponse(201, paymentMethodObjectSchema, 'The saved card')
  @ApiIdempotent()
  @ApiProblems('validation_error', 'resource_not_found', 'card_declined', 'gateway_not_supported', 'gateway_error', 'gateway_unavailable', 'card_data_not_allowed')
  save(
    @Caller() caller: AuthedCaller,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(savePaymentMethodSchema)) body: SavePaymentMethodInput,
    @Idempotency() scope: IdempotencyScope | null,
  ) {
    return this.paymentMethods.save(caller, id, body, scope);
  }

  @Get()
  @ApiOperation({ summary: "A customer's saved cards" })
  @ApiParam({ name: 'id', description: 'cus_…' })
  @ApiListResponse(paymentMethodObjectSchema)
  @ApiProblems('resource_not_found')
  list(@Caller() caller: AuthedCaller, @Param('id') id: string) {
    return this.paymentMethods.list(caller, id);
  }

  @Delete(':pm')
  @ApiOperation({ summary: 'Delete a saved card', description: 'Also deletes it at every gateway that holds it.' })
  @ApiParam({ name: 'id', description: 'cus_…' })
  @ApiParam({ name: 'pm', description: 'pm_…' })
  @ApiJsonResponse(200, z.object({ id: z.string(), object: z.literal('payment_method'), deleted: z.literal(true) }))
  @ApiProblems('resource_not_found', 'gateway_error')
  remove(@Caller() caller: AuthedCaller, @Param('id') id: string, @Param('pm') pm: string) {
    return this.paymentMethods.delete(caller, id, pm);
  }
}
