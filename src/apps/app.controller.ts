import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { ApiKeyAuth, Caller } from '../common/auth/caller.decorator';
import { ApiIdempotent, ApiJsonBody, ApiJsonResponse, ApiProblems } from '../common/docs/api-docs.decorators';
import { ZodValidationPipe } from '../common/validation/zod-validation.pipe';
import type { AppSettings } from './app-settings';
import { appObjectSchema, updateAppSchema, type UpdateAppInput } from './app-settings.schemas';
import { AppsService } from './apps.service';

function presentApp(id: string, name: string, s: AppSettings) {
  return { id, object: 'app' as const, name, ...s };
}

/** The caller's own app: its name and what SmartPay e-mails on its behalf (like Stripe's /v1/account). */
@ApiTags('App')
@ApiKeyAuth()
@Controller('v1/app')
export class AppController {
  constructor(private readonly apps: AppsService) {}

  @Get()
  @ApiOperation({ summary: 'Your app and its notification settings' })
  @ApiJsonResponse(200, appObjectSchema)
  @ApiProblems()
  async get(@Caller() caller: AuthedCaller) {
    const { name, settings } = await this.apps.settings(caller.appId);
    return presentApp(caller.appId, name, settings);
  }

  @Patch()
  @ApiOperation({
    summary: 'Change notification settings',
    description: 'Alert and summary recipients and language, which e-mails customers get, and the retry link of payment-failed e-mails. Fields not sent keep their value.',
  })
  @ApiJsonBody(updateAppSchema)
  @ApiJsonResponse(200, appObjectSchema)
  @ApiIdempotent()
  @ApiProblems('validation_error', 'invalid_json')
  async update(@Caller() caller: AuthedCaller, @Body(new ZodValidationPipe(updateAppSchema)) body: UpdateAppInput) {
    const { name, settings } = await this.apps.updateSettings(caller.appId, body);
    return presentApp(caller.appId, name, settings);
  }
}
