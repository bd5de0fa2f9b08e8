import { applyDecorators } from '@nestjs/common';
import { ApiCookieAuth } from '@nestjs/swagger';
import { ApiProblemResponses } from '../common/docs/api-docs.decorators';
import type { ErrorCode } from '../common/errors/error-codes';

export const ADMIN_SESSION_SCHEME = 'admin_session';

/** Documents a dashboard operation's problems (no API-key codes: the dashboard signs in with a session). */
export const AdminProblems = (...codes: ErrorCode[]): MethodDecorator => ApiProblemResponses(codes);

/** The session cookie scheme of every dashboard operation but sign-in. */
export const AdminAuth = (): ClassDecorator & MethodDecorator => applyDecorators(ApiCookieAuth(ADMIN_SESSION_SCHEME));
