import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth } from '../common/auth/caller.decorator';
import { ApiJsonResponse, ApiProblems, ApiQueryFrom } from '../common/docs/api-docs.decorators';
import { ApiError } from '../common/errors/api-error';
import { ZodValidationPipe } from '../common/validation/zod-validation.pipe';
import { GATEWAY_ENDPOINTS, type GatewayEndpoints } from './gateway-endpoints';
import { RoutingService } from './routing.service';
import { routingObjectSchema, routingQuerySchema, type RoutingQuery } from './routing.schemas';

@ApiTags('Routing')
@ApiKeyAuth()
@Controller('v1/routing')
export class RoutingController {
  constructor(
    private readonly routing: RoutingService,
    @Inject(GATEWAY_ENDPOINTS) private readonly endpoints: GatewayEndpoints,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Which gateway to tokenize with now',
    description:
      'Rules (ROUTING_CARD_PEN / ROUTING_CARD_USD; Yape only at Culqi and only in PEN; Mercado Pago Peru only in PEN) plus health: ' +
      'a gateway whose circuit breaker is open is skipped (`reason: "health"`); when every candidate is open the priority order is ' +
      'returned unchanged. New orders carry the same decision in `suggested_gateway`. No configured gateway takes this source in ' +
      'this currency (e.g. Yape in USD) → 400 `gateway_not_supported`, as POST /v1/orders/{id}/charges answers for the same request.',
  })
  @ApiQueryFrom(routingQuerySchema)
  @ApiJsonResponse(200, routingObjectSchema, 'The routing decision')
  @ApiProblems('validation_error', 'gateway_not_supported')
  get(@Query(new ZodValidationPipe(routingQuerySchema, 'query')) query: RoutingQuery) {
    const decision = this.routing.decide(query.currency, query.source_type);
    if (!decision) {
      throw new ApiError('gateway_not_supported', `No configured gateway takes ${query.source_type} payments in ${query.currency}`, { param: 'source_type' });
    }
    const settings = this.endpoints[decision.gateway];
    // decide() only returns configured gateways, whose settings always exist.
    if (!settings) throw new Error(`gateway ${decision.gateway} has no settings`);
    return { gateway: decision.gateway, public_key: settings.publicKey, fallbacks: decision.fallbacks, reason: decision.reason };
  }
}
