import { Injectable } from '@nestjs/common';
import { SqlRunner } from '../database/sql-runner';

const LIMIT = 100;

/**
 * The dashboard's credits page beyond the period figures of the reports: customers at or below their
 * low-balance threshold (lowest first), and every auto-renewal with its state and last failure.
 */
@Injectable()
export class CreditsOverview {
  constructor(private readonly sql: SqlRunner) {}

  async of(appId: string) {
    const low = await this.sql.all<Record<string, unknown>>(
      `select a.customer_id, c.email, a.balance, a.low_balance_threshold
         from credit_accounts a join customers c on c.id = a.customer_id
        where a.app_id = ? and a.low_balance_threshold is not null and a.balance <= a.low_balance_threshold
        order by a.balance, a.customer_id limit ${LIMIT}`,
      [appId],
    );
    const renewals = await this.sql.all<Record<string, unknown>>(
      `select a.customer_id, c.email, a.balance, a.renewal_enabled, a.renewal_package, a.renewal_currency, a.renewal_threshold,
              a.renewal_status, a.renewal_attempts, a.renewal_last_failure, a.renewal_order_id
         from credit_accounts a join customers c on c.id = a.customer_id
        where a.app_id = ? and (a.renewal_enabled = ? or a.renewal_status <> 'idle')
        order by a.renewal_attempts desc, a.customer_id limit ${LIMIT}`,
      [appId, true],
    );
    return {
      object: 'credits_overview',
      low_balances: low.map((r) => ({ customer_id: r.customer_id, email: r.email, balance: Number(r.balance), threshold: Number(r.low_balance_threshold) })),
      auto_renewals: renewals.map((r) => ({
        customer_id: r.customer_id,
        email: r.email,
        balance: Number(r.balance),
        enabled: Boolean(r.renewal_enabled),
        package: r.renewal_package,
        currency: r.renewal_currency,
        threshold: r.renewal_threshold === null ? null : Number(r.renewal_threshold),
        state: r.renewal_status,
        failures: Number(r.renewal_attempts),
        last_error: r.renewal_last_failure,
        order_id: r.renewal_order_id,
      })),
    };
  }
}
