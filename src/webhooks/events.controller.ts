import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { ApiKeyAuth, Caller } from '../common/auth/caller.decorator';
import { ApiIdempotent, ApiJsonBody, ApiJsonResponse, ApiListResponse, ApiProblems, ApiQueryFrom } from '../common/docs/api-docs.decorators';
import { ZodValidationPipe } from '../common/validation/zod-validation.pipe';
import {
  eventObjectSchema,
  eventWithDeliveriesSchema,
  listEventsSchema,
  redeliverEventSchema,
  redeliveryResultSchema,
  type ListEventsQuery,
  type RedeliverEventInput,
} from './event.schemas';
import { EventsService } from './events.service';

@ApiTags('Webhooks')
@ApiKeyAuth()
@Controller('v1/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get()
  @ApiOperation({ summary: 'List events', description: 'Everything that happened to the app’s resources, newest first.' })
  @ApiQueryFrom(listEventsSchema)
  @ApiListResponse(eventObjectSchema)
  @ApiProblems('validation_error')
  list(@Caller() caller: AuthedCaller, @Query(new ZodValidationPipe(listEventsSchema, 'query')) query: ListEventsQuery) {
    return this.events.list(caller, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Retrieve an event', description: 'With its deliveries to webhook endpoints and every attempt (status, duration, the start of the answer).' })
  @ApiParam({ name: 'id', description: 'evt_…' })
  @ApiJsonResponse(200, eventWithDeliveriesSchema)
  @ApiProblems('resource_not_found')
  get(@Caller() caller: AuthedCaller, @Param('id') id: string) {
    return this.events.get(caller, id);
  }

  @Post(':id/redeliver')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send an event again',
    description:
      'To one endpoint (`endpoint_id`) or every enabled endpoint subscribed to its type, now, under the same `webhook-id`. Where it was delivered or tried before this is one more attempt; an endpoint that never had it gets a regular delivery with retries.',
  })
  @ApiParam({ name: 'id', description: 'evt_…' })
  @ApiJsonBody(redeliverEventSchema)
  @ApiJsonResponse(202, redeliveryResultSchema, 'The deliveries queued')
  @ApiIdempotent()
  @ApiProblems('validation_error', 'resource_not_found', 'webhook_endpoint_disabled')
  redeliver(@Caller() caller: AuthedCaller, @Param('id') id: string, @Body(new ZodValidationPipe(redeliverEventSchema)) body: RedeliverEventInput) {
    return this.events.redeliver(caller, id, body);
  }
}
