import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiKeyAuth } from '../common/auth/caller.decorator';
import { ApiJsonResponse, ApiProblems } from '../common/docs/api-docs.decorators';
import { CreditPackageCatalog, PACKAGE_CODES } from './credit-packages';

const packageSchema = z.object({
  code: z.enum(PACKAGE_CODES),
  name: z.string(),
  credits: z.number().int(),
  bonus_credits: z.number().int(),
  prices: z.object({ PEN: z.number().int(), USD: z.number().int() }),
  validity_days: z.number().int(),
});

@ApiTags('Credits')
@ApiKeyAuth()
@Controller('v1/credit-packages')
export class CreditsController {
  constructor(private readonly catalog: CreditPackageCatalog) {}

  @Get()
  @ApiOperation({ summary: 'List credit packages', description: 'Prices in minor units per currency; buy one with an order `credit_package`.' })
  @ApiJsonResponse(200, z.object({ object: z.literal('list'), data: z.array(packageSchema) }))
  @ApiProblems()
  list() {
    return { object: 'list' as const, data: this.catalog.list() };
  }
}
