import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { ApiKeyAuth, Caller } from '../common/auth/caller.decorator';
import { ApiJsonResponse, ApiListResponse, ApiProblems, ApiQueryFrom } from '../common/docs/api-docs.decorators';
import { ZodValidationPipe } from '../common/validation/zod-validation.pipe';
import { InvoicesService } from './invoices.service';
import { invoiceSchema, listInvoicesSchema, type ListInvoicesQuery } from './invoices.schemas';

@ApiTags('Invoices')
@ApiKeyAuth()
@Controller('v1/invoices')
export class InvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

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
