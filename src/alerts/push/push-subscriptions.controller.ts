import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { AuthedCaller } from '../../common/auth/api-key.guard';
import { ApiKeyAuth, Caller } from '../../common/auth/caller.decorator';
import { ApiIdempotent, ApiJsonBody, ApiJsonResponse, ApiListResponse, ApiProblems } from '../../common/docs/api-docs.decorators';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { createPushSubscriptionSchema, pushKeySchema, pushSubscriptionObjectSchema, type CreatePushSubscriptionInput } from './push-subscription.schemas';
import { PushSubscriptionsService } from './push-subscriptions.service';

/** Browser notifications of alerts (Web Push). Registered before AlertsController, whose `:id` would match these paths. */
@ApiTags('Alerts')
@ApiKeyAuth()
@Controller('v1/alerts')
export class PushSubscriptionsController {
  constructor(private readonly subscriptions: PushSubscriptionsService) {}

  @Get('push-key')
  @ApiOperation({ summary: 'The VAPID public key', description: 'Pass it as `applicationServerKey` to `PushManager.subscribe()` in the browser.' })
  @ApiJsonResponse(200, pushKeySchema)
  @ApiProblems('push_not_configured')
  key() {
    return this.subscriptions.publicKey();
  }

  @Post('push-subscriptions')
  @ApiOperation({ summary: 'Subscribe a browser to alerts', description: 'Send the browser’s `PushSubscription.toJSON()`. The same browser twice is kept once.' })
  @ApiJsonBody(createPushSubscriptionSchema)
  @ApiJsonResponse(201, pushSubscriptionObjectSchema)
  @ApiIdempotent()
  @ApiProblems('validation_error', 'push_not_configured')
  subscribe(@Caller() caller: AuthedCaller, @Body(new ZodValidationPipe(createPushSubscriptionSchema)) body: CreatePushSubscriptionInput) {
    return this.subscriptions.subscribe(caller, body);
  }

  @Get('push-subscriptions')
  @ApiOperation({ summary: 'Browsers subscribed to alerts' })
  @ApiListResponse(pushSubscriptionObjectSchema)
  @ApiProblems()
  list(@Caller() caller: AuthedCaller) {
    return this.subscriptions.list(caller);
  }

  @Delete('push-subscriptions/:id')
  @ApiOperation({ summary: 'Unsubscribe a browser' })
  @ApiParam({ name: 'id', description: 'psub_…' })
  @ApiJsonResponse(200, z.object({ id: z.string(), object: z.literal('push_subscription'), deleted: z.literal(true) }))
  @ApiProblems('resource_not_found')
  remove(@Caller() caller: AuthedCaller, @Param('id') id: string) {
    return this.subscriptions.remove(caller, id);
  }
}
