import { Migration } from '@mikro-orm/migrations';

export class Migration20261204084052_Credits extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`credit_accounts\` (\`customer_id\` text not null, \`app_id\` text not null, \`balance\` bigint not null default 0, \`low_balance_threshold\` integer null, \`low_balance_notified\` integer not null default false, \`renewal_enabled\` integer not null default false, \`renewal_package\` text null, \`renewal_currency\` text null, \`renewal_payment_method_id\` text null, \`renewal_threshold\` integer null, \`renewal_status\` text not null default 'idle', \`renewal_key\` text null, \`renewal_order_id\` text null, \`renewal_attempts\` integer not null default 0, \`renewal_last_failure\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, primary key (\`customer_id\`));`);
    this.addSql(`create index \`credit_accounts_app_id_customer_id_index\` on \`credit_accounts\` (\`app_id\`, \`customer_id\`);`);

    this.addSql(`create table \`credit_lots\` (\`id\` text not null, \`app_id\` text not null, \`customer_id\` text not null, \`kind\` text not null, \`credits\` integer not null, \`remaining\` integer not null, \`expires_at\` datetime null, \`expired_at\` datetime null, \`order_id\` text null, \`created_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create index \`credit_lots_order_id_index\` on \`credit_lots\` (\`order_id\`);`);
    this.addSql(`create index \`credit_lots_expires_at_remaining_index\` on \`credit_lots\` (\`expires_at\`, \`remaining\`);`);
    this.addSql(`create index \`credit_lots_customer_id_expires_at_index\` on \`credit_lots\` (\`customer_id\`, \`expires_at\`);`);

    this.addSql(`create table \`credit_transactions\` (\`id\` text not null, \`app_id\` text not null, \`customer_id\` text not null, \`type\` text not null, \`credits\` integer not null, \`balance_after\` bigint not null default 0, \`reference\` text null, \`entry_key\` text null, \`description\` text null, \`lots\` json not null, \`order_id\` text null, \`refund_id\` text null, \`metadata\` json not null, \`created_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create index \`credit_transactions_customer_id_id_index\` on \`credit_transactions\` (\`customer_id\`, \`id\`);`);
    this.addSql(`create unique index \`credit_transactions_customer_id_entry_key_unique\` on \`credit_transactions\` (\`customer_id\`, \`entry_key\`);`);
    this.addSql(`create unique index \`credit_transactions_customer_id_reference_unique\` on \`credit_transactions\` (\`customer_id\`, \`reference\`);`);
  }

}
