import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { Clock } from '../common/clock';
import { ApiError } from '../common/errors/api-error';
import { isId, newId } from '../common/ids';
import { decodeCursor, toPage } from '../common/pagination/cursor-page';
import { EntityRows } from '../database/entity-rows';
import { SqlRunner } from '../database/sql-runner';
import { Alert, type AlertStatus } from './alert.entity';
import { AlertNotifier } from './alert-notifier';
import type { AlertSpec } from './alert-rules';
import { presentAlert } from './alert.presenter';

/**
 * Alert episodes. `raise` opens one only if none is open for the same condition (unique open key), and
 * notifies in the same transaction — so however many instances see a condition, and however long it
 * lasts, it alerts once. `clear` ends the episode when the condition is gone; the next time it holds
 * is a new episode and alerts again. People acknowledge (stop caring, keep it open) or resolve.
 */
@Injectable()
export class AlertsService {
  constructor(
    private readonly em: EntityManager,
    private readonly sql: SqlRunner,
    private readonly rows: EntityRows,
    private readonly clock: Clock,
    private readonly notifier: AlertNotifier,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('Alerts');
  }

  /** Opens an episode and notifies; null when one is already open for this condition. */
  async raise(spec: AlertSpec): Promise<Alert | null> {
    const now = this.clock.now();
    const alert: Alert = {
      id: newId('alert'),
      appId: spec.appId,
      rule: spec.rule,
      episodeKey: spec.key,
      openKey: spec.key,
      severity: spec.severity,
      status: 'open',
      title: spec.copy.en.title.slice(0, 200),
      detail: spec.copy.en.detail.slice(0, 1000),
      data: spec.data,
      openedAt: now,
      updatedAt: now,
      acknowledgedAt: null,
      resolvedAt: null,
      resolvedBy: null,
    };
    // Read before the transaction: on SQLite it holds the only connection.
    const recipients = await this.notifier.recipients(spec.appId);
    const opened = await this.sql.transaction(async (tx) => {
      if ((await this.rows.insertIgnore(tx, Alert, [alert])) === 0) return false;
      await this.notifier.notify(tx, alert, spec, recipients);
      return true;
    });
    if (!opened) return null;
    this.logger.warn({ alert_id: alert.id, rule: spec.rule, app_id: spec.appId, key: spec.key }, `alert: ${alert.title}`);
    return alert;
  }

  /** The condition is gone: its open episode (if any) is resolved by the system. */
  async clear(key: string): Promise<boolean> {
    const now = this.clock.now();
    const changed = await this.sql.run("update alerts set status = 'resolved', resolved_at = ?, resolved_by = 'system', open_key = null, updated_at = ? where open_key = ?", [now, now, key]);
    return changed > 0;
  }

  /** Keys of the open episodes of a rule (to clear those whose condition no longer holds). */
  async openKeys(rule: string): Promise<string[]> {
    const rows = await this.em.fork().find(Alert, { rule, openKey: { $ne: null } }, { fields: ['openKey'] });
    return rows.map((r) => r.openKey!);
  }

  async list(caller: AuthedCaller, query: { status?: AlertStatus; limit: number; cursor?: string }) {
    const before = decodeCursor(query.cursor, 'alert');
    const rows = await this.em.find(
      Alert,
      { $or: [{ appId: caller.appId }, { appId: null }], ...(query.status ? { status: query.status } : {}), ...(before ? { id: { $lt: before } } : {}) },
      { orderBy: { id: 'desc' }, limit: query.limit + 1 },
    );
    return toPage(rows, query.limit, presentAlert);
  }

  async get(caller: AuthedCaller, id: string) {
    return presentAlert(await this.load(caller, id));
  }

  /** Seen: stays open (no new alert for this condition) until the condition clears or someone resolves it. */
  async acknowledge(caller: AuthedCaller, id: string) {
    const alert = await this.loadOwned(caller, id);
    if (alert.status === 'resolved') throw new ApiError('alert_already_resolved', `Alert ${alert.id} is resolved`);
    const now = this.clock.now();
    await this.em.fork().nativeUpdate(Alert, { id: alert.id, status: 'open' }, { status: 'acknowledged', acknowledgedAt: now, updatedAt: now });
    return presentAlert(await this.load(caller, id));
  }

  /** Resolved by a person: if the condition still holds, the next evaluation opens a new episode. */
  async resolve(caller: AuthedCaller, id: string) {
    const alert = await this.loadOwned(caller, id);
    if (alert.status === 'resolved') throw new ApiError('alert_already_resolved', `Alert ${alert.id} is resolved`);
    const now = this.clock.now();
    await this.em.fork().nativeUpdate(Alert, { id: alert.id, status: { $ne: 'resolved' } }, { status: 'resolved', resolvedAt: now, resolvedBy: 'api', openKey: null, updatedAt: now });
    return presentAlert(await this.load(caller, id));
  }

  private async load(caller: AuthedCaller, id: string): Promise<Alert> {
    if (!isId('alert', id)) throw ApiError.notFound('alert');
    const alert = await this.em.fork().findOne(Alert, { id, $or: [{ appId: caller.appId }, { appId: null }] });
    if (!alert) throw ApiError.notFound('alert');
    return alert;
  }

  /** Deployment-wide alerts are visible to every app but changed only by the operators (CLI, dashboard). */
  private async loadOwned(caller: AuthedCaller, id: string): Promise<Alert> {
    const alert = await this.load(caller, id);
    if (alert.appId === null) throw new ApiError('alert_read_only', 'Deployment-wide alerts (gateways, job queue) are acknowledged and resolved by the operators');
    return alert;
  }
}
