import { Migration } from '@mikro-orm/migrations';

/**
 * SQLite cannot add a constraint to an existing table: the table is rebuilt with it (the documented
 * procedure: create the new shape, copy the rows, drop the old table, rename, recreate the indexes).
 * Every lot already satisfies the check (the ledger never drove one below zero or above its credits),
 * so the copy cannot fail on a database the ledger wrote.
 */
export class Migration20261205191252_LotRemainingCheck extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'create table `credit_lots__new` (`id` text not null, `app_id` text not null, `customer_id` text not null, `kind` text not null, `credits` integer not null, `remaining` integer not null, `expires_at` datetime null, `expired_at` datetime null, `order_id` text null, `created_at` datetime not null, primary key (`id`), constraint credit_lots_remaining_check check (remaining >= 0 and remaining <= credits));',
    );
    this.addSql(
      'insert into `credit_lots__new` (`id`, `app_id`, `customer_id`, `kind`, `credits`, `remaining`, `expires_at`, `expired_at`, `order_id`, `created_at`) select `id`, `app_id`, `customer_id`, `kind`, `credits`, `remaining`, `expires_at`, `expired_at`, `order_id`, `created_at` from `credit_lots`;',
    );
    this.addSql('drop table `credit_lots`;');
    this.addSql('alter table `credit_lots__new` rename to `credit_lots`;');
    this.addSql('create index `credit_lots_order_id_index` on `credit_lots` (`order_id`);');
    this.addSql('create index `credit_lots_expires_at_remaining_index` on `credit_lots` (`expires_at`, `remaining`);');
    this.addSql('create index `credit_lots_customer_id_expires_at_index` on `credit_lots` (`customer_id`, `expires_at`);');
  }
}
