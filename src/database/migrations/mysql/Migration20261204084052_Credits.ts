import { Migration } from '@mikro-orm/migrations';

export class Migration20261204084052_Credits extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`credit_accounts\` (\`customer_id\` varchar(40) not null, \`app_id\` varchar(40) not null, \`balance\` bigint not null default 0, \`low_balance_threshold\` int null, \`low_balance_notified\` tinyint(1) not null default false, \`renewal_enabled\` tinyint(1) not null default false, \`renewal_package\` varchar(32) null, \`renewal_currency\` varchar(3) null, \`renewal_payment_method_id\` varchar(40) null, \`renewal_threshold\` int null, \`renewal_status\` varchar(16) not null default 'idle', \`renewal_key\` varchar(64) null, \`renewal_order_id\` varchar(40) null, \`renewal_attempts\` int not null default 0, \`renewal_last_failure\` varchar(500) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`customer_id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`credit_accounts\` add index \`credit_accounts_app_id_customer_id_index\`(\`app_id\`, \`customer_id\`);`);

    this.addSql(`create table \`credit_lots\` (\`id\` varchar(40) not null, \`app_id\` varchar(40) not null, \`customer_id\` varchar(40) not null, \`kind\` varchar(16) not null, \`credits\` int not null, \`remaining\` int not null, \`expires_at\` datetime(3) null, \`expired_at\` datetime(3) null, \`order_id\` varchar(40) null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`credit_lots\` add index \`credit_lots_order_id_index\`(\`order_id\`);`);
    this.addSql(`alter table \`credit_lots\` add index \`credit_lots_expires_at_remaining_index\`(\`expires_at\`, \`remaining\`);`);
    this.addSql(`alter table \`credit_lots\` add index \`credit_lots_customer_id_expires_at_index\`(\`customer_id\`, \`expires_at\`);`);

    this.addSql(`create table \`credit_transactions\` (\`id\` varchar(40) not null, \`app_id\` varchar(40) not null, \`customer_id\` varchar(40) not null, \`type\` varchar(24) not null, \`credits\` int not null, \`balance_after\` bigint not null default 0, \`reference\` varchar(191) null, \`entry_key\` varchar(191) null, \`description\` varchar(500) null, \`lots\` json not null, \`order_id\` varchar(40) null, \`refund_id\` varchar(40) null, \`metadata\` json not null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`credit_transactions\` add index \`credit_transactions_customer_id_id_index\`(\`customer_id\`, \`id\`);`);
    this.addSql(`alter table \`credit_transactions\` add unique \`credit_transactions_customer_id_entry_key_unique\`(\`customer_id\`, \`entry_key\`);`);
    this.addSql(`alter table \`credit_transactions\` add unique \`credit_transactions_customer_id_reference_unique\`(\`customer_id\`, \`reference\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`credit_accounts\`;`);

    this.addSql(`drop table if exists \`credit_lots\`;`);

    this.addSql(`drop table if exists \`credit_transactions\`;`);
  }

}
