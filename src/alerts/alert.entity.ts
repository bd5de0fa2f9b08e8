import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { json, timestamp } from '../database/column-types';

export type AlertStatus = 'open' | 'acknowledged' | 'resolved';
export type AlertSeverity = 'critical' | 'warning';

/**
 * One episode of a condition someone should look at (success rate down, a gateway circuit open…).
 * `openKey` equals `episodeKey` while the episode lasts and is cleared when it is resolved: its unique
 * constraint lets exactly one episode of a condition be open at a time, whichever instance sees it
 * first, so each episode alerts once.
 */
@Entity({ tableName: 'alerts' })
@Unique({ properties: ['openKey'] })
@Index({ properties: ['appId', 'id'] })
@Index({ properties: ['status', 'rule'] })
export class Alert {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  /** Null: the whole deployment (gateway circuits, the job queue), shared by every app. */
  @Property({ type: 'string', length: 40, nullable: true })
  appId: string | null = null;

  @Property({ type: 'string', length: 48 })
  rule!: string;

  @Property({ type: 'string', length: 191 })
  episodeKey!: string;

  @Property({ type: 'string', length: 191, nullable: true })
  openKey: string | null = null;

  @Property({ type: 'string', length: 16 })
  severity!: AlertSeverity;

  @Property({ type: 'string', length: 16 })
  status!: AlertStatus;

  @Property({ type: 'string', length: 200 })
  title!: string;

  @Property({ type: 'string', length: 1000 })
  detail!: string;

  @Property(json())
  data!: Record<string, unknown>;

  @Property(timestamp())
  openedAt!: Date;

  @Property(timestamp())
  updatedAt!: Date;

  @Property(timestamp(true))
  acknowledgedAt: Date | null = null;

  @Property(timestamp(true))
  resolvedAt: Date | null = null;

  /** `system` when the condition cleared, `api` / `cli` when a person resolved it. */
  @Property({ type: 'string', length: 16, nullable: true })
  resolvedBy: string | null = null;
}
