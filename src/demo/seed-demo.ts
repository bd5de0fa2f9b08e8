import { MikroORM, RequestContext } from '@mikro-orm/core';
import type { INestApplication } from '@nestjs/common';
import { AdminsService } from '../apps/admins.service';
import { AppsService } from '../apps/apps.service';
import { Charge } from '../charges/charge.entity';
import { EntityRows } from '../database/entity-rows';
import { SqlRunner } from '../database/sql-runner';
import { Order } from '../orders/order.entity';
import { Refund } from '../refunds/refund.entity';
import { CreditAccount } from '../credits/credit-account.entity';
import { CreditLot } from '../credits/credit-lot.entity';
import { CreditTransaction } from '../credits/credit-transaction.entity';
import { demoCreditHistory } from './demo-credit-history';
import { demoHistory } from './demo-history';
import { runLiveDemo, type LiveDemo } from './demo-live';

export interface DemoOptions {
  /** Days of history and payments per day (defaults: 30 days, 160 a day). */
  days?: number;
  perDay?: number;
  admins: { email: string; password: string; role: 'admin' | 'viewer' }[];
  say?: (line: string) => void;
}

export interface SeededDemo extends LiveDemo {
  appId: string;
  apiKey: string;
  historyCharges: number;
}

/**
 * A demo tenant with a month of payments behind it and a few dozen real ones through the sandboxes, and
 * the dashboard's admin users — for `npm run seed:demo` and for the dashboard's browser tests alike.
 * `app` must be listening at `baseUrl` in sandbox mode.
 */
export async function seedDemo(app: INestApplication, baseUrl: string, options: DemoOptions): Promise<SeededDemo> {
  const say = options.say ?? (() => undefined);
  const orm = app.get(MikroORM);
  const inContext = <T>(work: () => Promise<T>): Promise<T> => RequestContext.create(orm.em, work);

  for (const admin of options.admins) {
    const created = await inContext(() => app.get(AdminsService).create(admin.email, admin.password, admin.role));
    say(created === 'exists' ? `  admin ${admin.email} exists (password unchanged)` : `  admin ${admin.email} (${admin.role})`);
  }
  const tenant = await inContext(() => app.get(AppsService).createApp('Bodega Demo'));

  const history = demoHistory(tenant.appId, new Date(), { days: options.days ?? 30, perDay: options.perDay ?? 160 });
  const rows = app.get(EntityRows);
  const sql = app.get(SqlRunner);
  for (let i = 0; i < history.orders.length; i += 500) {
    await rows.insertMany(sql, Order, history.orders.slice(i, i + 500));
    await rows.insertMany(sql, Charge, history.charges.slice(i, i + 500));
  }
  for (let i = 0; i < history.refunds.length; i += 500) await rows.insertMany(sql, Refund, history.refunds.slice(i, i + 500));
  // Backdated rows are an import: the reports' hourly rollups must be built from scratch for this app (a rollup
  // run that happened to start during the inserts would otherwise have closed hours on part of them).
  await sql.run('delete from report_rollup_state where app_id = ?', [tenant.appId]);
  say(`  ${history.charges.length} past charges over ${options.days ?? 30} days, ${history.refunds.length} refunds`);

  const live = await runLiveDemo(baseUrl, tenant.apiKey, say);
  // Three customers the live part gave no credits get a month of ledger (the chart on the credits page).
  const credits = demoCreditHistory(tenant.appId, live.customers.slice(1, 4), new Date(), { days: options.days ?? 30 });
  await rows.insertMany(sql, CreditAccount, credits.accounts);
  await rows.insertMany(sql, CreditLot, credits.lots);
  for (let i = 0; i < credits.transactions.length; i += 500) await rows.insertMany(sql, CreditTransaction, credits.transactions.slice(i, i + 500));
  say(`  ${credits.transactions.length} past credit movements of ${credits.accounts.length} customers`);
  // Invoices, receipts and credit grants are jobs: let them run before the caller closes the app (whatever is
  // still queued runs at the next start anyway — the queue is durable).
  const due = async () => Number((await sql.all<{ n: number }>("select count(*) as n from jobs where status in ('queued', 'running') and run_at <= ?", [new Date()]))[0]?.n ?? 0);
  for (let waited = 0; waited < 20_000 && (await due()) > 0; waited += 250) await new Promise((r) => setTimeout(r, 250));
  return { ...live, appId: tenant.appId, apiKey: tenant.apiKey, historyCharges: history.charges.length };
}
