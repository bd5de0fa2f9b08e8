import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { decodeCursor, toPage } from '../common/pagination/cursor-page';
import { EntityRows } from '../database/entity-rows';
import { SqlRunner } from '../database/sql-runner';
import { AdminAuditEntry } from './admin-audit-entry.entity';

export interface AuditRecord {
  adminId: string | null;
  adminEmail: string;
  action: string;
  method: string;
  path: string;
  appId?: string | null;
  targetId?: string | null;
  status: number | null;
  ip: string | null;
}

/** The admin audit log: append, complete with the outcome, list newest first. */
@Injectable()
export class AdminAudit {
  constructor(
    private readonly sql: SqlRunner,
    private readonly rows: EntityRows,
    private readonly clock: Clock,
  ) {}

  /** Appends an entry; returns its id so a write in progress can be completed with its status. */
  async record(r: AuditRecord): Promise<string> {
    const entry: AdminAuditEntry = {
      id: newId('auditEntry'),
      adminId: r.adminId,
      adminEmail: r.adminEmail,
      action: r.action,
      method: r.method,
      path: r.path.slice(0, 300),
      appId: r.appId ?? null,
      targetId: r.targetId ?? null,
      status: r.status,
      ip: r.ip,
      createdAt: this.clock.now(),
    };
    await this.rows.insert(this.sql, AdminAuditEntry, entry);
    return entry.id;
  }

  async complete(id: string, status: number): Promise<void> {
    await this.sql.run('update admin_audit_log set status = ? where id = ?', [status, id]);
  }

  async list(limit: number, cursor?: string) {
    const before = decodeCursor(cursor, 'auditEntry');
    const rows = await this.rows.select(this.sql, AdminAuditEntry, `${before ? 'id < ? ' : '1 = 1 '}order by id desc limit ${limit + 1}`, before ? [before] : []);
    return toPage(rows, limit, (e) => ({
      id: e.id,
      object: 'audit_entry',
      admin_id: e.adminId,
      admin_email: e.adminEmail,
      action: e.action,
      method: e.method,
      path: e.path,
      app_id: e.appId,
      target_id: e.targetId,
      status: e.status,
      ip: e.ip,
      created_at: e.createdAt.toISOString(),
    }));
  }
}
