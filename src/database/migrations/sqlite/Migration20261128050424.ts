import { Migration } from '@mikro-orm/migrations';

export class Migration20261128050424 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`charges\` (\`id\` text not null, \`app_id\` text not null, \`order_id\` text not null, \`status\` text not null, \`amount\` bigint not null default 0, \`currency\` text not null, \`gateway\` text not null, \`gateway_charge_id\` text null, \`source_type\` text not null, \`payment_method_id\` text null, \`source_token\` text null, \`email\` text not null, \`installments\` integer not null default 1, \`card_brand\` text null, \`card_last4\` text null, \`card_exp_month\` integer null, \`card_exp_year\` integer null, \`failure_code\` text null, \`decline_code\` text null, \`failure_message\` text null, \`gateway_code\` text null, \`next_action\` json null, \`routing\` json not null, \`processing_ms\` integer null, \`attempted_at\` datetime not null, \`reconcile_attempts\` integer not null default 0, \`next_reconcile_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create index \`charges_gateway_gateway_charge_id_index\` on \`charges\` (\`gateway\`, \`gateway_charge_id\`);`);
    this.addSql(`create index \`charges_status_next_reconcile_at_index\` on \`charges\` (\`status\`, \`next_reconcile_at\`);`);
    this.addSql(`create index \`charges_order_id_index\` on \`charges\` (\`order_id\`);`);

    this.addSql(`create table \`gateway_calls\` (\`id\` text not null, \`app_id\` text not null, \`gateway\` text not null, \`operation\` text not null, \`method\` text not null, \`path\` text not null, \`http_status\` integer null, \`duration_ms\` integer not null, \`error_class\` text null, \`request_body\` text null, \`response_body\` text null, \`charge_id\` text null, \`refund_id\` text null, \`payment_method_id\` text null, \`created_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create index \`gateway_calls_refund_id_index\` on \`gateway_calls\` (\`refund_id\`);`);
    this.addSql(`create index \`gateway_calls_charge_id_index\` on \`gateway_calls\` (\`charge_id\`);`);

    this.addSql(`create table \`payment_methods\` (\`id\` text not null, \`app_id\` text not null, \`customer_id\` text not null, \`brand\` text null, \`last4\` text null, \`exp_month\` integer null, \`exp_year\` integer null, \`is_default\` integer not null default false, \`refs\` json not null, \`created_at\` datetime not null, \`deleted_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create index \`payment_methods_app_id_customer_id_index\` on \`payment_methods\` (\`app_id\`, \`customer_id\`);`);

    this.addSql(`create table \`refunds\` (\`id\` text not null, \`app_id\` text not null, \`order_id\` text not null, \`charge_id\` text not null, \`amount\` bigint not null default 0, \`currency\` text not null, \`status\` text not null, \`gateway\` text not null, \`gateway_refund_id\` text null, \`reason\` text not null, \`failure_message\` text null, \`failure_code\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create index \`refunds_app_id_order_id_index\` on \`refunds\` (\`app_id\`, \`order_id\`);`);
  }

}
