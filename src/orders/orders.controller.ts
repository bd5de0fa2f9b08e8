import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { ApiKeyAuth, Caller } from '../common/auth/caller.decorator';
import { ApiIdempotent, ApiJsonBody, ApiJsonResponse, ApiListResponse, ApiProblems, ApiQueryFrom } from '../common/docs/api-docs.decorators';
import { Idempotency, type IdempotencyScope } from '../common/idempotency/idempotency-scope';
import { emptyBodySchema } from '../common/validation/common-schemas';
import { ZodValidationPipe } from '../common/validation/zod-validation.pipe';
import { listCustomerOrdersSchema } from '../customers/customer.schemas';
import {
  createOrderSchema,
  listOrdersSchema,
  orderObjectSchema,
  type CreateOrderInput,
  type ListOrdersQuery,
} from './order.schemas';
import { OrdersService } from './orders.service';
import { z } from 'zod';

@ApiTags('Orders')
@ApiKeyAuth()
@Controller('v1')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post('orders')
  @ApiOperation({ summary: 'Create an order', description: 'What a customer must pay; charge it with POST /v1/orders/{id}/charges.' })
  @ApiJsonBody(createOrderSchema)
  @ApiJsonResponse(201, orderObjectSchema, 'The new order')
  @ApiIdempotent()
  @ApiProblems('validation_error', 'invalid_json', 'card_data_not_allowed', 'unknown_credit_package', 'resource_not_found', 'duplicate_reference')
  create(
    @Caller() caller: AuthedCaller,
    @Body(new ZodValidationPipe(createOrderSchema)) body: CreateOrderInput,
    @Idempotency() scope: IdempotencyScope | null,
  ) {
    return this.orders.create(caller, body, scope);
  }

  @Get('orders')
  @ApiOperation({ summary: 'List orders', description: 'Newest first, filtered by status, customer, reference and creation time.' })
  @ApiQueryFrom(listOrdersSchema)
  @ApiListResponse(orderObjectSchema)
  @ApiProblems('validation_error')
  list(@Caller() caller: AuthedCaller, @Query(new ZodValidationPipe(listOrdersSchema, 'query')) query: ListOrdersQuery) {
    return this.orders.list(caller, query);
  }

  @Get('orders/:id')
  @ApiOperation({ summary: 'Retrieve an order', description: 'With its latest charge inline.' })
  @ApiParam({ name: 'id', description: 'ord_…' })
  @ApiJsonResponse(200, orderObjectSchema)
  @ApiProblems('resource_not_found')
  get(@Caller() caller: AuthedCaller, @Param('id') id: string) {
    return this.orders.get(caller, id);
  }

  @Post('orders/:id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel an order', description: 'From `pending` (or `requires_action` with nothing in flight at the gateway).' })
  @ApiParam({ name: 'id', description: 'ord_…' })
  @ApiJsonResponse(200, orderObjectSchema, 'The canceled order')
  @ApiIdempotent()
  @ApiProblems('resource_not_found', 'order_not_cancelable')
  cancel(@Caller() caller: AuthedCaller, @Param('id') id: string, @Body(new ZodValidationPipe(emptyBodySchema)) _body: object) {
    return this.orders.cancel(caller, id);
  }

  @Get('customers/:id/orders')
  @ApiTags('Customers')
  @ApiOperation({ summary: "A customer's payment history", description: 'Orders of the customer, newest first, with their latest charge.' })
  @ApiParam({ name: 'id', description: 'cus_…' })
  @ApiQueryFrom(listCustomerOrdersSchema)
  @ApiListResponse(orderObjectSchema)
  @ApiProblems('resource_not_found', 'validation_error')
  customerOrders(
    @Caller() caller: AuthedCaller,
    @Param('id') id: string,
    @Query(new ZodValidationPipe(listCustomerOrdersSchema, 'query')) query: z.infer<typeof listCustomerOrdersSchema>,
  ) {
    return this.orders.listForCustomer(caller, id, query.limit, query.cursor);
  }
}
