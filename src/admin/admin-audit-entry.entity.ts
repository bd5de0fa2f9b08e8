import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { timestamp } from '../database/column-types';

/**
 * Who did what from the dashboard: sign-ins (failed ones too), sign-outs and every write (refunds,
 * redeliveries, alert changes, job retries). Written before a write is carried out and completed with its
 * HTTP status afterwards, so an action whose process died midway still shows who started it.
 */
@Entity({ tableName: 'admin_audit_log' })
@Index({ properties: ['createdAt'] })
export class AdminAuditEntry {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 40, nullable: true })
  adminId: string | null = null;

  @Property({ type: 'string', length: 254 })
  adminEmail!: string;

  /** e.g. session.login, session.login_failed, session.logout, refund.create, event.redeliver, job.retry. */
  @Property({ type: 'string', length: 48 })
  action!: string;

  @Property({ type: 'string', length: 8 })
  method!: string;

  @Property({ type: 'string', length: 300 })
  path!: string;

  @Property({ type: 'string', length: 40, nullable: true })
  appId: string | null = null;

  /** The resource acted on (ord_…, evt_…, job id), when the path names one. */
  @Property({ type: 'string', length: 64, nullable: true })
  targetId: string | null = null;

  /** The HTTP status of the action; null while it runs (or when the process died before answering). */
  @Property({ type: 'integer', nullable: true })
  status: number | null = null;

  @Property({ type: 'string', length: 64, nullable: true })
  ip: string | null = null;

  @Property(timestamp())
  createdAt!: Date;
}
