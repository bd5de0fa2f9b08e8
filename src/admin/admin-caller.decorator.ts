import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ADMIN_SESSION, type AdminRequest } from './admin-request';
import type { SignedInAdmin } from './admin-sessions.service';

/** The signed-in admin of a /admin/api request (the admin gate has checked the session and the CSRF token). */
export const CurrentAdmin = createParamDecorator((_: unknown, ctx: ExecutionContext): SignedInAdmin => {
  const session = ctx.switchToHttp().getRequest<AdminRequest>()[ADMIN_SESSION];
  if (!session) throw new Error('CurrentAdmin used on a route the admin gate does not cover');
  return session;
});
