import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { ApiKeyAuth, Caller } from '../common/auth/caller.decorator';
import { ApiIdempotent, ApiJsonBody, ApiJsonResponse, ApiListResponse, ApiProblems } from '../common/docs/api-docs.decorators';
import { Idempotency, type IdempotencyScope } from '../common/idempotency/idempotency-scope';
import { emptyBodySchema } from '../common/validation/common-schemas';
import { ZodValidationPipe } from '../common/validation/zod-validation.pipe';
import {
  createWebhookEndpointSchema,
  updateWebhookEndpointSchema,
  webhookEndpointObjectSchema,
  type CreateWebhookEndpointInput,
  type UpdateWebhookEndpointInput,
} from './webhook-endpoint.schemas';
import { WebhookEndpointsService } from './webhook-endpoints.service';

@ApiTags('Webhooks')
@ApiKeyAuth()
@Controller('v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a webhook endpoint',
    description:
      'Events of the subscribed types are POSTed to `url`, signed per the Standard Webhooks specification with the returned `secret` (shown only here). Outside sandbox mode the URL must reach a public address.',
  })
  @ApiJsonBody(createWebhookEndpointSchema)
  @ApiJsonResponse(201, webhookEndpointObjectSchema, 'The endpoint, with its secret')
  @ApiIdempotent()
  @ApiProblems('validation_error', 'webhook_url_not_allowed', 'webhook_endpoint_limit_reached')
  create(
    @Caller() caller: AuthedCaller,
    @Body(new ZodValidationPipe(createWebhookEndpointSchema)) body: CreateWebhookEndpointInput,
    @Idempotency() scope: IdempotencyScope | null,
  ) {
    return this.endpoints.create(caller, body, scope);
  }

  @Get()
  @ApiOperation({ summary: 'List webhook endpoints', description: 'Newest first; secrets are never listed.' })
  @ApiListResponse(webhookEndpointObjectSchema)
  @ApiProblems()
  list(@Caller() caller: AuthedCaller) {
    return this.endpoints.list(caller);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Retrieve a webhook endpoint' })
  @ApiParam({ name: 'id', description: 'we_…' })
  @ApiJsonResponse(200, webhookEndpointObjectSchema)
  @ApiProblems('resource_not_found')
  get(@Caller() caller: AuthedCaller, @Param('id') id: string) {
    return this.endpoints.get(caller, id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Update a webhook endpoint',
    description: 'Change its URL, events or description; `status: "enabled"` re-enables an endpoint that was disabled after its deliveries kept failing.',
  })
  @ApiParam({ name: 'id', description: 'we_…' })
  @ApiJsonBody(updateWebhookEndpointSchema)
  @ApiJsonResponse(200, webhookEndpointObjectSchema)
  @ApiIdempotent()
  @ApiProblems('validation_error', 'resource_not_found', 'webhook_url_not_allowed')
  update(@Caller() caller: AuthedCaller, @Param('id') id: string, @Body(new ZodValidationPipe(updateWebhookEndpointSchema)) body: UpdateWebhookEndpointInput) {
    return this.endpoints.update(caller, id, body);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a webhook endpoint', description: 'Its pending deliveries are canceled.' })
  @ApiParam({ name: 'id', description: 'we_…' })
  @ApiJsonResponse(200, z.object({ id: z.string(), object: z.literal('webhook_endpoint'), deleted: z.literal(true) }))
  @ApiProblems('resource_not_found')
  remove(@Caller() caller: AuthedCaller, @Param('id') id: string) {
    return this.endpoints.delete(caller, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate the signing secret',
    description: 'Returns the new secret (only here). For 24 h deliveries carry two signatures, one per secret, so receivers can switch without missing events.',
  })
  @ApiParam({ name: 'id', description: 'we_…' })
  @ApiJsonResponse(200, webhookEndpointObjectSchema, 'The endpoint, with its new secret')
  @ApiIdempotent()
  @ApiProblems('resource_not_found')
  rotate(@Caller() caller: AuthedCaller, @Param('id') id: string, @Body(new ZodValidationPipe(emptyBodySchema)) _body: object) {
    return this.endpoints.rotateSecret(caller, id);
  }
}
