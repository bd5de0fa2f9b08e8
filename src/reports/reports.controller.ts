import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { ApiKeyAuth, Caller } from '../common/auth/caller.decorator';
import { ApiJsonResponse, ApiProblems, ApiQueryFrom } from '../common/docs/api-docs.decorators';
import { ZodValidationPipe } from '../common/validation/zod-validation.pipe';
import { ReportsService } from './reports.service';
import {
  type ReportSummaryQuery,
  reportSummaryQuerySchema,
  reportSummarySchema,
  type ReportTimeseriesQuery,
  reportTimeseriesQuerySchema,
  reportTimeseriesSchema,
  type TransactionsCsvQuery,
  transactionsCsvQuerySchema,
} from './reports.schemas';
import { TransactionsCsv } from './transactions-csv';

@ApiTags('Reports')
@ApiKeyAuth()
@Controller('v1/reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly csv: TransactionsCsv,
  ) {}

  @Get('summary')
  @ApiOperation({
    summary: 'Payments summary of a period',
    description:
      'Success rate, money processed per currency, processing time (average and p95), per gateway and per payment method, declines and errors by code, refunds and credits — and the same for the period of equal length just before.',
  })
  @ApiQueryFrom(reportSummaryQuerySchema)
  @ApiJsonResponse(200, reportSummarySchema)
  @ApiProblems('validation_error')
  summary(@Caller() caller: AuthedCaller, @Query(new ZodValidationPipe(reportSummaryQuerySchema, 'query')) query: ReportSummaryQuery) {
    return this.reports.summary(caller, query);
  }

  @Get('timeseries')
  @ApiOperation({ summary: 'Payments over time', description: 'Attempts, successes, money processed and average processing time per local hour or day (at most 1,000 buckets), empty buckets included.' })
  @ApiQueryFrom(reportTimeseriesQuerySchema)
  @ApiJsonResponse(200, reportTimeseriesSchema)
  @ApiProblems('validation_error')
  timeseries(@Caller() caller: AuthedCaller, @Query(new ZodValidationPipe(reportTimeseriesQuerySchema, 'query')) query: ReportTimeseriesQuery) {
    return this.reports.timeseries(caller, query);
  }

  @Get('transactions.csv')
  @ApiOperation({
    summary: 'Every charge of a period as CSV',
    description: 'One row per charge, oldest first, streamed. RFC 4180 (CRLF), UTF-8 with a byte order mark; `amount` in currency units with a dot, `amount_minor` in minor units.',
  })
  @ApiQueryFrom(transactionsCsvQuerySchema)
  @ApiProduces('text/csv')
  @ApiResponse({ status: 200, description: 'text/csv; charset=utf-8' })
  @ApiProblems('validation_error')
  async transactionsCsv(@Caller() caller: AuthedCaller, @Query(new ZodValidationPipe(transactionsCsvQuerySchema, 'query')) query: TransactionsCsvQuery, @Res() res: Response) {
    const scope = this.reports.scope(caller, query);
    const name = `smartpay-transactions-${scope.from.toISOString().slice(0, 10)}-${scope.to.toISOString().slice(0, 10)}.csv`;
    res.status(200).type('text/csv; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="${name}"`);
    res.setHeader('Cache-Control', 'no-store');
    try {
      await this.csv.write({ ...scope, status: query.status }, res);
      res.end();
    } catch (err) {
      // The status line is gone: cutting the connection is how a streamed download says it failed.
      res.destroy(err as Error);
    }
  }
}
