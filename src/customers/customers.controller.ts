import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { ApiKeyAuth, Caller } from '../common/auth/caller.decorator';
import { ApiIdempotent, ApiJsonBody, ApiJsonResponse, ApiListResponse, ApiProblems, ApiQueryFrom } from '../common/docs/api-docs.decorators';
import { Idempotency, type IdempotencyScope } from '../common/idempotency/idempotency-scope';
import { ZodValidationPipe } from '../common/validation/zod-validation.pipe';
import {
  createCustomerSchema,
  customerObjectSchema,
  listCustomersSchema,
  updateCustomerSchema,
  type CreateCustomerInput,
  type ListCustomersQuery,
  type UpdateCustomerInput,
} from './customer.schemas';
import { CustomersService } from './customers.service';

@ApiTags('Customers')
@ApiKeyAuth()
@Controller('v1/customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a customer',
    description: 'E-mail is unique per app. `billing.invoice_type: "factura"` requires a RUC document and a business name.',
  })
  @ApiJsonBody(createCustomerSchema)
  @ApiJsonResponse(201, customerObjectSchema, 'The new customer')
  @ApiIdempotent()
  @ApiProblems('validation_error', 'invalid_json', 'card_data_not_allowed', 'customer_email_taken')
  create(
    @Caller() caller: AuthedCaller,
    @Body(new ZodValidationPipe(createCustomerSchema)) body: CreateCustomerInput,
    @Idempotency() scope: IdempotencyScope | null,
  ) {
    return this.customers.create(caller, body, scope);
  }

  @Get()
  @ApiOperation({ summary: 'List customers', description: 'Newest first; `email` finds the customer with that e-mail.' })
  @ApiQueryFrom(listCustomersSchema)
  @ApiListResponse(customerObjectSchema)
  @ApiProblems('validation_error')
  list(@Caller() caller: AuthedCaller, @Query(new ZodValidationPipe(listCustomersSchema, 'query')) query: ListCustomersQuery) {
    return this.customers.list(caller, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Retrieve a customer' })
  @ApiParam({ name: 'id', description: 'cus_…' })
  @ApiJsonResponse(200, customerObjectSchema)
  @ApiProblems('resource_not_found')
  get(@Caller() caller: AuthedCaller, @Param('id') id: string) {
    return this.customers.get(caller, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update a customer', description: 'Only the fields sent change; `billing` is merged field by field; `null` clears.' })
  @ApiParam({ name: 'id', description: 'cus_…' })
  @ApiJsonBody(updateCustomerSchema)
  @ApiJsonResponse(200, customerObjectSchema, 'The updated customer')
  @ApiIdempotent()
  @ApiProblems('validation_error', 'invalid_json', 'card_data_not_allowed', 'resource_not_found', 'customer_email_taken')
  update(@Caller() caller: AuthedCaller, @Param('id') id: string, @Body(new ZodValidationPipe(updateCustomerSchema)) body: UpdateCustomerInput) {
    return this.customers.update(caller, id, body);
  }
}
