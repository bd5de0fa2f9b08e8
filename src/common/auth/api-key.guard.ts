import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AppsService, type AuthenticatedApp } from '../../apps/apps.service';
import { ADMIN_BRIDGE, type AdminRequest } from '../../admin/admin-request';
import { ApiError } from '../errors/api-error';

export type AuthedRequest = Request & { auth?: AuthedCaller };
export type AuthedCaller = AuthenticatedApp;

/** `Authorization: Bearer sk_…` on every /v1 route; the caller's app scopes everything that follows. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly apps: AppsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthedRequest & AdminRequest>();
    // The dashboard's /v1 bridge: the admin gate authenticated a session and chose the app.
    const bridged = req[ADMIN_BRIDGE];
    if (bridged) {
      req.auth = bridged;
      return true;
    }
    const header = req.headers.authorization;
    if (header === undefined || header.trim() === '') {
      throw new ApiError('authentication_required', 'Send your API key as "Authorization: Bearer sk_…"');
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new ApiError('invalid_api_key', 'The Authorization header must be "Bearer <api key>"');
    const caller = await this.apps.authenticate(match[1]!);
    if (!caller) throw new ApiError('invalid_api_key', 'The API key is unknown or revoked');
    req.auth = caller;
    return true;
  }
}
