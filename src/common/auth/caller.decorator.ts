import { applyDecorators, createParamDecorator, type ExecutionContext, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiKeyGuard, type AuthedCaller, type AuthedRequest } from './api-key.guard';

/** Marks a controller as API-key protected (guard + OpenAPI security scheme). */
export const ApiKeyAuth = (): ClassDecorator & MethodDecorator =>
  applyDecorators(UseGuards(ApiKeyGuard), ApiBearerAuth('api_key'));

/** The authenticated caller (its app) of the current request. */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthedCaller => {
  const auth = ctx.switchToHttp().getRequest<AuthedRequest>().auth;
  if (!auth) throw new Error('Caller used on a route without ApiKeyAuth');
  return auth;
});
