import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { ApiKeyAuth, Caller } from '../common/auth/caller.decorator';
import { ApiIdempotent, ApiJsonResponse, ApiListResponse, ApiProblems, ApiQueryFrom } from '../common/docs/api-docs.decorators';
import { emptyBodySchema } from '../common/validation/common-schemas';
import { ZodValidationPipe } from '../common/validation/zod-validation.pipe';
import { InvoiceReissues } from './invoice-reissues';
import { InvoicesService } from './invoices.service';
import { invoiceSchema, listInvoicesSchema, type ListInvoicesQuery } from './invoices.schemas';

@ApiTags('Invoices')
@ApiKeyAuth()
@Controller('v1/invoices')
export class InvoicesController {
  constructor(
    private readonly invoices: InvoicesService,
    private readonly reissues: InvoiceReissues,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List invoices', description: 'Facturas, boletas and credit notes of the app, newest first.' })
  @ApiQueryFrom(listInvoicesSchema)
  @ApiListResponse(invoiceSchema)
  @ApiProblems('validation_error')
  list(@Caller() caller: AuthedCaller, @Query(new ZodValidationPipe(listInvoicesSchema, 'query')) query: ListInvoicesQuery) {
    return this.invoices.list(caller, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an invoice', description: 'With its SUNAT status and the CDR answer (code, description, observations).' })
  @ApiParam({ name: 'id', description: 'inv_…' })
  @ApiJsonResponse(200, invoiceSchema)
  @ApiProblems('resource_not_found')
  get(@Caller() caller: AuthedCaller, @Param('id') id: string) {
    return this.invoices.get(caller, id);
  }

  @Post(':id/reissue')
  @ApiOperation({
    summary: 'Issue a rejected document again',
    description:
      'For a document SUNAT/OSE rejected (its number is burned) that no document replaces yet — typically once `INVOICE_MAX_REISSUES` automatic reissues are spent and the cause is fixed (the customer record, the configuration): ' +
      'the corrected document is issued under the next number of its series, from the data as it is now, exactly as the automatic reissue does (`replaces_invoice_id`, `invoice.issued`, submitted to SUNAT/OSE, ' +
      'the customer told by e-mail with the new PDF and XML when the rejected one had been e-mailed). Concurrent calls issue one document; the others answer 409.',
  })
  @ApiParam({ name: 'id', description: 'inv_… of the rejected document' })
  @ApiJsonResponse(201, invoiceSchema, 'The new document (status `issued`; SUNAT answers later)')
  @ApiIdempotent()
  @ApiProblems('resource_not_found', 'invoice_not_reissuable')
  reissue(@Caller() caller: AuthedCaller, @Param('id') id: string, @Body(new ZodValidationPipe(emptyBodySchema)) _body: object) {
    return this.reissues.reissue(caller, id);
  }

  @Get(':id/xml')
  @ApiOperation({ summary: 'The signed UBL 2.1 XML', description: 'Exactly as submitted to SUNAT/OSE, named `{RUC}-{type}-{series}-{number}.xml`.' })
  @ApiParam({ name: 'id', description: 'inv_…' })
  @ApiProduces('application/xml')
  @ApiResponse({ status: 200, description: 'application/xml' })
  @ApiProblems('resource_not_found')
  async xml(@Caller() caller: AuthedCaller, @Param('id') id: string, @Res() res: Response) {
    const { fileName, body } = await this.invoices.xml(caller, id);
    res.type('application/xml; charset=utf-8').setHeader('Content-Disposition', `inline; filename="${fileName}"`);
    res.send(body);
  }

  @Get(':id/pdf')
  @ApiOperation({ summary: 'The printed representation (PDF)', description: 'Issuer, customer, lines, totals, amount in words, hash and the SUNAT QR code.' })
  @ApiParam({ name: 'id', description: 'inv_…' })
  @ApiProduces('application/pdf')
  @ApiResponse({ status: 200, description: 'application/pdf' })
  @ApiProblems('resource_not_found')
  async pdf(@Caller() caller: AuthedCaller, @Param('id') id: string, @Res() res: Response) {
    const { fileName, body } = await this.invoices.pdf(caller, id);
    res.type('application/pdf').setHeader('Content-Disposition', `inline; filename="${fileName}"`);
    res.send(body);
  }
}
