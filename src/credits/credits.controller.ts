import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiKeyAuth } from '../common/auth/caller.decorator';
import { ApiJsonResponse, ApiProblems } from '../common/docs/api-docs.decorators';
import { CreditPackageCatalog } from './credit-packages';

// `code` is a plain string: the catalogue is configuration (CREDIT_PACKAGES), not a fixed enum.
const packageSchema = z.object({
  code: z.string().describe('basic, professional, enterprise by default; any code set in CREDIT_PACKAGES'),
  name: z.string(),
  credits: z.number().int(),
  bonus_credits: z.number().int(),
  prices: z.object({ PEN: z.number().int(), USD: z.number().int() }).describe('Minor units per currency'),
  validity_days: z.number().int().describe('Days the purchased credits last'),
  bonus_validity_days: z.number().int().describe('Days the bonus credits last'),
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
