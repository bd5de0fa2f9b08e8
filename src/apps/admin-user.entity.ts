import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { timestamp } from '../database/column-types';

export type AdminRole = 'admin' | 'viewer';

/** A person who signs in to the admin dashboard. The password is stored as an scrypt hash. */
@Entity({ tableName: 'admin_users' })
export class AdminUser {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 254, unique: true })
  email!: string;

  @Property({ type: 'string', length: 255 })
  passwordHash!: string;

  @Property({ type: 'string', length: 16 })
  role!: AdminRole;

  @Property(timestamp())
  createdAt!: Date;

  /** Failed sign-ins since the last success; reaching the lockout setting locks the account (every instance sees it). */
  @Property({ type: 'integer', default: 0 })
  failedLogins: number = 0;

  @Property(timestamp(true))
  lockedUntil: Date | null = null;

  @Property(timestamp(true))
  lastLoginAt: Date | null = null;
}
