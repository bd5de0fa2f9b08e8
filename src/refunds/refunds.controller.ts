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
  @ApiOperation({ summary: 'Refund a paid order', description: 'Partial or full (default: the whole refundable remainder). Never more than was paid, also under concurrency.' })
  @ApiJsonBody(createRefundSchema)
  @ApiJsonResponse(201, refundObjectSchema, 'The refund and its outcome')
  @ApiIdempotent()
  @ApiProblems('validation_error', 'resource_not_found', 'order_not_refundable', 'amount_exceeds_refundable')
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
