import { Controller, Get, Header, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AppConfig } from '../config/app-config';
import { ApiProblems } from '../common/docs/api-docs.decorators';
import { ApiError } from '../common/errors/api-error';
import { MetricsService } from './metrics.service';

@ApiTags('Operations')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics', description: 'Text exposition format. Protected by `Authorization: Bearer <METRICS_TOKEN>` when that variable is set.' })
  @ApiOkResponse({
    description: 'Prometheus text exposition format 0.0.4',
    content: { 'text/plain; version=0.0.4': { schema: { type: 'string' } } },
  })
  // Either no credentials (METRICS_TOKEN unset) or the metrics token.
  @ApiSecurity({})
  @ApiSecurity('metrics_token')
  @ApiProblems()
  @Header('Cache-Control', 'no-store')
  async scrape(@Req() req: Request): Promise<string> {
    const token = this.config.metricsToken;
    if (token !== undefined && req.headers.authorization !== `Bearer ${token}`) {
      throw new ApiError(req.headers.authorization ? 'invalid_api_key' : 'authentication_required', 'A metrics token is required');
    }
    req.res?.type(this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
