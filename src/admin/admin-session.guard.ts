import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ApiError } from '../common/errors/api-error';
import { ADMIN_SESSION, type AdminRequest } from './admin-request';

/**
 * Defence in depth behind the admin gate: a dashboard handler runs only with the session the gate attached,
 * and a write only for an admin (signing out excepted). Should a request ever reach a handler around the gate,
 * it is refused here rather than served.
 */
@Injectable()
export class AdminSessionGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<AdminRequest>();
    const session = req[ADMIN_SESSION];
    if (!session) throw new ApiError('authentication_required', 'Sign in to the dashboard first');
    const write = req.method !== 'GET' && req.method !== 'HEAD';
    const signOut = req.method === 'DELETE' && /^\/admin\/api\/session\/?$/i.test(req.path);
    if (write && !signOut && session.admin.role !== 'admin') throw new ApiError('forbidden', 'Viewers can look but not change anything');
    return true;
  }
}
