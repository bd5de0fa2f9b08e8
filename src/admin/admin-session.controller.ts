import { Body, Controller, Delete, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiJsonBody, ApiJsonResponse } from '../common/docs/api-docs.decorators';
import { AdminAuth, AdminProblems } from './admin-docs.decorators';
import type { Request, Response } from 'express';
import { ApiError } from '../common/errors/api-error';
import { RateLimits } from '../common/rate-limit/rate-limits';
import { ZodValidationPipe } from '../common/validation/zod-validation.pipe';
import { AppConfig } from '../config/app-config';
import { CurrentAdmin } from './admin-caller.decorator';
import { clearSessionCookie, setSessionCookie } from './admin-cookie';
import { sessionObjectSchema, signInSchema, type SignInInput } from './admin.schemas';
import { AdminSessionGuard } from './admin-session.guard';
import { AdminSessions, presentSession, type SignedInAdmin } from './admin-sessions.service';

/** Sign-in, the current session, sign-out (docs/admin.md). */
@ApiTags('Admin dashboard')
@Controller('admin/api/session')
export class AdminSessionController {
  constructor(
    private readonly sessions: AdminSessions,
    private readonly config: AppConfig,
    private readonly rateLimits: RateLimits,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in to the dashboard',
    description: 'Sets the HttpOnly, SameSite=Strict session cookie `smartpay_admin` (Path=/admin). Repeated failures lock the account (423, stored with the admin, so on every instance).',
  })
  @ApiJsonBody(signInSchema)
  @ApiJsonResponse(200, sessionObjectSchema)
  @AdminProblems('validation_error', 'invalid_credentials', 'account_locked', 'rate_limited')
  async signIn(@Body(new ZodValidationPipe(signInSchema)) body: SignInInput, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    // Per address, failed sign-ins only (an office of admins behind one NAT signing in is fine; guessing is not):
    // over the limit, refused before the password is even checked. The per-account lockout is the other half.
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    await this.rateLimits.check('login', address);
    const { session, token } = await this.sessions.signIn(body.email, body.password, req.ip ?? null).catch(async (err: unknown) => {
      if (err instanceof ApiError && (err.code === 'invalid_credentials' || err.code === 'account_locked')) {
        await this.rateLimits.consume('login', address).catch(() => undefined); // counted; the next attempt is the one refused
      }
      throw err;
    });
    setSessionCookie(res, token, this.config.admin.secureCookies);
    return presentSession(session);
  }

  @Get()
  @UseGuards(AdminSessionGuard)
  @AdminAuth()
  @ApiOperation({ summary: 'The current dashboard session', description: 'With its CSRF token, so a reloaded page gets it back.' })
  @ApiJsonResponse(200, sessionObjectSchema)
  @AdminProblems('authentication_required')
  current(@CurrentAdmin() session: SignedInAdmin) {
    return presentSession(session);
  }

  @Delete()
  @HttpCode(204)
  @UseGuards(AdminSessionGuard)
  @AdminAuth()
  @ApiOperation({ summary: 'Sign out', description: 'Deletes the session on the server and clears the cookie.' })
  @ApiHeader({ name: 'X-CSRF-Token', required: true })
  @ApiResponse({ status: 204, description: 'Signed out' })
  @AdminProblems('authentication_required', 'csrf_failed')
  async signOut(@CurrentAdmin() session: SignedInAdmin, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.sessions.signOut(session.sessionId);
    clearSessionCookie(res, this.config.admin.secureCookies);
  }
}
