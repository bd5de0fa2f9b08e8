import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DatabaseHealthCheck } from '../database/database-health';

@ApiTags('Operations')
@Controller('health')
export class HealthController {
  constructor(private readonly database: DatabaseHealthCheck) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database answers and all migrations are applied' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] }, checks: { type: 'object' } } } })
  @ApiServiceUnavailableResponse({ description: 'Not ready; `checks` says what is wrong' })
  async ready(@Res({ passthrough: true }) res: Response): Promise<{ status: string; checks: object }> {
    const checks = await this.database.check();
    const ok = checks.database === 'ok' && checks.migrations === 'ok';
    if (!ok) res.status(503);
    return { status: ok ? 'ok' : 'unavailable', checks };
  }
}
