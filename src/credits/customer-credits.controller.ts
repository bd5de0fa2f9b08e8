import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { ApiKeyAuth, Caller } from '../common/auth/caller.decorator';
import { ApiIdempotent, ApiJsonBody, ApiJsonResponse, ApiListResponse, ApiProblems, ApiQueryFrom } from '../common/docs/api-docs.decorators';
import { ZodValidationPipe } from '../common/validation/zod-validation.pipe';
import {
  autoRenewalSchema,
  consumeSchema,
  creditBalanceSchema,
  creditSettingsSchema,
  creditTransactionSchema,
  grantSchema,
  listTransactionsSchema,
  type AutoRenewalInput,
  type ConsumeInput,
  type GrantInput,
  type ListTransactionsQuery,
  type UpdateCreditSettingsInput,
} from './credits.schemas';
import { CreditsService, type ConsumeResult } from './credits.service';

/** A replayed reference answers the first transaction with the header idempotent replays carry. */
function answer(res: Response, result: ConsumeResult) {
  if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
  return result.transaction;
}

@ApiTags('Credits')
@ApiKeyAuth()
@Controller('v1/customers/:id/credits')
export class CustomerCreditsController {
  constructor(private readonly credits: CreditsService) {}

  @Get()
  @ApiOperation({ summary: "A customer's credit balance", description: 'Usable credits, the lots holding them (soonest-expiring first), auto-renewal and the low-balance threshold.' })
  @ApiParam({ name: 'id', description: 'cus_…' })
  @ApiJsonResponse(200, creditBalanceSchema)
  @ApiProblems('resource_not_found')
  balance(@Caller() caller: AuthedCaller, @Param('id') id: string) {
    return this.credits.balance(caller, id);
  }

  @Patch()
  @ApiOperation({ summary: "Change a customer's credit settings", description: '`low_balance_threshold`: below it one `credits.low_balance` event and e-mail go out per crossing.' })
  @ApiParam({ name: 'id', description: 'cus_…' })
  @ApiJsonBody(creditSettingsSchema)
  @ApiJsonResponse(200, creditBalanceSchema)
  @ApiIdempotent()
  @ApiProblems('validation_error', 'invalid_json', 'resource_not_found')
  update(@Caller() caller: AuthedCaller, @Param('id') id: string, @Body(new ZodValidationPipe(creditSettingsSchema)) body: UpdateCreditSettingsInput) {
    return this.credits.updateSettings(caller, id, body);
  }

  @Post('consume')
  @ApiOperation({
    summary: 'Consume credits',
    description:
      'Atomic: all the credits or none (409 `insufficient_credits`). Soonest-expiring lots first, bonus before purchased on ties; an expired lot is never used. ' +
      'The same `reference` again answers the first transaction (header `Idempotent-Replayed: true`) and debits nothing; with another amount, 422 `credit_reference_reused`.',
  })
  @ApiParam({ name: 'id', description: 'cus_…' })
  @ApiJsonBody(consumeSchema)
  @ApiJsonResponse(201, creditTransactionSchema, 'The consume transaction')
  @ApiIdempotent()
  @ApiProblems('validation_error', 'invalid_json', 'card_data_not_allowed', 'resource_not_found', 'insufficient_credits', 'credit_reference_reused')
  async consume(
    @Caller() caller: AuthedCaller,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(consumeSchema)) body: ConsumeInput,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answer(res, await this.credits.consume(caller, id, body));
  }

  @Post('grants')
  @ApiOperation({ summary: 'Grant credits', description: 'One lot of kind `granted`, expiring at `expires_at` (default never); event `credits.granted`.' })
  @ApiParam({ name: 'id', description: 'cus_…' })
  @ApiJsonBody(grantSchema)
  @ApiJsonResponse(201, creditTransactionSchema, 'The grant transaction')
  @ApiIdempotent()
  @ApiProblems('validation_error', 'invalid_json', 'card_data_not_allowed', 'resource_not_found', 'credit_reference_reused')
  async grant(
    @Caller() caller: AuthedCaller,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(grantSchema)) body: GrantInput,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answer(res, await this.credits.grant(caller, id, body));
  }

  @Get('transactions')
  @ApiOperation({ summary: "A customer's credit ledger", description: 'Every entry with its signed `credits` and `balance_after`, newest first.' })
  @ApiParam({ name: 'id', description: 'cus_…' })
  @ApiQueryFrom(listTransactionsSchema)
  @ApiListResponse(creditTransactionSchema)
  @ApiProblems('validation_error', 'resource_not_found')
  transactions(@Caller() caller: AuthedCaller, @Param('id') id: string, @Query(new ZodValidationPipe(listTransactionsSchema, 'query')) query: ListTransactionsQuery) {
    return this.credits.transactions(caller, id, query);
  }

  @Put('auto-renewal')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Set up automatic renewal',
    description: 'When the balance falls below `threshold` (consumption or expiry) the package is bought with the saved card, once per crossing; declines are retried on a schedule, then renewal turns itself off.',
  })
  @ApiParam({ name: 'id', description: 'cus_…' })
  @ApiJsonBody(autoRenewalSchema)
  @ApiJsonResponse(200, creditBalanceSchema)
  @ApiProblems('validation_error', 'invalid_json', 'resource_not_found', 'unknown_credit_package')
  autoRenewal(@Caller() caller: AuthedCaller, @Param('id') id: string, @Body(new ZodValidationPipe(autoRenewalSchema)) body: AutoRenewalInput) {
    return this.credits.setAutoRenewal(caller, id, body);
  }
}
