import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { ApiKeyAuth, Caller } from '../common/auth/caller.decorator';
import { ApiIdempotent, ApiJsonResponse, ApiListResponse, ApiProblems, ApiQueryFrom } from '../common/docs/api-docs.decorators';
import { emptyBodySchema } from '../common/validation/common-schemas';
import { ZodValidationPipe } from '../common/validation/zod-validation.pipe';
import { alertObjectSchema, listAlertsSchema, type ListAlertsQuery } from './alert.schemas';
import { AlertsService } from './alerts.service';

@ApiTags('Alerts')
@ApiKeyAuth()
@Controller('v1/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiOperation({
    summary: 'List alerts',
    description: 'The app’s alerts (success rate, disabled webhook endpoints, e-mail bounces) and the deployment’s (gateway circuits, dead-letter jobs), newest first.',
  })
  @ApiQueryFrom(listAlertsSchema)
  @ApiListResponse(alertObjectSchema)
  @ApiProblems('validation_error')
  list(@Caller() caller: AuthedCaller, @Query(new ZodValidationPipe(listAlertsSchema, 'query')) query: ListAlertsQuery) {
    return this.alerts.list(caller, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Retrieve an alert' })
  @ApiParam({ name: 'id', description: 'alr_…' })
  @ApiJsonResponse(200, alertObjectSchema)
  @ApiProblems('resource_not_found')
  get(@Caller() caller: AuthedCaller, @Param('id') id: string) {
    return this.alerts.get(caller, id);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge an alert', description: 'Someone is on it: it stays open, and its condition alerts no one again until it clears.' })
  @ApiParam({ name: 'id', description: 'alr_…' })
  @ApiJsonResponse(200, alertObjectSchema)
  @ApiIdempotent()
  @ApiProblems('resource_not_found', 'alert_read_only', 'alert_already_resolved')
  acknowledge(@Caller() caller: AuthedCaller, @Param('id') id: string, @Body(new ZodValidationPipe(emptyBodySchema)) _body: object) {
    return this.alerts.acknowledge(caller, id);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resolve an alert', description: 'Closes the episode; if its condition still holds at the next evaluation, a new alert opens.' })
  @ApiParam({ name: 'id', description: 'alr_…' })
  @ApiJsonResponse(200, alertObjectSchema)
  @ApiIdempotent()
  @ApiProblems('resource_not_found', 'alert_read_only', 'alert_already_resolved')
  resolve(@Caller() caller: AuthedCaller, @Param('id') id: string, @Body(new ZodValidationPipe(emptyBodySchema)) _body: object) {
    return this.alerts.resolve(caller, id);
  }
}
