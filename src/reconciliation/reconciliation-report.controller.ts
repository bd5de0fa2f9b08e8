import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { ApiKeyAuth, Caller } from '../common/auth/caller.decorator';
import { ApiJsonResponse, ApiProblems, ApiQueryFrom } from '../common/docs/api-docs.decorators';
import { ZodValidationPipe } from '../common/validation/zod-validation.pipe';
import { MAX_REPORT_DAYS, reportObjectSchema, reportQuerySchema, type ReportQuery } from './reconciliation-report.schemas';
import { ReconciliationReportService } from './reconciliation-report.service';

@ApiTags('Reconciliation')
@ApiKeyAuth()
@Controller('v1/reconciliation')
export class ReconciliationReportController {
  constructor(private readonly reports: ReconciliationReportService) {}

  @Get('report')
  @ApiOperation({
    summary: 'Reconciliation report for a period',
    description:
      `Lists every configured gateway's charges created in the period (at most ${MAX_REPORT_DAYS} days) and compares them with your charges ` +
      'attempted in it, matching by our charge id (Culqi metadata / Mercado Pago external_reference), else by the gateway charge id. ' +
      'Both sides are read 10 minutes wider to absorb clock skew. If a gateway cannot be listed completely the report fails ' +
      '(503 `gateway_unavailable`) rather than answering with a partial comparison.',
  })
  @ApiQueryFrom(reportQuerySchema)
  @ApiJsonResponse(200, reportObjectSchema, 'The comparison')
  @ApiProblems('validation_error', 'gateway_unavailable')
  report(@Caller() caller: AuthedCaller, @Query(new ZodValidationPipe(reportQuerySchema, 'query')) query: ReportQuery) {
    return this.reports.report(caller.appId, new Date(query.from), new Date(query.to));
  }
}
