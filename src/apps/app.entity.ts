import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { json, timestamp } from '../database/column-types';
import type { AppSettings } from './app-settings';

/** A tenant: one client application of the merchant. Everything in /v1 belongs to exactly one app. */
@Entity({ tableName: 'apps' })
export class App {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property(timestamp())
  createdAt!: Date;

  /** Notification choices (app-settings.ts); null until first changed. */
  @Property({ ...json(), nullable: true })
  settings: Partial<AppSettings> | null = null;
}
