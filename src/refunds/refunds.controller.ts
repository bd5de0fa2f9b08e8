import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { ApiKeyAuth, Caller } from '../common/auth/caller.decorator';
import { ApiIdempotent, ApiJsonBody, ApiJsonResponse, ApiListResponse, ApiProblems, ApiQueryFrom } from '../common/docs/api-docs.decorators';
import { Idempotency, type IdempotencyScope } from '../common/idempotency/idempotency-scope';
import { ZodValidationPipe } from '../common/validation/zod-validation.pipe';
import { createRefundSchema, listRefundsSchema, refundObjectSchema, type CreateRefundInput, type ListRefundsQuery } from './refund.schemas';
import { RefundsService } from './refunds.service';

@ApiTags('Refunds')
@ApiKeyAuth()
@Controller('v1/refunds')
export class RefundsController {
  constructor(private readonly refunds: RefundsService) {}

  @Post()
  @ApiOperation({
    summary: 'Refund a paid order',
    description:
      'Partial or full (default: the whole refundable remainder). Never more than was paid, also under concurrency.\n\n' +
      'A credit-package order: the refund takes back, in the same step, its share of the purchase\'s credits — `ceil(credits × amount / order amount)` ' +
      'of the purchased and of the bonus credits (never more than the purchase gave, over all its refunds) — as a `refund_reversal` ledger entry; ' +
      'a refund that fails gives them back. Bonus credits already used are not held against the customer. ' +
      'If the purchased credits it would take back were already used or expired: 422 `credits_already_consumed`, whose detail names the largest amount refundable now ' +
      '(`floor(order amount × unused purchased credits / purchased credits)`), unless `allow_consumed_credits: true` (admin override: refund anyway; reverses only what is left). ' +
      'Before the purchase\'s credits were granted (moments after the payment): 409 `credits_grant_pending`, retry shortly.',
  })
  @ApiJsonBody(createRefundSchema)
  @ApiJsonResponse(201, refundObjectSchema, 'The refund and its outcome')
  @ApiIdempotent()
  @ApiProblems('validation_error', 'resource_not_found', 'order_not_refundable', 'amount_exceeds_refundable', 'credits_already_consumed', 'credits_grant_pending')
  create(
    @Caller() caller: AuthedCaller,
    @Body(new ZodValidationPipe(createRefundSchema)) body: CreateRefundInput,
    @Idempotency() scope: IdempotencyScope | null,
  ) {
    return this.refunds.create(caller, body, scope);
  }

  @Get()
  @ApiOperation({ summary: 'List refunds', description: 'Newest first; filter by order.' })
  @ApiQueryFrom(listRefundsSchema)
  @ApiListResponse(refundObjectSchema)
  @ApiProblems('validation_error')
  list(@Caller() caller: AuthedCaller, @Query(new ZodValidationPipe(listRefundsSchema, 'query')) query: ListRefundsQuery) {
    return this.refunds.list(caller, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Retrieve a refund' })
  @ApiParam({ name: 'id', description: 're_…' })
  @ApiJsonResponse(200, refundObjectSchema)
  @ApiProblems('resource_not_found')
  get(@Caller() caller: AuthedCaller, @Param('id') id: string) {
    return this.refunds.get(caller, id);
  }
}
