import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { timestamp } from '../database/column-types';

/** A tenant: one client application of the merchant. Everything in /v1 belongs to exactly one app. */
@Entity({ tableName: 'apps' })
export class App {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property(timestamp())
  createdAt!: Date;
}
