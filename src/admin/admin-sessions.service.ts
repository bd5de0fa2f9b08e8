import { Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { AdminUser, type AdminRole } from '../apps/admin-user.entity';
import { Clock } from '../common/clock';
import { ApiError } from '../common/errors/api-error';
import { newId } from '../common/ids';
import { hashPassword, randomBase62, sha256Hex, verifyPassword } from '../common/secrets';
import { AppConfig } from '../config/app-config';
import { EntityRows } from '../database/entity-rows';
import { SqlRunner } from '../database/sql-runner';
import { AdminAudit } from './admin-audit';
import { AdminSession } from './admin-session.entity';
import { dateFromDriver } from '../database/sql-session';

export interface SignedInAdmin {
  sessionId: string;
  admin: { id: string; email: string; role: AdminRole };
  csrfToken: string;
  expiresAt: Date;
}

/** The session body of docs/admin.md. */
export function presentSession(s: SignedInAdmin) {
  return { object: 'admin_session', admin: s.admin, csrf_token: s.csrfToken, expires_at: s.expiresAt.toISOString() };
}

// Sliding expiry is written at most once a minute per session (sooner for very short lifetimes), not on every request.
const SLIDE_EVERY_MS = 60_000;

/**
 * Sign-in, sessions and lockout of the dashboard's admin users. Failed attempts are counted in the
 * admin's own row by one conditional UPDATE, so concurrent guesses against several instances all count
 * and the lock holds everywhere; an unknown e-mail costs the same scrypt as a known one.
 */
@Injectable()
export class AdminSessions {
  private decoyHash: Promise<string> | undefined;

  constructor(
    private readonly sql: SqlRunner,
    private readonly rows: EntityRows,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly audit: AdminAudit,
  ) {}

  /** Returns the session and the cookie token (shown once: only its hash is stored). */
  async signIn(email: string, password: string, ip: string | null): Promise<{ session: SignedInAdmin; token: string }> {
    const normalized = email.trim().toLowerCase();
    const [admin] = await this.rows.select(this.sql, AdminUser, 'email = ?', [normalized]);
    const now = this.clock.now();
    const record = (action: string, status: number) =>
      this.audit.record({ adminId: admin?.id ?? null, adminEmail: normalized.slice(0, 254), action, method: 'POST', path: '/admin/api/session', status, ip });

    if (!admin) {
      await verifyPassword(password, await (this.decoyHash ??= hashPassword(randomBase62(24))));
      await record('session.login_failed', 401);
      throw new ApiError('invalid_credentials');
    }
    if (admin.lockedUntil && admin.lockedUntil > now) {
      await record('session.login_locked', 423);
      throw this.locked(admin.lockedUntil, now);
    }
    if (!(await verifyPassword(password, admin.passwordHash))) {
      const lockedUntil = await this.countFailure(admin.id, now);
      if (lockedUntil) {
        await record('session.locked', 423);
        throw this.locked(lockedUntil, now);
      }
      await record('session.login_failed', 401);
      throw new ApiError('invalid_credentials');
    }

    const token = randomBase62(43);
    const session: AdminSession = {
      id: newId('adminSession'),
      tokenHash: sha256Hex(token),
      csrfToken: randomBase62(43),
      adminId: admin.id,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.admin.sessionIdleMs),
      ip,
    };
    await this.sql.transaction(async (tx) => {
      await tx.run('update admin_users set failed_logins = 0, locked_until = null, last_login_at = ? where id = ?', [now, admin.id]);
      await tx.run('delete from admin_sessions where expires_at <= ?', [now]);
      await this.rows.insert(tx, AdminSession, session);
    });
    await record('session.login', 200);
    return {
      token,
      session: { sessionId: session.id, admin: { id: admin.id, email: admin.email, role: admin.role }, csrfToken: session.csrfToken, expiresAt: session.expiresAt },
    };
  }

  /** The live session behind a cookie token, its expiry slid forward; null when unknown or expired. */
  async resolve(token: string): Promise<SignedInAdmin | null> {
    if (token.length < 20 || token.length > 100) return null;
    const now = this.clock.now();
    const [row] = await this.sql.all<{ id: string; csrf_token: string; created_at: unknown; expires_at: unknown; admin_id: string; email: string; role: AdminRole }>(
      'select s.id, s.csrf_token, s.created_at, s.expires_at, a.id as admin_id, a.email, a.role from admin_sessions s join admin_users a on a.id = s.admin_id where s.token_hash = ?',
      [sha256Hex(token)],
    );
    if (!row) return null;
    let expiresAt = dateFromDriver(row.expires_at);
    if (expiresAt <= now) return null;
    const slid = new Date(Math.min(now.getTime() + this.config.admin.sessionIdleMs, dateFromDriver(row.created_at).getTime() + this.config.admin.sessionMaxMs));
    if (slid.getTime() - expiresAt.getTime() >= Math.min(SLIDE_EVERY_MS, this.config.admin.sessionIdleMs / 4)) {
      await this.sql.run('update admin_sessions set expires_at = ? where id = ?', [slid, row.id]);
      expiresAt = slid;
    }
    return { sessionId: row.id, admin: { id: row.admin_id, email: row.email, role: row.role }, csrfToken: row.csrf_token, expiresAt };
  }

  async signOut(sessionId: string): Promise<void> {
    await this.sql.run('delete from admin_sessions where id = ?', [sessionId]);
  }

  /** Constant-time comparison of the header with the session's token. */
  static csrfMatches(session: SignedInAdmin, presented: string | undefined): boolean {
    if (presented === undefined) return false;
    const a = Buffer.from(presented);
    const b = Buffer.from(session.csrfToken);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /**
   * One more failure; returns the lock's end when this failure reached the limit. The SET list reads
   * failed_logins before it is incremented on both databases (MySQL assigns left to right, SQLite reads the
   * old row), which is why locked_until comes first.
   */
  private async countFailure(adminId: string, now: Date): Promise<Date | null> {
    const until = new Date(now.getTime() + this.config.admin.lockoutMs);
    await this.sql.run(
      'update admin_users set locked_until = case when failed_logins + 1 >= ? then ? else locked_until end, failed_logins = failed_logins + 1 where id = ?',
      [this.config.admin.lockoutAttempts, until, adminId],
    );
    const [after] = await this.rows.select(this.sql, AdminUser, 'id = ?', [adminId]);
    return after?.lockedUntil && after.lockedUntil > now ? after.lockedUntil : null;
  }

  private locked(until: Date, now: Date): ApiError {
    const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
    return new ApiError('account_locked', `Too many failed sign-ins: try again in ${Math.ceil(seconds / 60)} minute(s) or ask another admin`, {
      headers: { 'Retry-After': String(seconds) },
    });
  }
}
