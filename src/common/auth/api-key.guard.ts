import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppsService, type AuthenticatedApp } from '../../apps/apps.service';
import { ADMIN_BRIDGE, type AdminRequest } from '../../admin/admin-request';
import { ApiError } from '../errors/api-error';
import { IdempotencyGate } from '../idempotency/idempotency-gate';
import { rateLimitHeaders, RateLimits } from '../rate-limit/rate-limits';

export type AuthedRequest = Request & { auth?: AuthedCaller };
export type AuthedCaller = AuthenticatedApp;

/**
 * `Authorization: Bearer sk_…` on every /v1 route; the caller's app scopes everything that follows.
 * An authenticated request then counts against its key's rate limit (keyed by the key id); a failed
 * authentication counts against the client address instead, and past that limit answers 429, not 401.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly apps: AppsService,
    private readonly rateLimits: RateLimits,
    private readonly idempotency: IdempotencyGate,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthedRequest & AdminRequest>();
    // The dashboard's /v1 bridge: the admin gate authenticated a session and chose the app; the admin's
    // requests count against a limit of their own (keyed `admin:<id>`).
    const caller = req[ADMIN_BRIDGE] ?? (await this.authenticate(req));
    req.auth = caller;
    const state = await this.rateLimits.consume('api', caller.keyId);
    const res = context.switchToHttp().getResponse<Response>();
    if (state) res.set(rateLimitHeaders(state));
    await this.idempotency.open(req, res);
    return true;
  }

  private async authenticate(req: AuthedRequest): Promise<AuthedCaller> {
    const header = req.headers.authorization;
    let failure: ApiError;
    if (header === undefined || header.trim() === '') {
      failure = new ApiError('authentication_required', 'Send your API key as "Authorization: Bearer sk_…"');
    } else {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const caller = match ? await this.apps.authenticate(match[1]!) : null;
      if (caller) return caller;
      failure = new ApiError('invalid_api_key', match ? 'The API key is unknown or revoked' : 'The Authorization header must be "Bearer <api key>"');
    }
    // Throws rate_limited once this address has failed too often in the window.
    await this.rateLimits.consume('auth_failure', req.ip ?? req.socket.remoteAddress ?? 'unknown');
    throw failure;
  }
}
