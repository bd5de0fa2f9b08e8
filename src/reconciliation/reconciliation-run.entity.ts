import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { json, timestamp } from '../database/column-types';

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed';

/** One on-demand sync of an app's pending charges with the gateways (POST /v1/reconciliation/runs). */
@Entity({ tableName: 'reconciliation_runs' })
export class ReconciliationRun {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  /** Null for a run over every app (the CLI). */
  @Property({ type: 'string', length: 40, nullable: true })
  appId: string | null = null;

  @Property({ type: 'string', length: 16 })
  status!: RunStatus;

  @Property({ type: 'integer' })
  checked = 0;

  @Property({ type: 'integer' })
  updated = 0;

  @Property(json())
  discrepancies!: string[];

  @Property({ type: 'string', length: 500, nullable: true })
  error: string | null = null;

  @Property(timestamp())
  createdAt!: Date;

  @Property(timestamp(true))
  finishedAt: Date | null = null;
}
