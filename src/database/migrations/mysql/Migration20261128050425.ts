import { Migration } from '@mikro-orm/migrations';

export class Migration20261128050425 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`charges\` (\`id\` varchar(40) not null, \`app_id\` varchar(40) not null, \`order_id\` varchar(40) not null, \`status\` varchar(20) not null, \`amount\` bigint not null default 0, \`currency\` varchar(3) not null, \`gateway\` varchar(16) not null, \`gateway_charge_id\` varchar(64) null, \`source_type\` varchar(20) not null, \`payment_method_id\` varchar(40) null, \`source_token\` varchar(255) null, \`email\` varchar(254) not null, \`installments\` int not null default 1, \`card_brand\` varchar(20) null, \`card_last4\` varchar(4) null, \`card_exp_month\` int null, \`card_exp_year\` int null, \`failure_code\` varchar(32) null, \`decline_code\` varchar(32) null, \`failure_message\` varchar(500) null, \`gateway_code\` varchar(100) null, \`next_action\` json null, \`routing\` json not null, \`processing_ms\` int null, \`attempted_at\` datetime(3) not null, \`reconcile_attempts\` int not null default 0, \`next_reconcile_at\` datetime(3) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`charges\` add index \`charges_gateway_gateway_charge_id_index\`(\`gateway\`, \`gateway_charge_id\`);`);
    this.addSql(`alter table \`charges\` add index \`charges_status_next_reconcile_at_index\`(\`status\`, \`next_reconcile_at\`);`);
    this.addSql(`alter table \`charges\` add index \`charges_order_id_index\`(\`order_id\`);`);

    this.addSql(`create table \`gateway_calls\` (\`id\` varchar(40) not null, \`app_id\` varchar(40) not null, \`gateway\` varchar(16) not null, \`operation\` varchar(40) not null, \`method\` varchar(8) not null, \`path\` varchar(500) not null, \`http_status\` int null, \`duration_ms\` int not null, \`error_class\` varchar(24) null, \`request_body\` text null, \`response_body\` text null, \`charge_id\` varchar(40) null, \`refund_id\` varchar(40) null, \`payment_method_id\` varchar(40) null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`gateway_calls\` add index \`gateway_calls_refund_id_index\`(\`refund_id\`);`);
    this.addSql(`alter table \`gateway_calls\` add index \`gateway_calls_charge_id_index\`(\`charge_id\`);`);

    this.addSql(`create table \`payment_methods\` (\`id\` varchar(40) not null, \`app_id\` varchar(40) not null, \`customer_id\` varchar(40) not null, \`brand\` varchar(20) null, \`last4\` varchar(4) null, \`exp_month\` int null, \`exp_year\` int null, \`is_default\` tinyint(1) not null default false, \`refs\` json not null, \`created_at\` datetime(3) not null, \`deleted_at\` datetime(3) null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`payment_methods\` add index \`payment_methods_app_id_customer_id_index\`(\`app_id\`, \`customer_id\`);`);

    this.addSql(`create table \`refunds\` (\`id\` varchar(40) not null, \`app_id\` varchar(40) not null, \`order_id\` varchar(40) not null, \`charge_id\` varchar(40) not null, \`amount\` bigint not null default 0, \`currency\` varchar(3) not null, \`status\` varchar(16) not null, \`gateway\` varchar(16) not null, \`gateway_refund_id\` varchar(64) null, \`reason\` varchar(32) not null, \`failure_message\` varchar(500) null, \`failure_code\` varchar(100) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`refunds\` add index \`refunds_app_id_order_id_index\`(\`app_id\`, \`order_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`charges\`;`);

    this.addSql(`drop table if exists \`gateway_calls\`;`);

    this.addSql(`drop table if exists \`payment_methods\`;`);

    this.addSql(`drop table if exists \`refunds\`;`);
  }

}
