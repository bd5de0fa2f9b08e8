import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { timestamp } from './column-types';

/**
 * Values SmartPay generates for itself outside production when none is configured (the encryption key
 * for webhook secrets, the sandbox's VAPID key pair), kept so they survive restarts. The first INSERT
 * wins; every instance then reads the same value.
 */
@Entity({ tableName: 'system_settings' })
export class SystemSetting {
  /** The setting's name (`key` is a reserved word in MySQL). */
  @PrimaryKey({ type: 'string', length: 64 })
  name!: string;

  @Property({ type: 'text' })
  value!: string;

  @Property(timestamp())
  createdAt!: Date;
}
