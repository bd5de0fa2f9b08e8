import { applyDecorators } from '@nestjs/common';
import { ApiCookieAuth, ApiResponse } from '@nestjs/swagger';
import { ERROR_CODES, type ErrorCode } from '../common/errors/error-codes';

export const ADMIN_SESSION_SCHEME = 'admin_session';

/**
 * Documents a dashboard operation's problems: every one may answer 401 (no session); writes also
 * 403 `csrf_failed` / `forbidden`.
 */
export const AdminProblems = (...codes: ErrorCode[]): MethodDecorator => {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return applyDecorators(
    ...[...byStatus].map(([status, list]) =>
      ApiResponse({
        status,
        description: `Problem details; \`code\` is one of: ${list.map((c) => `\`${c}\``).join(', ')}`,
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      }),
    ),
  );
};

/** The session cookie scheme plus the 401 every dashboard operation may answer. */
export const AdminAuth = (): ClassDecorator & MethodDecorator => applyDecorators(ApiCookieAuth(ADMIN_SESSION_SCHEME));
