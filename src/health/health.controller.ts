import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DatabaseHealthCheck } from '../database/database-health';
import { GatewayCircuitBreakers } from '../gateways/resilience/gateway-circuit-breakers';

const readySchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    checks: {
      type: 'object',
      properties: {
        database: { type: 'string' },
        migrations: { type: 'string' },
        gateways: {
          type: 'object',
          description: 'Circuit breaker of each configured gateway (informational: never makes the instance unready)',
          additionalProperties: { type: 'object', properties: { circuit: { type: 'string', enum: ['closed', 'open', 'half_open'] } } },
        },
      },
    },
  },
};

@ApiTags('Operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly database: DatabaseHealthCheck,
    private readonly breakers: GatewayCircuitBreakers,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: the database answers and all migrations are applied',
    description:
      '`checks.gateways` shows each gateway\'s circuit breaker (`closed`, `open`, `half_open`). An open circuit does not make the ' +
      'instance unready: SmartPay still routes to the other gateway, and taking every instance out of a load balancer because ' +
      'one gateway is down would turn a partial outage into a total one.',
  })
  @ApiOkResponse({ schema: readySchema })
  @ApiServiceUnavailableResponse({ description: 'Not ready; `checks` says what is wrong', schema: readySchema })
  async ready(@Res({ passthrough: true }) res: Response): Promise<{ status: string; checks: object }> {
    const checks = await this.database.check();
    const ok = checks.database === 'ok' && checks.migrations === 'ok';
    if (!ok) res.status(503);
    return { status: ok ? 'ok' : 'unavailable', checks: { ...checks, gateways: this.breakers.snapshot() } };
  }
}
