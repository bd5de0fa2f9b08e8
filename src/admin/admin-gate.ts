import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { AdminRole } from '../apps/admin-user.entity';
import { ApiError } from '../common/errors/api-error';
import { SqlRunner } from '../database/sql-runner';
import { AdminAudit } from './admin-audit';
import { readCookie, SESSION_COOKIE } from './admin-cookie';
import { AdminSessions, type SignedInAdmin } from './admin-sessions.service';
import { ADMIN_BRIDGE, ADMIN_SESSION, type AdminRequest } from './admin-request';

/** The writes an admin may make through the /v1 bridge (docs/admin.md); a viewer makes none. */
const BRIDGE_WRITES: { method: string; path: RegExp; action: string; target: (m: RegExpExecArray, body: unknown) => string | null }[] = [
  { method: 'POST', path: /^\/refunds$/i, action: 'refund.create', target: (_m, body) => stringField(body, 'order_id') },
  { method: 'POST', path: /^\/events\/([^/]+)\/redeliver$/i, action: 'event.redeliver', target: (m) => m[1]! },
  { method: 'POST', path: /^\/alerts\/([^/]+)\/acknowledge$/i, action: 'alert.acknowledge', target: (m) => m[1]! },
  { method: 'POST', path: /^\/alerts\/([^/]+)\/resolve$/i, action: 'alert.resolve', target: (m) => m[1]! },
  { method: 'POST', path: /^\/alerts\/push-subscriptions$/i, action: 'push.subscribe', target: () => null },
  { method: 'DELETE', path: /^\/alerts\/push-subscriptions\/([^/]+)$/i, action: 'push.unsubscribe', target: (m) => m[1]! },
  { method: 'POST', path: /^\/reconciliation\/runs$/i, action: 'reconciliation.run', target: () => null },
  { method: 'POST', path: /^\/invoices\/([^/]+)\/reissue$/i, action: 'invoice.reissue', target: (m) => m[1]! },
];

/** Writes of the dashboard's own endpoints, for the audit log's action names. */
const OWN_WRITES: { method: string; path: RegExp; action: string }[] = [
  { method: 'DELETE', path: /^\/admin\/api\/session$/i, action: 'session.logout' },
  { method: 'POST', path: /^\/admin\/api\/jobs\/([^/]+)\/retry$/i, action: 'job.retry' },
];

const BRIDGE = /^\/admin\/api\/apps\/([^/]+)\/v1(\/[^?]*)?(\?.*)?$/i;
const READS = new Set(['GET', 'HEAD']);

/**
 * Everything under /admin/api passes here first (an Express middleware, before Nest's routes): the
 * session cookie, the CSRF header on writes, the role, the audit entry of every write, and the /v1
 * bridge — `/admin/api/apps/{app}/v1/…` is rewritten to `/v1/…` with the app as the caller, so the
 * dashboard reads and acts through exactly the code the public API runs, with no second implementation.
 * Sign-in (`POST /admin/api/session`) is the one request that needs no session.
 */
@Injectable()
export class AdminGate {
  private readonly knownApps = new Set<string>();

  constructor(
    private readonly sessions: AdminSessions,
    private readonly audit: AdminAudit,
    private readonly sql: SqlRunner,
  ) {}

  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    // Express matches routes without regard to case, so the gate must too (/ADMIN/API/… reaches the same handlers).
    const path = req.path.toLowerCase();
    if (!path.startsWith('/admin/api/') && path !== '/admin/api') return next();
    this.handle(req as AdminRequest, res).then(
      () => next(),
      (err: unknown) => next(err),
    );
  };

  private async handle(req: AdminRequest, res: Response): Promise<void> {
    if (req.method === 'POST' && req.path.toLowerCase() === '/admin/api/session') return; // sign-in: the controller rate-limits it
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    const session = token ? await this.sessions.resolve(token) : null;
    if (!session) throw new ApiError('authentication_required', 'Sign in to the dashboard first');
    const write = !READS.has(req.method);
    if (write && !AdminSessions.csrfMatches(session, header(req, 'x-csrf-token'))) {
      throw new ApiError('csrf_failed', 'Send the X-CSRF-Token header with the token the session gave you');
    }
    req[ADMIN_SESSION] = session;

    const bridged = BRIDGE.exec(req.url);
    if (bridged) {
      const [, appId, rest = '/', query = ''] = bridged;
      await this.requireApp(appId!);
      const rule = write ? BRIDGE_WRITES.find((w) => w.method === req.method && w.path.test(rest)) : undefined;
      if (write && (!rule || session.admin.role !== 'admin')) throw forbidden(session.admin.role);
      req[ADMIN_BRIDGE] = { appId: appId!, keyId: `admin:${session.admin.id}` };
      if (rule) await this.auditWrite(req, res, session, rule.action, appId!, rule.target(rule.path.exec(rest)!, req.body));
      req.url = `/v1${rest}${query}`;
      return;
    }
    if (write) {
      const own = OWN_WRITES.find((w) => w.method === req.method && w.path.test(req.path));
      if (own?.action !== 'session.logout' && session.admin.role !== 'admin') throw forbidden(session.admin.role);
      const match = own?.path.exec(req.path);
      await this.auditWrite(req, res, session, own?.action ?? 'admin.write', null, match?.[1] ?? null);
    }
  }

  /** Recorded before the action runs, completed with its status when the answer is sent. */
  private async auditWrite(req: AdminRequest, res: Response, s: SignedInAdmin, action: string, appId: string | null, targetId: string | null) {
    const id = await this.audit.record({
      adminId: s.admin.id,
      adminEmail: s.admin.email,
      action,
      method: req.method,
      path: req.originalUrl.split('?')[0]!,
      appId,
      targetId,
      status: null,
      ip: req.ip ?? null,
    });
    res.on('finish', () => void this.audit.complete(id, res.statusCode).catch(() => undefined));
  }

  private async requireApp(appId: string): Promise<void> {
    if (this.knownApps.has(appId)) return;
    const [row] = await this.sql.all('select id from apps where id = ?', [appId]);
    if (!row) throw ApiError.notFound('app');
    this.knownApps.add(appId);
  }
}

function forbidden(role: AdminRole): ApiError {
  return new ApiError('forbidden', role === 'viewer' ? 'Viewers can look but not change anything' : 'The dashboard does not offer this action');
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function stringField(body: unknown, field: string): string | null {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
  return typeof value === 'string' ? value.slice(0, 64) : null;
}
