import { Injectable } from '@nestjs/common';
import { EntityRows } from '../database/entity-rows';
import type { SqlSession } from '../database/sql-session';
import { InvoiceSequence } from './invoice-sequence.entity';

/** SUNAT correlatives have at most eight digits. */
export const MAX_CORRELATIVE = 99_999_999;

/**
 * Hands out the next correlative of a series inside the caller's transaction. The increment is an UPDATE of the
 * sequence row, so on MySQL/MariaDB the row stays locked until that transaction ends: a second issuer of the same
 * series (on any instance) waits, and sees the incremented value; a rollback undoes the increment. SQLite has one
 * writer, which gives the same. Numbers therefore exist exactly when their documents do: no gap, no repeat.
 */
@Injectable()
export class InvoiceNumbers {
  constructor(private readonly rows: EntityRows) {}

  async next(tx: SqlSession, appId: string, typeCode: string, series: string, now: Date): Promise<number> {
    const where = 'app_id = ? and type_code = ? and series = ?';
    let changed = await tx.run(`update invoice_sequences set last_number = last_number + 1, updated_at = ? where ${where}`, [now, appId, typeCode, series]);
    if (changed === 0) {
      // First document of the series: create the row (a racing first issuer may create it too — ignored), then
      // increment it like any other.
      await this.rows.insertIgnore(tx, InvoiceSequence, [{ appId, typeCode, series, lastNumber: 0, updatedAt: now }]);
      changed = await tx.run(`update invoice_sequences set last_number = last_number + 1, updated_at = ? where ${where}`, [now, appId, typeCode, series]);
    }
    if (changed !== 1) throw new Error(`no sequence row for ${appId} ${typeCode} ${series}`);
    const [row] = await tx.all<{ last_number: number | string }>(`select last_number from invoice_sequences where ${where}`, [appId, typeCode, series]);
    const number = Number(row!.last_number);
    if (number > MAX_CORRELATIVE) throw new Error(`series ${series} (${typeCode}) is exhausted: configure a new series`);
    return number;
  }
}
