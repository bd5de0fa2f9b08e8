import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify/sync';
import { SqlRunner } from '../database/sql-runner';
import { dateFromDriver, type SqlValue } from '../database/sql-session';
import { addScopeFilters, type ReportScope } from './report-queries';

/** Rows read per query: the export holds one batch in memory, whatever the range. */
const BATCH = 1000;

/** The columns, in order; the header row names them. */
const COLUMNS = [
  'charge_id',
  'order_id',
  'order_reference',
  'attempted_at',
  'status',
  'gateway',
  'gateway_charge_id',
  'payment_method',
  'card_brand',
  'card_last4',
  'installments',
  'currency',
  'amount',
  'amount_minor',
  'decline_code',
  'failure_code',
  'failure_message',
  'processing_ms',
  'email',
] as const;

interface ChargeCsvRow {
  id: string;
  order_id: string;
  reference: string | null;
  attempted_at: Date | number | string;
  status: string;
  gateway: string;
  gateway_charge_id: string | null;
  source_type: string;
  card_brand: string | null;
  card_last4: string | null;
  installments: number | string;
  currency: string;
  amount: number | string;
  decline_code: string | null;
  failure_code: string | null;
  failure_message: string | null;
  processing_ms: number | string | null;
  email: string;
}

/**
 * `GET /v1/reports/transactions.csv`: one row per charge in the range, oldest first, streamed — each batch
 * is read by keyset (`attempted_at`, `id`) over `charges_report_index` (app, time, …) and written before the
 * next is read, waiting for the client to drain (so memory stays flat for a million rows and a slow client
 * slows the export, not the server). RFC 4180 (CRLF, quotes doubled) via csv-stringify, UTF-8 with a byte
 * order mark so spreadsheet tools read "Peña" right. Text from clients or gateways that a spreadsheet would
 * run as a formula (`=`, `+`, `-`, `@`, tab, CR first) is prefixed with `'`.
 */
@Injectable()
export class TransactionsCsv {
  constructor(private readonly sql: SqlRunner) {}

  /** Writes the whole export to `out` (not ended); returns the number of data rows. Stops early if `out` closes. */
  async write(scope: ReportScope & { status?: string }, out: Writable): Promise<number> {
    await write(out, `\uFEFF${stringify([COLUMNS], { record_delimiter: 'windows' })}`);
    let after: { at: Date; id: string } = { at: scope.from, id: '' };
    let rows = 0;
    for (;;) {
      if (out.destroyed) return rows;
      const batch = await this.batch(scope, after);
      if (batch.length === 0) return rows;
      await write(out, stringify(batch.map(toRecord), { record_delimiter: 'windows' }));
      rows += batch.length;
      const last = batch[batch.length - 1]!;
      after = { at: dateFromDriver(last.attempted_at), id: last.id };
      if (batch.length < BATCH) return rows;
    }
  }

  private batch(scope: ReportScope & { status?: string }, after: { at: Date; id: string }): Promise<ChargeCsvRow[]> {
    const where = ['c.app_id = ?', 'c.attempted_at < ?', '(c.attempted_at > ? or (c.attempted_at = ? and c.id > ?))'];
    const params: SqlValue[] = [scope.appId, scope.to, after.at, after.at, after.id];
    addScopeFilters(scope, where, params, 'c.');
    if (scope.status) {
      where.push('c.status = ?');
      params.push(scope.status);
    }
    return this.sql.all<ChargeCsvRow>(
      `select c.id, c.order_id, o.reference, c.attempted_at, c.status, c.gateway, c.gateway_charge_id, c.source_type, c.card_brand, c.card_last4,
         c.installments, c.currency, c.amount, c.decline_code, c.failure_code, c.failure_message, c.processing_ms, c.email
       from charges c left join orders o on o.id = c.order_id
       where ${where.join(' and ')} order by c.attempted_at, c.id limit ${BATCH}`,
      params,
    );
  }
}

function toRecord(r: ChargeCsvRow): (string | number)[] {
  const amount = Number(r.amount);
  return [
    r.id,
    r.order_id,
    safe(r.reference),
    dateFromDriver(r.attempted_at).toISOString(),
    r.status,
    r.gateway,
    safe(r.gateway_charge_id),
    r.source_type,
    safe(r.card_brand),
    safe(r.card_last4),
    Number(r.installments),
    r.currency,
    // PEN and USD both have two decimals; a dot, as every spreadsheet locale can be told to read it.
    (amount / 100).toFixed(2),
    amount,
    safe(r.decline_code),
    safe(r.failure_code),
    safe(r.failure_message),
    r.processing_ms === null ? '' : Number(r.processing_ms),
    safe(r.email),
  ];
}

/** Neutralises a cell a spreadsheet would evaluate (CSV injection); null is an empty cell. */
export function safe(text: string | null): string {
  if (text === null) return '';
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}


async function write(out: Writable, chunk: string): Promise<void> {
  if (out.destroyed) return;
  if (!out.write(chunk)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
}
