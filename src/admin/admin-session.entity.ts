import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { timestamp } from '../database/column-types';

/**
 * A signed-in dashboard session. The cookie carries a random token; only its SHA-256 is stored, so a
 * copy of the database signs no one in. The CSRF token is returned to the page (never in a cookie) and
 * must come back in `X-CSRF-Token` on every write.
 */
@Entity({ tableName: 'admin_sessions' })
@Index({ properties: ['expiresAt'] })
export class AdminSession {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 64, unique: true })
  tokenHash!: string;

  @Property({ type: 'string', length: 64 })
  csrfToken!: string;

  @Property({ type: 'string', length: 40 })
  adminId!: string;

  @Property(timestamp())
  createdAt!: Date;

  /** Sliding: pushed forward (at most once a minute) while the admin works, never past `createdAt` + the maximum. */
  @Property(timestamp())
  expiresAt!: Date;

  @Property({ type: 'string', length: 64, nullable: true })
  ip: string | null = null;
}
