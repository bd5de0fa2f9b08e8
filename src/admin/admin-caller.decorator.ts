import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiError } from '../common/errors/api-error';
import { ADMIN_SESSION, type AdminRequest } from './admin-request';
import type { SignedInAdmin } from './admin-sessions.service';

/** The signed-in admin of a /admin/api request (the admin gate has checked the session and the CSRF token). */
export const CurrentAdmin = createParamDecorator((_: unknown, ctx: ExecutionContext): SignedInAdmin => {
  const session = ctx.switchToHttp().getRequest<AdminRequest>()[ADMIN_SESSION];
  // AdminSessionGuard runs first on every route that reads this; never a 500 for a missing session.
  if (!session) throw new ApiError('authentication_required', 'Sign in to the dashboard first');
  return session;
});
